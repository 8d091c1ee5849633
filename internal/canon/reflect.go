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

func (e *encoder) value(b []byte, v reflect.Value) ([]byte, error) {
	v = readable(v)
	t := v.Type()
	if t == timeType {
		tm := *(*time.Time)(unsafe.Pointer(v.UnsafeAddr()))
		name, offset := tm.Zone()
		b = AppendInt(append(b, tagTime), tm.Unix())
		b = AppendInt(b, int64(tm.Nanosecond()))
		b = AppendInt(b, int64(offset))
		b = appendRaw(b, name)
		return appendRaw(b, tm.Location().String()), nil
	}
	if k := t.Kind(); k != reflect.Pointer && k != reflect.Interface && (t.Name() != "" || k == reflect.Struct) {
		info := infoOf(t)
		if info.context {
			return nil, fmt.Errorf("%w: %s is a context.Context", ErrUnsupported, t)
		}
		if info.marshal != 0 {
			return marshal(b, v, info)
		}
	}
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
		if v.IsNil() {
			return append(b, tagNil), nil
		}
		return e.pointer(b, v)
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
	case reflect.Struct:
		return e.structValue(b, v)
	}
	return nil, fmt.Errorf("%w: %s", ErrUnsupported, t)
}

// isBytes reports whether t, a slice or array type, holds plain bytes.
func isBytes(t reflect.Type) bool {
	return t.Elem().Kind() == reflect.Uint8 && t.Elem().PkgPath() == ""
}

func (e *encoder) pointer(b []byte, v reflect.Value) ([]byte, error) {
	r := ref{t: v.Type(), p: v.UnsafePointer()}
	if err := e.path.enter(r); err != nil {
		return nil, err
	}
	b, err := e.value(append(b, tagPtr), v.Elem())
	e.path.leave(r)
	return b, err
}

func (e *encoder) slice(b []byte, v reflect.Value) ([]byte, error) {
	r := ref{t: v.Type(), p: v.UnsafePointer(), n: v.Len()}
	if err := e.path.enter(r); err != nil {
		return nil, err
	}
	b, err := e.list(b, v)
	e.path.leave(r)
	return b, err
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

func (e *encoder) structValue(b []byte, v reflect.Value) ([]byte, error) {
	t := v.Type()
	n := 0
	for i := range t.NumField() {
		if t.Field(i).Name != "_" {
			n++
		}
	}
	b = appendLen(b, tagStruct, n)
	for i := range t.NumField() {
		name := t.Field(i).Name
		if name == "_" { // blank fields are no part of a struct's value
			continue
		}
		b = appendRaw(b, name)
		var err error
		if b, err = e.value(b, v.Field(i)); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// mapValue encodes a map as its entries sorted by their encodings, so that
// iteration order never matters.
func (e *encoder) mapValue(b []byte, v reflect.Value) ([]byte, error) {
	r := ref{t: v.Type(), p: v.UnsafePointer()}
	if err := e.path.enter(r); err != nil {
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
	e.path.leave(r)
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
func marshal(b []byte, v reflect.Value, info *typeInfo) ([]byte, error) {
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
		return nil, fmt.Errorf("%w: %s", ErrUnsupported, v.Type())
	}
	if err != nil {
		return nil, fmt.Errorf("cachetoolz: argument of type %s: %w", v.Type(), err)
	}
	return appendRaw(append(b, info.marshal), string(data)), nil
}
