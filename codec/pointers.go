package codec

import "reflect"

// A nil pointer is null; any other pointer is what it points to. When
// what it points to can itself be null (a pointer, interface, slice or
// map), a non-nil pointer is wrapped in a one-element array, so that a
// pointer to a nil slice stays apart from a nil pointer. A non-nil pointer
// to a value of another kind that is written as null all the same (by its
// MarshalJSON, or by a registered coder) is refused.

// nullable reports whether values of t can be written as null.
func nullable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
		return true
	}
	return false
}

func (b *builder) ptrEnc(t reflect.Type) (encFunc, error) {
	elem := b.enc(t.Elem())
	if elem.err != nil {
		return nil, elem.err
	}
	wrap := nullable(t.Elem())
	return func(e *encState, v reflect.Value) error {
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		if err := e.enter(v, -1); err != nil {
			return err
		}
		if wrap {
			e.buf = append(e.buf, '[')
		}
		start := len(e.buf)
		if err := elem.fn(e, v.Elem()); err != nil {
			return err
		}
		if wrap {
			e.buf = append(e.buf, ']')
		} else if string(e.buf[start:]) == "null" {
			// A value of another kind written as null, by its own
			// MarshalJSON or a registered coder: the pointer would
			// come back nil.
			return unsupported(t, "a non-nil pointer to a value written as null, which would decode as a nil pointer")
		}
		e.leave(v, -1)
		return nil
	}, nil
}

func (b *builder) ptrDec(t reflect.Type) (decFunc, error) {
	elem := b.dec(t.Elem())
	if elem.err != nil {
		return nil, elem.err
	}
	wrap := nullable(t.Elem())
	et := t.Elem()
	return func(d *decState, v reflect.Value) error {
		if d.null() {
			v.SetZero()
			return nil
		}
		if wrap {
			if err := d.expect('['); err != nil {
				return err
			}
		}
		if err := d.enter(); err != nil {
			return err
		}
		p := reflect.New(et)
		if err := elem.fn(d, p.Elem()); err != nil {
			return err
		}
		d.leave()
		if wrap {
			if err := d.expect(']'); err != nil {
				return err
			}
		}
		v.Set(p)
		return nil
	}, nil
}
