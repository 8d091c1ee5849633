package codec

import (
	"reflect"
)

// Structs are JSON objects of their encoded fields (see structFields), in
// field order. Unexported fields are not encoded; a struct that has
// unexported fields and nothing to encode is unsupported, rather than
// silently cached empty. A field tagged omitempty or omitzero is left out
// when it holds the zero value (only then, so that an empty but non-nil
// slice is still written). Decoding is strict: it starts from the zero
// value and refuses null, keys that name no field exactly (case counts), a
// key given twice and a missing field that is never omitted, so that only
// what was written for this very type decodes.

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
			if f.omit && isZero(fv) {
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
	var required uint64 // the fields among the first 64 that are never omitted
	for i := range fields {
		f := &fields[i]
		if f.dec = b.dec(f.typ); f.dec.err != nil {
			return nil, f.dec.err
		}
		if !f.omit && i < 64 {
			required |= 1 << i
		}
	}
	return func(d *decState, v reflect.Value) error {
		if d.peek() != '{' {
			return d.typeErr(t, "object")
		}
		v.SetZero()
		more, err := d.open('{', '}')
		if err != nil {
			return err
		}
		var seen fieldSet
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
			if f < 0 {
				return d.errf("decoding %v: unknown field %q", t, name)
			}
			if !seen.add(f, len(fields)) {
				return d.errf("decoding %v: field %q appears twice", t, name)
			}
			if err := d.expect(':'); err != nil {
				return err
			}
			next = f + 1
			fd := &fields[f]
			if err := fd.dec.fn(d, fieldByIndex(v, fd.index)); err != nil {
				return err
			}
			if more, err = d.more('}'); err != nil {
				return err
			}
		}
		if seen.small&required != required || len(fields) > 64 {
			for i := range fields {
				if !fields[i].omit && !seen.has(i) {
					return d.errf("decoding %v: field %q is missing", t, fields[i].name)
				}
			}
		}
		d.leave()
		return nil
	}, nil
}

// lookupField returns the index of the field called exactly name, trying
// the field at hint first, or -1.
func lookupField(fields []field, name []byte, hint int) int {
	if hint < len(fields) && string(name) == fields[hint].name {
		return hint
	}
	for i := range fields {
		if string(name) == fields[i].name {
			return i
		}
	}
	return -1
}

// fieldSet is the set of the fields of a struct read so far. The first 64
// fit in small; more are rare and go in big.
type fieldSet struct {
	small uint64
	big   []uint64
}

// add adds field i of n and reports whether it was not there yet.
func (s *fieldSet) add(i, n int) bool {
	if i < 64 {
		had := s.small&(1<<i) != 0
		s.small |= 1 << i
		return !had
	}
	if s.big == nil {
		s.big = make([]uint64, (n+63)/64)
	}
	w, bit := i/64, uint64(1)<<(i%64)
	had := s.big[w]&bit != 0
	s.big[w] |= bit
	return !had
}

// has reports whether field i is in the set.
func (s *fieldSet) has(i int) bool {
	if i < 64 {
		return s.small&(1<<i) != 0
	}
	return s.big != nil && s.big[i/64]&(1<<(i%64)) != 0
}
