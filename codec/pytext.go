package codec

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// The text of Python's json module: strings with ensure_ascii, floats as
// Python's repr writes them.

// appendPyString appends s as json.dumps writes a str with ensure_ascii:
// printable ASCII as itself, \" \\ \n \r \t \b \f, every other character
// as \uXXXX in lower-case hex (a surrogate pair beyond U+FFFF). A byte of s
// that is not part of valid UTF-8 is the lone surrogate \udc80 to \udcff,
// as Python's surrogateescape error handler gives it.
func appendPyString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			i++
			continue
		}
		b = append(b, s[start:i]...)
		if c < utf8.RuneSelf {
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = appendU4(b, rune(c))
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = appendU4(b, 0xdc00+rune(c))
		case r >= 0x10000:
			r -= 0x10000
			b = appendU4(b, 0xd800+(r>>10))
			b = appendU4(b, 0xdc00+(r&0x3ff))
		default:
			b = appendU4(b, r)
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendU4(b []byte, r rune) []byte {
	return append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}

// pyString decodes the contents of a JSON string, raw, as Python's
// json.loads reads it, into Go bytes: a lone surrogate \udc80 to \udcff is
// one byte of invalid UTF-8 (the reverse of appendPyString). It fails on
// what a Go string cannot hold exactly: other lone surrogates, and
// surrogates that would form valid UTF-8 together (Python's "\udcc3\udca9"
// is two code points, not "é"). Raw bytes must be valid UTF-8 without
// control characters.
func pyString(b, raw []byte) ([]byte, string) {
	var marks []int // where a surrogate escape gave a byte
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			if c < 0x20 {
				return nil, "control character in string"
			}
			if c < utf8.RuneSelf {
				b = append(b, c)
				i++
				continue
			}
			r, size := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && size == 1 {
				return nil, "invalid UTF-8 in string"
			}
			b = append(b, raw[i:i+size]...)
			i += size
			continue
		}
		if i+1 >= len(raw) {
			return nil, "truncated escape in string"
		}
		i += 2
		switch raw[i-1] {
		case '"', '\\', '/':
			b = append(b, raw[i-1])
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(raw[i:])
			if !ok {
				return nil, "malformed \\u escape in string"
			}
			i += 4
			switch {
			case r >= 0xd800 && r < 0xdc00:
				if len(raw) >= i+6 && raw[i] == '\\' && raw[i+1] == 'u' {
					if lo, ok := hex4(raw[i+2:]); ok && lo >= 0xdc00 && lo <= 0xdfff {
						i += 6
						b = utf8.AppendRune(b, 0x10000+(r-0xd800)<<10+(lo-0xdc00))
						continue
					}
				}
				return nil, "lone surrogate in string"
			case r >= 0xdc80 && r <= 0xdcff:
				marks = append(marks, len(b))
				b = append(b, byte(r-0xdc00))
			case r >= 0xdc00 && r <= 0xdfff:
				return nil, "lone surrogate in string"
			default:
				b = utf8.AppendRune(b, r)
			}
		default:
			return nil, "unknown escape in string"
		}
	}
	for _, m := range marks {
		if r, size := utf8.DecodeRune(b[m:]); r != utf8.RuneError || size != 1 {
			return nil, "surrogate escapes forming valid UTF-8 in string"
		}
	}
	return b, ""
}

// appendPyFloat appends f as Python's json.dumps writes a float: repr(f),
// the shortest digits that read back, in fixed notation when the decimal
// exponent is from -4 to 15 ("1.0", "0.0001", "1234567890123456.0") and
// in scientific notation otherwise ("1e+16", "1e-05", "1.5e+300"); NaN,
// Infinity and -Infinity for the others.
func appendPyFloat(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "Infinity"...)
	case math.IsInf(f, -1):
		return append(b, "-Infinity"...)
	}
	var scratch [32]byte
	e := strconv.AppendFloat(scratch[:0], f, 'e', -1, 64)
	if e[0] == '-' {
		b = append(b, '-')
		e = e[1:]
	}
	// e is "d.ddde±XX" or "de±XX".
	mant, exp := e, 0
	for i, c := range e {
		if c == 'e' {
			mant = e[:i]
			exp, _ = strconv.Atoi(string(e[i+1:]))
			break
		}
	}
	digits := make([]byte, 0, 17)
	for _, c := range mant {
		if c != '.' {
			digits = append(digits, c)
		}
	}
	decpt := exp + 1 // digits before the decimal point
	switch {
	case decpt <= -4 || decpt > 16:
		b = append(b, digits[0])
		if len(digits) > 1 {
			b = append(b, '.')
			b = append(b, digits[1:]...)
		}
		b = append(b, 'e')
		if exp < 0 {
			b = append(b, '-')
			exp = -exp
		} else {
			b = append(b, '+')
		}
		if exp < 10 {
			b = append(b, '0')
		}
		return strconv.AppendInt(b, int64(exp), 10)
	case decpt <= 0:
		b = append(b, '0', '.')
		for range -decpt {
			b = append(b, '0')
		}
		return append(b, digits...)
	case decpt >= len(digits):
		b = append(b, digits...)
		for range decpt - len(digits) {
			b = append(b, '0')
		}
		return append(b, '.', '0')
	default:
		b = append(b, digits[:decpt]...)
		b = append(b, '.')
		return append(b, digits[decpt:]...)
	}
}
