package codec

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/cachetoolz/cachetoolz/internal/methods"
)

// A type that implements both json.Marshaler and json.Unmarshaler (with
// value or pointer receivers) is written as its MarshalJSON output and read
// with UnmarshalJSON. Otherwise a type that implements both
// encoding.TextMarshaler and encoding.TextUnmarshaler is a JSON string of
// its text; otherwise a type that implements both
// encoding.BinaryMarshaler and encoding.BinaryUnmarshaler is a base64
// string of its binary form. A type with only one half of a pair is
// encoded by its kind, so that what is written can always be read.
// Methods a struct gets only from an embedded field do not count.

var (
	jsonMarshalerType   = reflect.TypeFor[json.Marshaler]()
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textMarshalerType   = reflect.TypeFor[encoding.TextMarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	binMarshalerType    = reflect.TypeFor[encoding.BinaryMarshaler]()
	binUnmarshalerType  = reflect.TypeFor[encoding.BinaryUnmarshaler]()
)

type marshalKind int

const (
	marshalNone marshalKind = iota
	marshalJSON
	marshalText
	marshalBinary
)

func marshalKindOf(t reflect.Type) marshalKind {
	if t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface {
		return marshalNone
	}
	pt := reflect.PointerTo(t)
	if pt.Implements(jsonMarshalerType) && pt.Implements(jsonUnmarshalerType) && methods.Own(t, jsonMarshalerType) {
		return marshalJSON
	}
	if pt.Implements(textMarshalerType) && pt.Implements(textUnmarshalerType) && methods.Own(t, textMarshalerType) {
		return marshalText
	}
	if pt.Implements(binMarshalerType) && pt.Implements(binUnmarshalerType) && methods.Own(t, binMarshalerType) {
		return marshalBinary
	}
	return marshalNone
}

// addressable returns a pointer to v's value, copying it when v is not
// addressable, to call methods with pointer receivers.
func addressable(v reflect.Value) reflect.Value {
	if v.CanAddr() {
		return v.Addr()
	}
	p := reflect.New(v.Type())
	p.Elem().Set(v)
	return p
}

func marshalerEnc(t reflect.Type) encFunc {
	switch marshalKindOf(t) {
	case marshalJSON:
		return encJSONMarshaler
	case marshalText:
		return encTextMarshaler
	case marshalBinary:
		return encBinaryMarshaler
	}
	return nil
}

func marshalerDec(t reflect.Type) decFunc {
	switch marshalKindOf(t) {
	case marshalJSON:
		return decJSONUnmarshaler
	case marshalText:
		return decTextUnmarshaler
	case marshalBinary:
		return decBinaryUnmarshaler
	}
	return nil
}

// callErr turns a panic in a method or function of the user's into an
// error, so that one bad value never crashes a cache call.
func callErr(t reflect.Type, what string, err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("cachetoolz: codec: %s of %v panicked: %v", what, t, r)
	}
}

// isNil reports whether v is a nil slice or map, which marshaler types of
// those kinds (such as json.RawMessage) write as null without calling
// their methods, and read back as nil.
func isNil(v reflect.Value) bool {
	k := v.Kind()
	return (k == reflect.Slice || k == reflect.Map) && v.IsNil()
}

func encJSONMarshaler(e *encState, v reflect.Value) (err error) {
	if isNil(v) {
		e.buf = append(e.buf, "null"...)
		return nil
	}
	defer callErr(v.Type(), "MarshalJSON", &err)
	out, err := addressable(v).Interface().(json.Marshaler).MarshalJSON()
	if err != nil {
		return fmt.Errorf("cachetoolz: codec: MarshalJSON of %v: %w", v.Type(), err)
	}
	check := decState{data: out}
	if _, err := check.skipValue(); err != nil || check.peek() != 0 {
		return fmt.Errorf("cachetoolz: codec: MarshalJSON of %v returned invalid JSON", v.Type())
	}
	e.buf = append(e.buf, out...)
	return nil
}

func decJSONUnmarshaler(d *decState, v reflect.Value) (err error) {
	if k := v.Kind(); (k == reflect.Slice || k == reflect.Map) && d.null() {
		v.SetZero()
		return nil
	}
	raw, err := d.skipValue()
	if err != nil {
		return err
	}
	defer callErr(v.Type(), "UnmarshalJSON", &err)
	if err := v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(raw); err != nil {
		return fmt.Errorf("%w: decoding %v: %w", ErrInvalidData, v.Type(), err)
	}
	return nil
}

func encTextMarshaler(e *encState, v reflect.Value) (err error) {
	if isNil(v) {
		e.buf = append(e.buf, "null"...)
		return nil
	}
	defer callErr(v.Type(), "MarshalText", &err)
	out, err := addressable(v).Interface().(encoding.TextMarshaler).MarshalText()
	if err != nil {
		return fmt.Errorf("cachetoolz: codec: MarshalText of %v: %w", v.Type(), err)
	}
	e.buf = appendString(e.buf, out)
	return nil
}

func decTextUnmarshaler(d *decState, v reflect.Value) (err error) {
	if k := v.Kind(); (k == reflect.Slice || k == reflect.Map) && d.null() {
		v.SetZero()
		return nil
	}
	if d.peek() != '"' {
		return d.typeErr(v.Type(), "string")
	}
	text, err := d.stringBytes()
	if err != nil {
		return err
	}
	defer callErr(v.Type(), "UnmarshalText", &err)
	if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText(text); err != nil {
		return fmt.Errorf("%w: decoding %v: %w", ErrInvalidData, v.Type(), err)
	}
	return nil
}

func encBinaryMarshaler(e *encState, v reflect.Value) (err error) {
	if isNil(v) {
		e.buf = append(e.buf, "null"...)
		return nil
	}
	defer callErr(v.Type(), "MarshalBinary", &err)
	out, err := addressable(v).Interface().(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		return fmt.Errorf("cachetoolz: codec: MarshalBinary of %v: %w", v.Type(), err)
	}
	e.buf = append(e.buf, '"')
	e.buf = base64.StdEncoding.AppendEncode(e.buf, out)
	e.buf = append(e.buf, '"')
	return nil
}

func decBinaryUnmarshaler(d *decState, v reflect.Value) (err error) {
	if k := v.Kind(); (k == reflect.Slice || k == reflect.Map) && d.null() {
		v.SetZero()
		return nil
	}
	data, err := d.base64String(v.Type())
	if err != nil {
		return err
	}
	defer callErr(v.Type(), "UnmarshalBinary", &err)
	if err := v.Addr().Interface().(encoding.BinaryUnmarshaler).UnmarshalBinary(data); err != nil {
		return fmt.Errorf("%w: decoding %v: %w", ErrInvalidData, v.Type(), err)
	}
	return nil
}
