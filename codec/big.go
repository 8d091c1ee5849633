package codec

import (
	"math/big"
	"reflect"
	"strconv"
	"strings"
)

// Arbitrary-precision numbers, the Go forms of Python's Decimal:
//
//   - a big.Int is a JSON number with every digit: 123456789012345678901;
//   - a big.Rat is a string "numerator/denominator", or just the numerator
//     when the denominator is 1: "-7/3", "12";
//   - a big.Float is a string of its value, precision in bits and rounding
//     mode: "1.1 200 ToZero". The value has the fewest decimal digits that
//     read back exactly at that precision; it takes the exact hexadecimal
//     form "0x.8p+8" instead when those do not (at some powers of two of
//     low precision) or when its binary exponent is beyond ±4096. The
//     accuracy (Acc) is not kept.
//
// Precisions beyond maxFloatPrec bits are refused both ways, so that data
// cannot make a decoder allocate without bound.

const maxFloatPrec = 1 << 20

// maxDecimalExp is the largest binary exponent of a big.Float written in
// decimal; larger ones are written in hexadecimal.
const maxDecimalExp = 4096

func encBigInt(e *encState, v reflect.Value) error {
	x := addressable(v).Interface().(*big.Int)
	e.buf = x.Append(e.buf, 10)
	return nil
}

func decBigInt(d *decState, v reflect.Value) error {
	if !d.numberNext() {
		return d.typeErr(v.Type(), "integer")
	}
	text, integer, err := d.number()
	if err != nil {
		return err
	}
	x, ok := new(big.Int).SetString(string(text), 10)
	if !integer || !ok {
		return d.errf("decoding %v: %s is not an integer", v.Type(), text)
	}
	v.Set(reflect.ValueOf(x).Elem())
	return nil
}

func encBigRat(e *encState, v reflect.Value) error {
	x := addressable(v).Interface().(*big.Rat)
	e.buf = append(e.buf, '"')
	e.buf = append(e.buf, x.RatString()...)
	e.buf = append(e.buf, '"')
	return nil
}

func decBigRat(d *decState, v reflect.Value) error {
	if d.peek() != '"' {
		return d.typeErr(v.Type(), "string")
	}
	s, err := d.string()
	if err != nil {
		return err
	}
	// Accept only what encBigRat writes: SetString also reads decimals with
	// exponents, which data could use to demand huge powers of ten.
	num, den, hasDen := strings.Cut(s, "/")
	num = strings.TrimPrefix(num, "-")
	x, ok := new(big.Rat), allDigits(num) && (!hasDen || allDigits(den))
	if ok {
		_, ok = x.SetString(s)
	}
	if !ok {
		return d.errf("decoding %v: malformed rational %q", v.Type(), s)
	}
	v.Set(reflect.ValueOf(x).Elem())
	return nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func encBigFloat(e *encState, v reflect.Value) error {
	x := addressable(v).Interface().(*big.Float)
	if x.Prec() > maxFloatPrec {
		return unsupported(v.Type(), "precision %d is above the limit of %d bits", x.Prec(), maxFloatPrec)
	}
	e.buf = append(e.buf, '"')
	start := len(e.buf)
	if exp := x.MantExp(nil); exp > maxDecimalExp || exp < -maxDecimalExp {
		// Decimal digits would take time and space in proportion to the
		// exponent.
		e.buf = x.Append(e.buf, 'p', 0)
	} else if e.buf = x.Append(e.buf, 'g', -1); x.Prec() > 0 && !x.IsInf() {
		// Check that the shortest digits read back to x: they do not at
		// some powers of two.
		back, _, err := new(big.Float).SetPrec(x.Prec()).Parse(string(e.buf[start:]), 10)
		if err != nil || back.Cmp(x) != 0 {
			e.buf = x.Append(e.buf[:start], 'p', 0)
		}
	}
	e.buf = append(e.buf, ' ')
	e.buf = strconv.AppendUint(e.buf, uint64(x.Prec()), 10)
	e.buf = append(e.buf, ' ')
	e.buf = append(e.buf, x.Mode().String()...)
	e.buf = append(e.buf, '"')
	return nil
}

// roundingModes maps the names of big.RoundingMode values to them.
var roundingModes = map[string]big.RoundingMode{}

func init() {
	for m := big.ToNearestEven; m <= big.ToPositiveInf; m++ {
		roundingModes[m.String()] = m
	}
}

func decBigFloat(d *decState, v reflect.Value) error {
	if d.peek() != '"' {
		return d.typeErr(v.Type(), "string")
	}
	s, err := d.string()
	if err != nil {
		return err
	}
	x, ok := parseBigFloat(s)
	if !ok {
		return d.errf("decoding %v: malformed big float %q", v.Type(), s)
	}
	v.Set(reflect.ValueOf(x).Elem())
	return nil
}

func parseBigFloat(s string) (*big.Float, bool) {
	parts := strings.Split(s, " ")
	if len(parts) != 3 || !allDigits(parts[1]) || len(parts[1]) > 8 {
		return nil, false
	}
	prec, _ := strconv.Atoi(parts[1])
	mode, ok := roundingModes[parts[2]]
	if !ok || prec > maxFloatPrec {
		return nil, false
	}
	x := new(big.Float)
	if prec == 0 {
		// A zero-precision Float is a signed zero or infinity; Parse would
		// raise the precision to 64.
		switch parts[0] {
		case "0":
		case "-0":
			x.Neg(x)
		case "+Inf", "Inf":
			x.SetInf(false)
		case "-Inf":
			x.SetInf(true)
		default:
			return nil, false
		}
		return x.SetMode(mode), true
	}
	// The shortest digits read back exactly when rounded to the nearest.
	x.SetPrec(uint(prec)).SetMode(big.ToNearestEven)
	if _, _, err := x.Parse(parts[0], 0); err != nil {
		return nil, false
	}
	return x.SetMode(mode), true
}
