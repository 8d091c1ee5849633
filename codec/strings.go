package codec

import (
	"reflect"
	"unicode/utf8"
)

// Strings are JSON strings. JSON text is Unicode, but a Go string may hold
// any bytes; a byte that is not part of valid UTF-8 is written as the escape
// of a lone low surrogate, \udc80 to \udcff, one per byte (the scheme Python
// calls surrogateescape). Valid UTF-8 can never contain a lone surrogate, so
// the escape is unambiguous and every string round-trips byte for byte.

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string.
func appendString[S string | []byte](b []byte, s S) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune([]byte(s[i:min(i+utf8.UTFMax, len(s))]))
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', 'd', 'c', hexDigits[c>>4], hexDigits[c&0xf])
			i++
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// rawString consumes a JSON string and returns its contents as they appear
// in the input, with escapes left in place.
func (d *decState) rawString() (raw []byte, err error) {
	if err := d.expect('"'); err != nil {
		return nil, err
	}
	start := d.pos
	for i := start; i < len(d.data); i++ {
		switch c := d.data[i]; {
		case c == '"':
			d.pos = i + 1
			return d.data[start:i], nil
		case c == '\\':
			i++ // the escaped byte is never the closing quote
		case c < 0x20:
			d.pos = i
			return nil, d.errf("control character in string")
		}
	}
	d.pos = len(d.data)
	return nil, d.errf("unterminated string")
}

// stringBytes consumes a JSON string and returns its decoded bytes. The
// result aliases the input or the scratch buffer: copy it to keep it.
func (d *decState) stringBytes() ([]byte, error) {
	start := d.pos
	raw, err := d.rawString()
	if err != nil {
		return nil, err
	}
	for _, c := range raw {
		if c == '\\' {
			d.scratch, err = d.unescape(d.scratch[:0], raw, start)
			return d.scratch, err
		}
	}
	return raw, nil
}

// string consumes a JSON string and returns it as a Go string.
func (d *decState) string() (string, error) {
	b, err := d.stringBytes()
	return string(b), err
}

// unescape appends the decoded form of the raw string contents to b.
// offset is where the string starts, for error messages.
func (d *decState) unescape(b, raw []byte, offset int) ([]byte, error) {
	fail := func(msg string) ([]byte, error) {
		d.pos = offset
		return nil, d.errf("%s in string", msg)
	}
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			b = append(b, c)
			i++
			continue
		}
		if i+1 >= len(raw) {
			return fail("truncated escape")
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
				return fail("malformed \\u escape")
			}
			i += 4
			switch {
			case r >= 0xdc80 && r <= 0xdcff:
				b = append(b, byte(r-0xdc00)) // one byte of invalid UTF-8
			case r >= 0xd800 && r < 0xdc00:
				if len(raw) < i+6 || raw[i] != '\\' || raw[i+1] != 'u' {
					return fail("lone high surrogate")
				}
				lo, ok := hex4(raw[i+2:])
				if !ok || lo < 0xdc00 || lo > 0xdfff {
					return fail("lone high surrogate")
				}
				i += 6
				b = utf8.AppendRune(b, 0x10000+(r-0xd800)<<10+(lo-0xdc00))
			case r >= 0xdc00 && r <= 0xdfff:
				return fail("lone low surrogate")
			default:
				b = utf8.AppendRune(b, r)
			}
		default:
			return fail("unknown escape")
		}
	}
	return b, nil
}

// hex4 parses four hexadecimal digits.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

func encString(e *encState, v reflect.Value) error {
	e.buf = appendString(e.buf, v.String())
	return nil
}

func decString(d *decState, v reflect.Value) error {
	if d.peek() != '"' {
		return d.typeErr(v.Type(), "string")
	}
	s, err := d.string()
	if err != nil {
		return err
	}
	v.SetString(s)
	return nil
}
