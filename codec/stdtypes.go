package codec

import (
	"net/url"
	"reflect"
	"regexp"
)

// A *regexp.Regexp is a string of its source, compiled again on decoding.
// Whether it was compiled with CompilePOSIX or made leftmost-longest is not
// kept: regexp offers no way to read it.
//
// A *url.URL is a string of its String form, read back with url.Parse,
// user name and password included, when url.Parse gives back exactly the
// same URL, as it does for URLs in canonical form. Any other URL (one
// parsed from text with unescaped spaces, or assembled by hand) is an
// object of its fields, so that it still decodes exactly.
//
// A url.Userinfo is an array: [username] or [username, password].

func encRegexp(e *encState, v reflect.Value) error {
	re := addressable(v).Interface().(*regexp.Regexp)
	e.buf = appendString(e.buf, re.String())
	return nil
}

func decRegexp(d *decState, v reflect.Value) error {
	if d.peek() != '"' {
		return d.typeErr(v.Type(), "string")
	}
	s, err := d.string()
	if err != nil {
		return err
	}
	re, err := regexp.Compile(s)
	if err != nil {
		return d.errf("decoding %v: %v", v.Type(), err)
	}
	v.Set(reflect.ValueOf(re).Elem())
	return nil
}

func (b *builder) urlEnc(t reflect.Type) (encFunc, error) {
	object, err := b.structEnc(t)
	if err != nil {
		return nil, err
	}
	return func(e *encState, v reflect.Value) error {
		u := addressable(v).Interface().(*url.URL)
		s := u.String()
		if back, err := url.Parse(s); err == nil && sameURL(u, back) {
			e.buf = appendString(e.buf, s)
			return nil
		}
		return object(e, v)
	}, nil
}

// sameURL reports whether a and b have equal fields.
func sameURL(a, b *url.URL) bool {
	x, y := *a, *b
	x.User, y.User = nil, nil
	if x != y || (a.User == nil) != (b.User == nil) {
		return false
	}
	return a.User == nil || *a.User == *b.User
}

func (b *builder) urlDec(t reflect.Type) (decFunc, error) {
	object, err := b.structDec(t)
	if err != nil {
		return nil, err
	}
	return func(d *decState, v reflect.Value) error {
		if d.peek() != '"' {
			return object(d, v)
		}
		s, err := d.string()
		if err != nil {
			return err
		}
		u, err := url.Parse(s)
		if err != nil {
			return d.errf("decoding %v: %v", v.Type(), err)
		}
		v.Set(reflect.ValueOf(u).Elem())
		return nil
	}, nil
}

func encUserinfo(e *encState, v reflect.Value) error {
	u := addressable(v).Interface().(*url.Userinfo)
	e.buf = append(e.buf, '[')
	e.buf = appendString(e.buf, u.Username())
	if p, ok := u.Password(); ok {
		e.buf = append(e.buf, ',')
		e.buf = appendString(e.buf, p)
	}
	e.buf = append(e.buf, ']')
	return nil
}

func decUserinfo(d *decState, v reflect.Value) error {
	if err := d.expect('['); err != nil {
		return err
	}
	if d.peek() != '"' {
		return d.typeErr(v.Type(), "user name")
	}
	name, err := d.string()
	if err != nil {
		return err
	}
	u := url.User(name)
	if d.peek() == ',' {
		d.pos++
		if d.peek() != '"' {
			return d.typeErr(v.Type(), "password")
		}
		pass, err := d.string()
		if err != nil {
			return err
		}
		u = url.UserPassword(name, pass)
	}
	if err := d.expect(']'); err != nil {
		return err
	}
	v.Set(reflect.ValueOf(u).Elem())
	return nil
}
