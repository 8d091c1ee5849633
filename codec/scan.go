package codec

import (
	"fmt"
	"reflect"
)

// maxDepth bounds the nesting of decoded and encoded values, so that hostile
// input cannot exhaust the stack and cyclic values end with an error.
const maxDepth = 10000

// decState is the state of one Unmarshal: the input, a read position and a
// scratch buffer for unescaped strings.
type decState struct {
	data    []byte
	pos     int
	depth   int
	st      *state
	scratch []byte
}

// errf returns an error wrapping ErrInvalidData at the current position.
func (d *decState) errf(format string, args ...any) error {
	return fmt.Errorf("%w at offset %d: %s", ErrInvalidData, d.pos, fmt.Sprintf(format, args...))
}

// typeErr reports input that does not fit type t.
func (d *decState) typeErr(t reflect.Type, want string) error {
	return d.errf("decoding %v: want %s, found %s", t, want, d.found())
}

// found describes the token at the current position, for error messages.
func (d *decState) found() string {
	switch c := d.peek(); {
	case c == 0:
		return "end of input"
	case c == '"':
		return "string"
	case c == '{':
		return "object"
	case c == '[':
		return "array"
	case c == 't' || c == 'f':
		return "boolean"
	case c == 'n':
		return "null"
	case c == '-' || (c >= '0' && c <= '9'):
		return "number"
	default:
		return fmt.Sprintf("%q", rune(c))
	}
}

// skipWS advances past JSON white space.
func (d *decState) skipWS() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// peek skips white space and returns the next byte, or 0 at the end.
func (d *decState) peek() byte {
	d.skipWS()
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

// expect consumes the byte c after optional white space.
func (d *decState) expect(c byte) error {
	if d.peek() != c {
		return d.errf("want %q, found %s", c, d.found())
	}
	d.pos++
	return nil
}

// null consumes a null literal if one comes next and reports whether it did.
func (d *decState) null() bool {
	if d.peek() == 'n' && d.hasLiteral("null") {
		d.pos += 4
		return true
	}
	return false
}

// hasLiteral reports whether lit starts at the current position.
func (d *decState) hasLiteral(lit string) bool {
	return len(d.data)-d.pos >= len(lit) && string(d.data[d.pos:d.pos+len(lit)]) == lit
}

// enter and leave bracket the decoding of an array or object, bounding the
// nesting depth.
func (d *decState) enter() error {
	d.depth++
	if d.depth > maxDepth {
		return d.errf("nesting deeper than %d levels", maxDepth)
	}
	return nil
}

func (d *decState) leave() { d.depth-- }

// more is called inside an array or object after an element. It consumes a
// comma and reports true, or consumes the closing byte and reports false.
func (d *decState) more(closing byte) (bool, error) {
	switch d.peek() {
	case ',':
		d.pos++
		return true, nil
	case closing:
		d.pos++
		return false, nil
	}
	return false, d.errf("want ',' or %q, found %s", closing, d.found())
}

// open consumes the opening byte of an array or object and reports whether
// the container has elements (false when it is closed at once). Every
// successful open must be matched by a leave.
func (d *decState) open(opening, closing byte) (bool, error) {
	if err := d.expect(opening); err != nil {
		return false, err
	}
	if err := d.enter(); err != nil {
		return false, err
	}
	if d.peek() == closing {
		d.pos++
		return false, nil
	}
	return true, nil
}

// number consumes a JSON number and returns its text. It follows the JSON
// grammar exactly: no leading '+', no leading zeros, no hex, no underscores.
// integer reports whether the number has neither fraction nor exponent.
func (d *decState) number() (text []byte, integer bool, err error) {
	d.skipWS()
	start, i, n := d.pos, d.pos, len(d.data)
	integer = true
	if i < n && d.data[i] == '-' {
		i++
	}
	switch {
	case i < n && d.data[i] == '0':
		i++
	case i < n && d.data[i] >= '1' && d.data[i] <= '9':
		for i < n && isDigit(d.data[i]) {
			i++
		}
	default:
		return nil, false, d.errf("want number, found %s", d.found())
	}
	if i < n && d.data[i] == '.' {
		integer = false
		i++
		if i >= n || !isDigit(d.data[i]) {
			d.pos = i
			return nil, false, d.errf("malformed number fraction")
		}
		for i < n && isDigit(d.data[i]) {
			i++
		}
	}
	if i < n && (d.data[i] == 'e' || d.data[i] == 'E') {
		integer = false
		i++
		if i < n && (d.data[i] == '+' || d.data[i] == '-') {
			i++
		}
		if i >= n || !isDigit(d.data[i]) {
			d.pos = i
			return nil, false, d.errf("malformed number exponent")
		}
		for i < n && isDigit(d.data[i]) {
			i++
		}
	}
	d.pos = i
	return d.data[start:i], integer, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// skipValue consumes one JSON value of any kind and returns its text.
func (d *decState) skipValue() ([]byte, error) {
	d.skipWS()
	start := d.pos
	switch c := d.peek(); {
	case c == '"':
		if _, err := d.rawString(); err != nil {
			return nil, err
		}
	case c == '{' || c == '[':
		closing := byte('}')
		if c == '[' {
			closing = ']'
		}
		more, err := d.open(c, closing)
		if err != nil {
			return nil, err
		}
		for more {
			if c == '{' {
				if d.peek() != '"' {
					return nil, d.errf("want object key, found %s", d.found())
				}
				if _, err := d.rawString(); err != nil {
					return nil, err
				}
				if err := d.expect(':'); err != nil {
					return nil, err
				}
			}
			if _, err := d.skipValue(); err != nil {
				return nil, err
			}
			if more, err = d.more(closing); err != nil {
				return nil, err
			}
		}
		d.leave()
	case c == 't' && d.hasLiteral("true"):
		d.pos += 4
	case c == 'f' && d.hasLiteral("false"):
		d.pos += 5
	case c == 'n' && d.hasLiteral("null"):
		d.pos += 4
	default:
		if _, _, err := d.number(); err != nil {
			return nil, err
		}
	}
	return d.data[start:d.pos], nil
}
