package codec

import (
	"fmt"
	"reflect"
)

// JSON is the default codec: a JSONCodec on DefaultRegistry.
var JSON = NewJSON(nil)

// JSONOptions configures a JSONCodec. A nil *JSONOptions, and every zero
// field, takes the documented default.
type JSONOptions struct {
	// Registry supplies the custom coders and the named types for
	// interface values. Default: DefaultRegistry.
	Registry *Registry
}

// JSONCodec encodes values as JSON text that decodes back exactly into the
// same Go type; see the package documentation for the encoding of each
// type. It is safe for concurrent use. The zero value uses
// DefaultRegistry.
type JSONCodec struct {
	reg *Registry
}

// NewJSON returns a JSON codec configured by opts.
func NewJSON(opts *JSONOptions) *JSONCodec {
	c := &JSONCodec{}
	if opts != nil {
		c.reg = opts.Registry
	}
	return c
}

func (c *JSONCodec) registry() *Registry {
	if c == nil || c.reg == nil {
		return DefaultRegistry
	}
	return c.reg
}

// Marshal encodes v. A non-nil pointer is encoded as the value it points
// to, so Marshal(&x) and Marshal(x) give the same bytes, and Marshal(&x)
// is the way to keep x's static type when it is an interface type.
//
// The error wraps ErrUnsupported when v's type, or a type it holds, cannot
// be encoded.
func (c *JSONCodec) Marshal(v any) ([]byte, error) {
	if v == nil {
		return []byte("null"), nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return []byte("null"), nil
		}
		rv = rv.Elem()
	}
	e := getEncState(c.registry().load())
	defer putEncState(e)
	if err := e.st.encPlan(rv.Type()).fn(e, rv); err != nil {
		return nil, err
	}
	return append([]byte(nil), e.buf...), nil
}

// Unmarshal decodes data into the value v points to, replacing it
// entirely. v must be a non-nil pointer to a variable of the type that was
// marshalled (see Marshal).
//
// The error wraps ErrInvalidData when data is not an encoding of that type,
// or ErrUnsupported when the type cannot be decoded; the variable is then
// left at its zero value.
func (c *JSONCodec) Unmarshal(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("cachetoolz: codec: Unmarshal needs a non-nil pointer, got %T", v)
	}
	rv = rv.Elem()
	d := decState{data: data, st: c.registry().load()}
	err := d.st.decPlan(rv.Type()).fn(&d, rv)
	if d.skipWS(); err == nil && d.pos != len(d.data) {
		err = d.errf("unexpected data after the value")
	}
	if err != nil {
		rv.SetZero()
	}
	return err
}
