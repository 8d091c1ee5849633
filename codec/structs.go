package codec

import (
	"bytes"
	"reflect"
)

// Structs are JSON objects of their encoded fields (see structFields), in
// field order. Unexported fields are not encoded; a struct that has
// unexported fields and nothing to encode is unsupported, rather than
// silently cached empty. A field tagged omitempty or omitzero is left out
// when it holds the zero value (only then, so that an empty but non-nil
// slice is still written). Decoding starts from the zero value, matches
// keys exactly or else case-insensitively, and skips unknown keys.

func (b *builder) structEnc(t reflect.Type) (encFunc, error) {
	fields := structFields(t, b.isPlain)
	if len(fields) == 0 && hasHiddenData(t) {
		return nil, unsupported(t, "no exported fields to encode; register a coder for it")
	}
	for i := range fields {
		f := &fields[i]
		if f.enc = b.enc(f.typ); f.enc.err != nil {
			return nil, f.enc.err
		}
	}
	return func(e *encState, v reflect.Value) error {
		e.buf = append(e.buf, '{')
		first := true
		for i := range fields {
			f := &fields[i]
			fv := fieldByIndex(v, f.index)
			if f.omit && fv.IsZero() {
				continue
			}
			if !first {
				e.buf = append(e.buf, ',')
			}
			first = false
			e.buf = append(e.buf, f.key...)
			if err := f.enc.fn(e, fv); err != nil {
				return err
			}
		}
		e.buf = append(e.buf, '}')
		return nil
	}, nil
}

func (b *builder) structDec(t reflect.Type) (decFunc, error) {
	fields := structFields(t, b.isPlain)
	if len(fields) == 0 && hasHiddenData(t) {
		return nil, unsupported(t, "no exported fields to decode; register a coder for it")
	}
	for i := range fields {
		f := &fields[i]
		if f.dec = b.dec(f.typ); f.dec.err != nil {
			return nil, f.dec.err
		}
	}
	return func(d *decState, v reflect.Value) error {
		if d.null() {
			v.SetZero()
			return nil
		}
		if d.peek() != '{' {
			return d.typeErr(t, "object")
		}
		v.SetZero()
		more, err := d.open('{', '}')
		if err != nil {
			return err
		}
		next := 0 // fields usually come in order: try the next one first
		for more {
			if d.peek() != '"' {
				return d.errf("want object key, found %s", d.found())
			}
			name, err := d.stringBytes()
			if err != nil {
				return err
			}
			f := lookupField(fields, name, next)
			if err := d.expect(':'); err != nil {
				return err
			}
			if f < 0 {
				if _, err := d.skipValue(); err != nil {
					return err
				}
			} else {
				next = f + 1
				fd := &fields[f]
				if err := fd.dec.fn(d, fieldByIndex(v, fd.index)); err != nil {
					return err
				}
			}
			if more, err = d.more('}'); err != nil {
				return err
			}
		}
		d.leave()
		return nil
	}, nil
}

// lookupField returns the index of the field called name, trying the
// field at hint first, or -1.
func lookupField(fields []field, name []byte, hint int) int {
	if hint < len(fields) && string(name) == fields[hint].name {
		return hint
	}
	for i := range fields {
		if string(name) == fields[i].name {
			return i
		}
	}
	for i := range fields {
		if bytes.EqualFold(name, fields[i].nameB) {
			return i
		}
	}
	return -1
}
