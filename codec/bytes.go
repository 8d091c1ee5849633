package codec

import (
	"encoding/base64"
	"reflect"
)

// Byte slices are base64 strings (standard alphabet, padded), which carry
// any bytes; nil is null and an empty slice is "". Byte arrays are
// lower-case hexadecimal strings, and 16-byte arrays take the canonical
// UUID layout 8-4-4-4-12, so UUID types read naturally.

func encBytes(e *encState, v reflect.Value) error {
	if v.IsNil() {
		e.buf = append(e.buf, "null"...)
		return nil
	}
	src := v.Bytes()
	e.buf = append(e.buf, '"')
	e.buf = base64.StdEncoding.AppendEncode(e.buf, src)
	e.buf = append(e.buf, '"')
	return nil
}

func decBytes(d *decState, v reflect.Value) error {
	if d.null() {
		v.SetZero()
		return nil
	}
	out, err := d.base64String(v.Type())
	if err != nil {
		return err
	}
	v.SetBytes(out)
	return nil
}

// strictBase64 reads only what the encoder writes: padded, with the unused
// bits of the last character zero.
var strictBase64 = base64.StdEncoding.Strict()

// base64String reads a JSON string holding the strict base64 of bytes
// decoded into a value of type t, and returns those bytes.
func (d *decState) base64String(t reflect.Type) ([]byte, error) {
	if d.peek() != '"' {
		return nil, d.typeErr(t, "base64 string")
	}
	s, err := d.stringBytes()
	if err != nil {
		return nil, err
	}
	return d.base64(t, s)
}

// base64 decodes s, the base64 text of a value of type t.
func (d *decState) base64(t reflect.Type, s []byte) ([]byte, error) {
	out := make([]byte, strictBase64.DecodedLen(len(s)))
	n, err := strictBase64.Decode(out, s)
	if err != nil {
		return nil, d.errf("decoding %v: %v", t, err)
	}
	return out[:n:n], nil
}

// uuidDash reports whether the UUID layout of an n-byte array puts a dash
// before byte i.
func uuidDash(n, i int) bool { return n == 16 && (i == 4 || i == 6 || i == 8 || i == 10) }

func encByteArray(e *encState, v reflect.Value) error {
	n := v.Len()
	e.buf = append(e.buf, '"')
	for i := range n {
		if uuidDash(n, i) {
			e.buf = append(e.buf, '-')
		}
		c := byte(v.Index(i).Uint())
		e.buf = append(e.buf, hexDigits[c>>4], hexDigits[c&0xf])
	}
	e.buf = append(e.buf, '"')
	return nil
}

func decByteArray(d *decState, v reflect.Value) error {
	if d.peek() != '"' {
		return d.typeErr(v.Type(), "hexadecimal string")
	}
	s, err := d.stringBytes()
	if err != nil {
		return err
	}
	n, j := v.Len(), 0
	for i := range n {
		if uuidDash(n, i) {
			if j >= len(s) || s[j] != '-' {
				return d.errf("decoding %v: malformed UUID %q", v.Type(), s)
			}
			j++
		}
		if j+2 > len(s) {
			return d.errf("decoding %v: %q is too short", v.Type(), s)
		}
		hi, ok1 := unhex(s[j])
		lo, ok2 := unhex(s[j+1])
		if !ok1 || !ok2 {
			return d.errf("decoding %v: %q is not hexadecimal", v.Type(), s)
		}
		v.Index(i).SetUint(uint64(hi<<4 | lo))
		j += 2
	}
	if j != len(s) {
		return d.errf("decoding %v: %q is too long", v.Type(), s)
	}
	return nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
