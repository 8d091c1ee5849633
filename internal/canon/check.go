package canon

import (
	"fmt"
	"reflect"
)

// Check reports an error if values of static type t can never be encoded:
// if t holds a function, a channel, an unsafe pointer or a context.Context
// other than behind an interface of another type. Values behind interfaces
// are checked when they are encoded.
func Check(t reflect.Type) error {
	return check(t, map[reflect.Type]bool{})
}

func check(t reflect.Type, seen map[reflect.Type]bool) error {
	if seen[t] {
		return nil
	}
	seen[t] = true
	if isContext(t) {
		return fmt.Errorf("%w: %s is a context.Context", ErrUnsupported, t)
	}
	if t == timeType || infoOf(t).marshal != 0 {
		return nil
	}
	switch t.Kind() {
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return fmt.Errorf("%w: %s", ErrUnsupported, t)
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return check(t.Elem(), seen)
	case reflect.Map:
		if err := check(t.Key(), seen); err != nil {
			return err
		}
		return check(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if t.Field(i).Name == "_" {
				continue
			}
			if err := check(t.Field(i).Type, seen); err != nil {
				return fmt.Errorf("field %s: %w", t.Field(i).Name, err)
			}
		}
	}
	return nil
}
