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

var (
	timeType   = reflect.TypeFor[time.Time]()
	binaryType = reflect.TypeFor[encoding.BinaryMarshaler]()
	textType   = reflect.TypeFor[encoding.TextMarshaler]()
)

// Append appends the encoding of v, an argument. If typed, the encoding
// starts with v's dynamic type. Values that cannot be encoded give an error
// wrapping ErrUnsupported or ErrTooDeep.
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
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			return append(b, tagNil), nil
		}
		inner := reflect.New(v.Elem().Type()).Elem()
		inner.Set(v.Elem())
		v = inner
	}
	if typed {
		b = AppendType(b, v.Type())
	}
	e := encoder{typed: typed}
	return e.value(b, v, 0)
}

// AppendType appends the tag of a dynamic type, as typed encodings write it.
func AppendType(b []byte, t reflect.Type) []byte {
	return appendRaw(append(b, tagType), typeName(t))
}

type encoder struct {
	typed bool
}

func (e *encoder) value(b []byte, v reflect.Value, depth int) ([]byte, error) {
	if depth > MaxDepth {
		return nil, ErrTooDeep
	}
	t := v.Type()
	if t == timeType {
		tm := *(*time.Time)(unsafe.Pointer(v.UnsafeAddr()))
		name, offset := tm.Zone()
		b = AppendInt(append(b, tagTime), tm.Unix())
		b = AppendInt(b, int64(tm.Nanosecond()))
		b = AppendInt(b, int64(offset))
		return appendRaw(b, name), nil
	}
	if t.Kind() != reflect.Interface && t.Kind() != reflect.Pointer {
		if m, ok := marshaler(v); ok {
			return e.marshal(b, m)
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
		c := v.Complex()
		if imag(c) == 0 {
			return AppendFloat(b, real(c)), nil
		}
		return AppendFloat(AppendFloat(append(b, tagCmplx), real(c)), imag(c)), nil
	case reflect.String:
		return AppendString(b, v.String()), nil
	case reflect.Pointer:
		if v.IsNil() {
			return append(b, tagNil), nil
		}
		return e.value(b, v.Elem(), depth+1)
	case reflect.Interface:
		if v.IsNil() {
			return append(b, tagNil), nil
		}
		inner := v.Elem()
		if e.typed {
			b = AppendType(b, inner.Type())
		}
		cp := reflect.New(inner.Type()).Elem() // addressable copy
		cp.Set(inner)
		return e.value(b, cp, depth+1)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && t.Elem().PkgPath() == "" {
			return AppendBytes(b, v.Bytes()), nil
		}
		return e.list(b, v, depth)
	case reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && t.Elem().PkgPath() == "" {
			return AppendBytes(b, v.Bytes()), nil
		}
		return e.list(b, v, depth)
	case reflect.Map:
		return e.mapValue(b, v, depth)
	case reflect.Struct:
		b = appendLen(b, tagStruct, t.NumField())
		for i := range t.NumField() {
			b = appendRaw(b, t.Field(i).Name)
			var err error
			if b, err = e.value(b, v.Field(i), depth+1); err != nil {
				return nil, err
			}
		}
		return b, nil
	}
	return nil, fmt.Errorf("%w: %s", ErrUnsupported, t)
}

func (e *encoder) list(b []byte, v reflect.Value, depth int) ([]byte, error) {
	b = appendLen(b, tagList, v.Len())
	for i := range v.Len() {
		var err error
		if b, err = e.value(b, v.Index(i), depth+1); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// mapValue encodes a map as its entries sorted by their encoded keys, so
// that iteration order never matters.
func (e *encoder) mapValue(b []byte, v reflect.Value, depth int) ([]byte, error) {
	type pair struct{ k, kv []byte }
	pairs := make([]pair, 0, v.Len())
	it := v.MapRange()
	for it.Next() {
		k := reflect.New(v.Type().Key()).Elem()
		k.Set(it.Key())
		kb, err := e.value(nil, k, depth+1)
		if err != nil {
			return nil, err
		}
		val := reflect.New(v.Type().Elem()).Elem()
		val.Set(it.Value())
		kv, err := e.value(kb, val, depth+1)
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, pair{kb, kv})
	}
	slices.SortFunc(pairs, func(x, y pair) int { return bytes.Compare(x.k, y.k) })
	b = appendLen(b, tagMap, len(pairs))
	for _, p := range pairs {
		b = append(b, p.kv...)
	}
	return b, nil
}

// marshaler returns v as an encoding.BinaryMarshaler or TextMarshaler, with
// a pointer receiver if need be. v must be addressable.
func marshaler(v reflect.Value) (any, bool) {
	t := v.Type()
	switch {
	case t.Implements(binaryType) || t.Implements(textType):
	case reflect.PointerTo(t).Implements(binaryType) || reflect.PointerTo(t).Implements(textType):
		v = v.Addr()
	default:
		return nil, false
	}
	if !v.CanInterface() {
		// An unexported field: reach it through its address.
		if v.Kind() == reflect.Pointer {
			v = reflect.NewAt(v.Type().Elem(), v.UnsafePointer())
		} else {
			v = reflect.NewAt(t, unsafe.Pointer(v.UnsafeAddr())).Elem()
		}
	}
	return v.Interface(), true
}

func (e *encoder) marshal(b []byte, m any) ([]byte, error) {
	if bm, ok := m.(encoding.BinaryMarshaler); ok {
		data, err := bm.MarshalBinary()
		if err != nil {
			return nil, fmt.Errorf("cachetoolz: argument: %w", err)
		}
		return appendRaw(append(b, tagBinary), string(data)), nil
	}
	if tm, ok := m.(encoding.TextMarshaler); ok {
		data, err := tm.MarshalText()
		if err != nil {
			return nil, fmt.Errorf("cachetoolz: argument: %w", err)
		}
		return appendRaw(append(b, tagText), string(data)), nil
	}
	return nil, fmt.Errorf("%w: %T", ErrUnsupported, m)
}

// typeName identifies a type across processes: its package path and name, or
// its literal form for unnamed types.
func typeName(t reflect.Type) string {
	if t.Name() != "" && t.PkgPath() != "" {
		return t.PkgPath() + "." + t.Name()
	}
	return t.String()
}

// Check reports an error if values of static type t can never be encoded:
// if t holds a function, a channel or an unsafe pointer other than behind an
// interface. Values behind interfaces are checked when they are encoded.
func Check(t reflect.Type) error {
	return check(t, map[reflect.Type]bool{})
}

func check(t reflect.Type, seen map[reflect.Type]bool) error {
	if seen[t] {
		return nil
	}
	seen[t] = true
	if t == timeType || t.Implements(binaryType) || t.Implements(textType) ||
		reflect.PointerTo(t).Implements(binaryType) || reflect.PointerTo(t).Implements(textType) {
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
			if err := check(t.Field(i).Type, seen); err != nil {
				return fmt.Errorf("field %s: %w", t.Field(i).Name, err)
			}
		}
	}
	return nil
}
