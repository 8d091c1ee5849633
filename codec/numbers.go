package codec

import (
	"math"
	"reflect"
	"strconv"
)

// Booleans are JSON booleans and integers are JSON numbers written in full,
// so 64-bit values keep every digit. Floats are JSON numbers with the
// fewest digits that read back to the same value; NaN and the infinities,
// which JSON numbers cannot express, are the strings "NaN", "+Inf" and
// "-Inf". Complex numbers are two-element arrays [real, imaginary].

func encBool(e *encState, v reflect.Value) error {
	e.buf = strconv.AppendBool(e.buf, v.Bool())
	return nil
}

func decBool(d *decState, v reflect.Value) error {
	switch {
	case d.peek() == 't' && d.hasLiteral("true"):
		d.pos += 4
		v.SetBool(true)
	case d.peek() == 'f' && d.hasLiteral("false"):
		d.pos += 5
		v.SetBool(false)
	default:
		return d.typeErr(v.Type(), "boolean")
	}
	return nil
}

func encInt(e *encState, v reflect.Value) error {
	e.buf = strconv.AppendInt(e.buf, v.Int(), 10)
	return nil
}

func encUint(e *encState, v reflect.Value) error {
	e.buf = strconv.AppendUint(e.buf, v.Uint(), 10)
	return nil
}

func decInt(d *decState, v reflect.Value) error {
	if !d.numberNext() {
		return d.typeErr(v.Type(), "integer")
	}
	text, integer, err := d.number()
	if err != nil {
		return err
	}
	neg := text[0] == '-'
	if neg {
		text = text[1:]
	}
	u, ok := parseDigits(text)
	bits := uint(v.Type().Bits())
	limit := uint64(1) << (bits - 1)
	if !integer || !ok || u > limit || (!neg && u == limit) {
		return d.errf("decoding %v: %s%s out of range", v.Type(), sign(neg), text)
	}
	n := int64(u)
	if neg {
		n = -n
	}
	v.SetInt(n)
	return nil
}

func decUint(d *decState, v reflect.Value) error {
	if !d.numberNext() {
		return d.typeErr(v.Type(), "integer")
	}
	text, integer, err := d.number()
	if err != nil {
		return err
	}
	u, ok := parseDigits(text)
	if !integer || !ok || v.OverflowUint(u) {
		return d.errf("decoding %v: %s out of range", v.Type(), text)
	}
	v.SetUint(u)
	return nil
}

func sign(neg bool) string {
	if neg {
		return "-"
	}
	return ""
}

// parseDigits parses decimal digits into a uint64, reporting false on
// anything else or on overflow.
func parseDigits(text []byte) (uint64, bool) {
	if len(text) == 0 {
		return 0, false
	}
	var u uint64
	for _, c := range text {
		digit := uint64(c - '0')
		if !isDigit(c) || u > (math.MaxUint64-digit)/10 {
			return 0, false
		}
		u = u*10 + digit
	}
	return u, true
}

// appendFloat appends f, of the given bit size, as a JSON value.
func appendFloat(b []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(b, `"+Inf"`...)
	case math.IsInf(f, -1):
		return append(b, `"-Inf"`...)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	return strconv.AppendFloat(b, f, format, -1, bits)
}

// float consumes a float written by appendFloat.
func (d *decState) float(t reflect.Type, bits int) (float64, error) {
	if d.peek() == '"' {
		s, err := d.stringBytes()
		if err != nil {
			return 0, err
		}
		switch string(s) {
		case "NaN":
			return math.NaN(), nil
		case "+Inf":
			return math.Inf(1), nil
		case "-Inf":
			return math.Inf(-1), nil
		}
		return 0, d.errf("decoding %v: %q is not a number", t, s)
	}
	text, _, err := d.number()
	if err != nil {
		return 0, err
	}
	f, err := strconv.ParseFloat(string(text), bits)
	if err != nil {
		return 0, d.errf("decoding %v: %s out of range", t, text)
	}
	// Only the digits appendFloat writes are exact: others may have been
	// rounded, or written for a float of another size.
	var scratch [32]byte
	if string(appendFloat(scratch[:0], f, bits)) != string(text) {
		return 0, d.errf("decoding %v: %s is not exactly a %v", t, text, t)
	}
	return f, nil
}

func encFloat(e *encState, v reflect.Value) error {
	e.buf = appendFloat(e.buf, v.Float(), v.Type().Bits())
	return nil
}

func decFloat(d *decState, v reflect.Value) error {
	if !d.numberNext() && d.peek() != '"' {
		return d.typeErr(v.Type(), "number")
	}
	f, err := d.float(v.Type(), v.Type().Bits())
	if err != nil {
		return err
	}
	v.SetFloat(f)
	return nil
}

func encComplex(e *encState, v reflect.Value) error {
	c, bits := v.Complex(), v.Type().Bits()/2
	e.buf = append(e.buf, '[')
	e.buf = appendFloat(e.buf, real(c), bits)
	e.buf = append(e.buf, ',')
	e.buf = appendFloat(e.buf, imag(c), bits)
	e.buf = append(e.buf, ']')
	return nil
}

func decComplex(d *decState, v reflect.Value) error {
	t, bits := v.Type(), v.Type().Bits()/2
	if err := d.expect('['); err != nil {
		return err
	}
	re, err := d.float(t, bits)
	if err != nil {
		return err
	}
	if err := d.expect(','); err != nil {
		return err
	}
	im, err := d.float(t, bits)
	if err != nil {
		return err
	}
	if err := d.expect(']'); err != nil {
		return err
	}
	v.SetComplex(complex(re, im))
	return nil
}

// numberNext reports whether a number comes next.
func (d *decState) numberNext() bool {
	c := d.peek()
	return c == '-' || isDigit(c)
}
