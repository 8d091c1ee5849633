package codec

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// Decimal is a Python decimal.Decimal: a sign, a coefficient of decimal
// digits and an exponent, or one of the special values Infinity, NaN and
// sNaN. Like Python's, it keeps trailing zeros: "12345.678900" and
// "12345.6789" are equal in value but not the same Decimal. A *big.Rat
// cannot tell them apart, hence this type.
//
// A Decimal holds its text in Python's form (str(d)), so values compare
// with == as Python's representations do, and can be map keys. The zero
// value is 0.
type Decimal struct {
	text string // str(d) in Python, "" for "0"
}

// maxDecimalExponent bounds the exponents ParseDecimal accepts.
const maxDecimalExponent = 1e15

// ParseDecimal parses s as Python's decimal.Decimal(s) does: an optional
// sign, digits with an optional decimal point, an optional exponent
// ("1.50", "-0.00", "1e+3", ".5"), or Infinity, Inf, NaN and sNaN (in any
// case, with an optional payload of digits after NaN). Surrounding white
// space is ignored; digit group underscores are not accepted.
func ParseDecimal(s string) (Decimal, error) {
	bad := func() (Decimal, error) {
		return Decimal{}, fmt.Errorf("cachetoolz: codec: %q is not a decimal", s)
	}
	t := strings.TrimSpace(s)
	sign := ""
	if t != "" && (t[0] == '+' || t[0] == '-') {
		if t[0] == '-' {
			sign = "-"
		}
		t = t[1:]
	}
	lower := strings.ToLower(t)
	switch {
	case lower == "inf" || lower == "infinity":
		return Decimal{sign + "Infinity"}, nil
	case strings.HasPrefix(lower, "nan") || strings.HasPrefix(lower, "snan"):
		name, payload := "NaN", t[3:]
		if lower[0] == 's' {
			name, payload = "sNaN", t[4:]
		}
		if !digitsOnly(payload) {
			return bad()
		}
		payload = strings.TrimLeft(payload, "0")
		return Decimal{sign + name + payload}, nil
	}
	mant, exp, hasExp := t, "", false
	if i := strings.IndexAny(t, "eE"); i >= 0 {
		mant, exp, hasExp = t[:i], t[i+1:], true
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	if intPart+frac == "" || !digitsOnly(intPart) || !digitsOnly(frac) {
		return bad()
	}
	e := int64(0)
	if hasExp {
		digits := exp
		if digits != "" && (digits[0] == '+' || digits[0] == '-') {
			digits = digits[1:]
		}
		if digits == "" || !digitsOnly(digits) {
			return bad()
		}
		n, err := strconv.ParseInt(exp, 10, 64)
		if err != nil || n > maxDecimalExponent || n < -maxDecimalExponent {
			return bad()
		}
		e = n
	}
	coef := strings.TrimLeft(intPart+frac, "0")
	if coef == "" {
		coef = "0"
	}
	return newDecimal(sign, coef, e-int64(len(frac))), nil
}

// digitsOnly reports whether s has no byte other than a digit; "" has none.
func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// DecimalOf returns the Decimal unscaled × 10^exponent, keeping every digit
// of unscaled: DecimalOf(big.NewInt(123400), -2) is 1234.00. A nil unscaled
// is 0.
func DecimalOf(unscaled *big.Int, exponent int) Decimal {
	sign, coef := "", "0"
	if unscaled != nil {
		coef = unscaled.String()
		if coef[0] == '-' {
			sign, coef = "-", coef[1:]
		}
	}
	return newDecimal(sign, coef, int64(exponent))
}

// newDecimal builds a Decimal from its sign, coefficient digits (no
// leading zeros) and exponent, in Python's to-scientific-string form.
func newDecimal(sign, coef string, exp int64) Decimal {
	adjusted := exp + int64(len(coef)) - 1
	var b strings.Builder
	b.WriteString(sign)
	switch {
	case exp <= 0 && adjusted >= -6:
		point := int64(len(coef)) + exp // digits before the decimal point
		switch {
		case exp == 0:
			b.WriteString(coef)
		case point > 0:
			b.WriteString(coef[:point])
			b.WriteByte('.')
			b.WriteString(coef[point:])
		default:
			b.WriteString("0.")
			b.WriteString(strings.Repeat("0", int(-point)))
			b.WriteString(coef)
		}
	default:
		b.WriteString(coef[:1])
		if len(coef) > 1 {
			b.WriteByte('.')
			b.WriteString(coef[1:])
		}
		b.WriteByte('E')
		if adjusted >= 0 {
			b.WriteByte('+')
		}
		b.WriteString(strconv.FormatInt(adjusted, 10))
	}
	if b.String() == "0" {
		return Decimal{}
	}
	return Decimal{b.String()}
}

// String returns d as Python's str(d) writes it: "12345.678900", "1E-7",
// "-0", "Infinity", "NaN".
func (d Decimal) String() string {
	if d.text == "" {
		return "0"
	}
	return d.text
}

// IsFinite reports whether d is a number: not an infinity or a NaN.
func (d Decimal) IsFinite() bool {
	s := strings.TrimPrefix(d.String(), "-")
	return s[0] >= '0' && s[0] <= '9'
}

// Rat returns the value of d as a rational number, or false when d is not
// finite or its exponent is beyond ±100000. Trailing zeros and the sign
// of a zero are not kept.
func (d Decimal) Rat() (*big.Rat, bool) {
	if !d.IsFinite() {
		return nil, false
	}
	if _, exp, ok := strings.Cut(d.text, "E"); ok {
		if n, err := strconv.Atoi(exp); err != nil || n > 100000 || n < -100000 {
			return nil, false
		}
	}
	r, ok := new(big.Rat).SetString(d.String())
	return r, ok
}

// MarshalText returns d.String(), so that other codecs carry a Decimal as
// its text.
func (d Decimal) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText sets *d to the Decimal ParseDecimal gives for text.
func (d *Decimal) UnmarshalText(text []byte) error {
	x, err := ParseDecimal(string(text))
	if err != nil {
		return err
	}
	*d = x
	return nil
}
