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
// user name and password included. A URL that url.Parse made decodes equal
// to it; a URL assembled by hand decodes to what its String form means.
//
// A url.Userinfo is an array: [username] or [username, password].

func encRegexp(e *encState, v reflect.Value) error {
	re := addressable(v).Interface().(*regexp.Regexp)
	e.buf = appendString(e.buf, re.String())
	return nil
}

func decRegexp(d *decState, v reflect.Value) error {
	if d.null() {
		v.SetZero()
		return nil
	}
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

func encURL(e *encState, v reflect.Value) error {
	u := addressable(v).Interface().(*url.URL)
	e.buf = appendString(e.buf, u.String())
	return nil
}

func decURL(d *decState, v reflect.Value) error {
	if d.null() {
		v.SetZero()
		return nil
	}
	if d.peek() != '"' {
		return d.typeErr(v.Type(), "string")
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
	if d.null() {
		v.SetZero()
		return nil
	}
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
