package canon

import (
	"bytes"
	"encoding"
	"fmt"
	"reflect"
	"slices"
	"time"
	"unsafe"
)

var timeType = reflect.TypeFor[time.Time]()

// Append appends the encoding of v, an argument. If typed, the encoding
// starts with v's dynamic type. Values that cannot be encoded give an error
// wrapping ErrUnsupported.
func Append(b []byte, v any, typed bool) ([]byte, error) {
	if v == nil {
		return append(b, tagNil), nil
	}
	rv := reflect.New(reflect.TypeOf(v)).Elem() // addressable copy
	rv.Set(reflect.ValueOf(v))
	return AppendValue(b, rv, typed)
}

// AppendValue is Append for an addressable reflect.Value. For an interface
// value it writes what Append writes for the value inside.
func AppendValue(b []byte, v reflect.Value, typed bool) ([]byte, error) {
	v = readable(v)
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			return append(b, tagNil), nil
		}
		v = copyOf(v.Elem())
	}
	if typed {
		b = AppendType(b, v.Type())
	}
	e := encoder{typed: typed}
	return e.value(b, v)
}

// readable returns v, addressable, as a value that may be read and copied
// even if it was reached through an unexported field.
func readable(v reflect.Value) reflect.Value {
	if v.CanInterface() {
		return v
	}
	return reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
}

// copyOf returns an addressable copy of v, a readable value.
func copyOf(v reflect.Value) reflect.Value {
	c := reflect.New(v.Type()).Elem()
	c.Set(v)
	return c
}

// An encoder encodes one argument. Every value it is given is addressable.
type encoder struct {
	typed bool
	path  path
}

// value encodes v. Deep values are deep recursions, whose cost is mostly in
// the number of stack frames: value follows pointers and walks structs in
// its own frame.
func (e *encoder) value(b []byte, v reflect.Value) ([]byte, error) {
	v = readable(v)
	followed := 0
	for v.Kind() == reflect.Pointer && !v.IsNil() {
		if err := e.path.enter(ref{t: v.Type(), p: v.UnsafePointer()}); err != nil {
			return nil, err
		}
		followed++
		b = append(b, tagPtr)
		v = v.Elem()
	}
	t := v.Type()
	var err error
	switch {
	case t == timeType:
		b = appendTime(b, v)
	case mayHaveMethods(t) && infoOf(t).special():
		b, err = marshal(b, v, infoOf(t))
	case t.Kind() == reflect.Struct:
		b = appendLen(b, tagStruct, fieldCount(t))
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Name == "_" { // blank fields are no part of a struct's value
				continue
			}
			if b, err = e.value(appendRaw(b, f.Name), v.Field(i)); err != nil {
				return nil, err
			}
		}
	default:
		b, err = e.other(b, v)
	}
	if err != nil {
		return nil, err
	}
	e.path.leave(followed)
	return b, nil
}

// other encodes a value that is not a struct, a non-nil pointer, a time or a
// value of a type with its own marshaling method.
func (e *encoder) other(b []byte, v reflect.Value) ([]byte, error) {
	t := v.Type()
	switch t.Kind() {
	case reflect.Bool:
		return AppendBool(b, v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return AppendInt(b, v.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return AppendUint(b, v.Uint()), nil
	case reflect.Float32, reflect.Float64:
		return AppendFloat(b, v.Float()), nil
	case reflect.Complex64, reflect.Complex128:
		return AppendComplex(b, v.Complex()), nil
	case reflect.String:
		return AppendString(b, v.String()), nil
	case reflect.Pointer:
		return append(b, tagNil), nil // a nil one: value follows the others
	case reflect.Interface:
		if v.IsNil() {
			return append(b, tagNil), nil
		}
		inner := copyOf(v.Elem())
		if e.typed {
			b = AppendType(b, inner.Type())
		}
		return e.value(b, inner)
	case reflect.Slice:
		if v.IsNil() {
			return append(b, tagNil), nil
		}
		if isBytes(t) {
			return appendBytes(b, v.Bytes()), nil
		}
		return e.slice(b, v)
	case reflect.Array:
		if isBytes(t) {
			return appendBytes(b, v.Bytes()), nil
		}
		return e.list(b, v)
	case reflect.Map:
		if v.IsNil() {
			return append(b, tagNil), nil
		}
		return e.mapValue(b, v)
	}
	return nil, unsupported(t)
}

func fieldCount(t reflect.Type) int {
	n := 0
	for i := range t.NumField() {
		if t.Field(i).Name != "_" {
			n++
		}
	}
	return n
}

func unsupported(t reflect.Type) error {
	return fmt.Errorf("%w: %s", ErrUnsupported, t)
}

func appendTime(b []byte, v reflect.Value) []byte {
	tm := *(*time.Time)(unsafe.Pointer(v.UnsafeAddr()))
	name, offset := tm.Zone()
	b = AppendInt(append(b, tagTime), tm.Unix())
	b = AppendInt(b, int64(tm.Nanosecond()))
	b = AppendInt(b, int64(offset))
	b = appendRaw(b, name)
	return appendRaw(b, tm.Location().String())
}

// mayHaveMethods reports whether values of type t might be encoded by
// their methods: t is not a pointer or an interface, and is a struct (whose
// fields may bring methods) or a type declared in a package.
func mayHaveMethods(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface:
		return false
	case reflect.Struct:
		return true
	}
	return t.PkgPath() != ""
}

// isBytes reports whether t, a slice or array type, holds plain bytes.
func isBytes(t reflect.Type) bool {
	return t.Elem().Kind() == reflect.Uint8 && t.Elem().PkgPath() == ""
}

func (e *encoder) slice(b []byte, v reflect.Value) ([]byte, error) {
	if err := e.path.enter(ref{t: v.Type(), p: v.UnsafePointer(), n: v.Len()}); err != nil {
		return nil, err
	}
	b, err := e.list(b, v)
	if err != nil {
		return nil, err
	}
	e.path.leave(1)
	return b, nil
}

func (e *encoder) list(b []byte, v reflect.Value) ([]byte, error) {
	b = appendLen(b, tagList, v.Len())
	for i := range v.Len() {
		var err error
		if b, err = e.value(b, v.Index(i)); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// mapValue encodes a map as its entries sorted by their encodings, so that
// iteration order never matters.
func (e *encoder) mapValue(b []byte, v reflect.Value) ([]byte, error) {
	if err := e.path.enter(ref{t: v.Type(), p: v.UnsafePointer()}); err != nil {
		return nil, err
	}
	entries := make([][]byte, 0, v.Len())
	k := reflect.New(v.Type().Key()).Elem()
	val := reflect.New(v.Type().Elem()).Elem()
	it := v.MapRange()
	for it.Next() {
		k.SetIterKey(it)
		val.SetIterValue(it)
		kv, err := e.value(nil, k)
		if err == nil {
			kv, err = e.value(kv, val)
		}
		if err != nil {
			return nil, err
		}
		entries = append(entries, kv)
	}
	e.path.leave(1)
	// The key comes first and is self-delimiting: entries with equal keys
	// (a map may hold several NaNs, or 1 and 1.0 under interface keys) are
	// ordered by their values.
	slices.SortFunc(entries, bytes.Compare)
	b = appendLen(b, tagMap, len(entries))
	for _, kv := range entries {
		b = append(b, kv...)
	}
	return b, nil
}

// marshal encodes v by its type's own MarshalBinary or MarshalText.
// A context is refused.
func marshal(b []byte, v reflect.Value, info *typeInfo) ([]byte, error) {
	if info.context {
		return nil, fmt.Errorf("%w: %s is a context.Context", ErrUnsupported, v.Type())
	}
	if info.ptr {
		v = v.Addr()
	}
	var data []byte
	var err error
	x := v.Interface()
	if bm, ok := x.(encoding.BinaryMarshaler); ok && info.marshal == tagBinary {
		data, err = bm.MarshalBinary()
	} else if tm, ok := x.(encoding.TextMarshaler); ok && info.marshal == tagText {
		data, err = tm.MarshalText()
	} else {
		return nil, unsupported(v.Type())
	}
	if err != nil {
		return nil, fmt.Errorf("cachetoolz: argument of type %s: %w", v.Type(), err)
	}
	return appendRaw(append(b, info.marshal), string(data)), nil
}
