package codec

import "reflect"

// Slices and arrays are JSON arrays. A nil slice is null and an empty one
// is [], so the two stay apart. An array must read back with exactly its
// length.

func (b *builder) sliceEnc(t reflect.Type) (encFunc, error) {
	elem := b.enc(t.Elem())
	if elem.err != nil {
		return nil, elem.err
	}
	return func(e *encState, v reflect.Value) error {
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		n := v.Len()
		if err := e.enter(v, n); err != nil {
			return err
		}
		if err := encElems(e, v, n, elem); err != nil {
			return err
		}
		e.leave(v, n)
		return nil
	}, nil
}

func (b *builder) arrayEnc(t reflect.Type) (encFunc, error) {
	elem := b.enc(t.Elem())
	if elem.err != nil {
		return nil, elem.err
	}
	return func(e *encState, v reflect.Value) error {
		return encElems(e, v, v.Len(), elem)
	}, nil
}

func encElems(e *encState, v reflect.Value, n int, elem *encPlan) error {
	e.buf = append(e.buf, '[')
	for i := range n {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		if err := elem.fn(e, v.Index(i)); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, ']')
	return nil
}

func (b *builder) sliceDec(t reflect.Type) (decFunc, error) {
	elem := b.dec(t.Elem())
	if elem.err != nil {
		return nil, elem.err
	}
	return func(d *decState, v reflect.Value) error {
		if d.null() {
			v.SetZero()
			return nil
		}
		if d.peek() != '[' {
			return d.typeErr(t, "array")
		}
		more, err := d.open('[', ']')
		if err != nil {
			return err
		}
		if !more {
			v.Set(reflect.MakeSlice(t, 0, 0)) // empty, not nil
			d.leave()
			return nil
		}
		v.SetZero()
		for n := 0; more; n++ {
			if n == v.Cap() {
				v.Grow(max(4, n))
			}
			v.SetLen(n + 1)
			if err := elem.fn(d, v.Index(n)); err != nil {
				return err
			}
			if more, err = d.more(']'); err != nil {
				return err
			}
		}
		d.leave()
		return nil
	}, nil
}

func (b *builder) arrayDec(t reflect.Type) (decFunc, error) {
	elem := b.dec(t.Elem())
	if elem.err != nil {
		return nil, elem.err
	}
	return func(d *decState, v reflect.Value) error {
		if d.peek() != '[' {
			return d.typeErr(t, "array")
		}
		more, err := d.open('[', ']')
		if err != nil {
			return err
		}
		n := 0
		for ; more; n++ {
			if n >= v.Len() {
				return d.errf("decoding %v: more than %d elements", t, v.Len())
			}
			if err := elem.fn(d, v.Index(n)); err != nil {
				return err
			}
			if more, err = d.more(']'); err != nil {
				return err
			}
		}
		d.leave()
		if n != v.Len() {
			return d.errf("decoding %v: %d elements, want %d", t, n, v.Len())
		}
		return nil
	}, nil
}
