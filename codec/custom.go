package codec

import (
	"fmt"
	"reflect"
)

// customEnc adapts a registered encoder to the plan signature: it converts
// the value to T, calls enc, and encodes the R it returns.
func customEnc[T, R any](enc func(T) (R, error)) encFunc {
	rt := reflect.TypeFor[R]()
	return func(e *encState, v reflect.Value) error {
		x, ok := reflect.TypeAssert[T](v)
		if !ok && v.Kind() == reflect.Interface && v.IsNil() {
			ok = true // a nil interface value: x is the zero T
		}
		if !ok {
			return unsupported(v.Type(), "registered encoder of %v met a value of %v", reflect.TypeFor[T](), v.Type())
		}
		r, err := callEnc(enc, x)
		if err != nil {
			return err
		}
		if err := e.nest(rt); err != nil {
			return err
		}
		if err := e.st.encPlan(rt).fn(e, reflect.ValueOf(&r).Elem()); err != nil {
			return err
		}
		e.depth--
		return nil
	}
}

func callEnc[T, R any](enc func(T) (R, error), x T) (r R, err error) {
	defer callErr(reflect.TypeFor[T](), "registered encoder", &err)
	if r, err = enc(x); err != nil {
		return r, fmt.Errorf("cachetoolz: codec: encoding %v: %w", reflect.TypeFor[T](), err)
	}
	return r, nil
}

// customDec adapts a registered decoder: it decodes an R and calls dec.
func customDec[T, R any](dec func(R) (T, error)) decFunc {
	rt := reflect.TypeFor[R]()
	return func(d *decState, v reflect.Value) error {
		var r R
		if err := d.enter(); err != nil {
			return err
		}
		if err := d.st.decPlan(rt).fn(d, reflect.ValueOf(&r).Elem()); err != nil {
			return err
		}
		d.leave()
		x, err := callDec(dec, r)
		if err != nil {
			return err
		}
		v.Set(reflect.ValueOf(&x).Elem())
		return nil
	}
}

func callDec[T, R any](dec func(R) (T, error), r R) (x T, err error) {
	defer callErr(reflect.TypeFor[T](), "registered decoder", &err)
	if x, err = dec(r); err != nil {
		return x, fmt.Errorf("%w: decoding %v: %w", ErrInvalidData, reflect.TypeFor[T](), err)
	}
	return x, nil
}
