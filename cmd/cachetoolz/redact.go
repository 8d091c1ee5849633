package main

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// hidden is what stands for a secret in what the command prints.
const hidden = "xxxxx"

// secretNames are the parts of a query parameter's name that mark its
// value as a credential, compared in lower case.
var secretNames = []string{
	"pass", "pwd", "secret", "token", "credential", "key", "sig", "sas",
	"session", "cookie", "bearer", "jwt", "private", "authmechanismproperties",
}

// secretValues are the parts of a query parameter's value that mark it as a
// credential, compared in upper case: authMechanismProperties holds
// AWS_SESSION_TOKEN:…, and other options may hold similar pairs.
var secretValues = []string{"TOKEN", "SECRET", "PASSWORD", "PASSWD", "KEY", "CREDENTIAL"}

// urlParts splits a backend URL, parsable or not, into its userinfo
// password (raw, as written) and its query parameters (raw, as written).
func urlParts(raw string) (password string, params [][2]string) {
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		rest = raw
	}
	rest, _, _ = strings.Cut(rest, "#")
	authority, query, _ := strings.Cut(rest, "?")
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		if _, pass, ok := strings.Cut(authority[:i], ":"); ok {
			password = pass
		}
	}
	for _, p := range strings.FieldsFunc(query, func(r rune) bool { return r == '&' || r == ';' }) {
		name, value, _ := strings.Cut(p, "=")
		params = append(params, [2]string{name, value})
	}
	return password, params
}

// sensitive reports whether a query parameter carries a credential, by its
// name or its value.
func sensitive(name, value string) bool {
	n := strings.ToLower(unescape(name))
	for _, s := range secretNames {
		if strings.Contains(n, s) {
			return true
		}
	}
	v := strings.ToUpper(unescape(value))
	for _, s := range secretValues {
		if strings.Contains(v, s) {
			return true
		}
	}
	return false
}

// unescape decodes a URL part, or returns it as written when it does not
// decode.
func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// secrets returns every form in which the credentials of the URLs raws may
// show in a message: the password and each credential-bearing parameter's value, as
// written, decoded and Go-quoted, and the parts of such a value (the
// values of its comma-separated KEY:value pairs), longest first so that no
// replacement leaves a piece of a longer one.
func secrets(raws ...string) []string {
	var found []string
	for _, raw := range raws {
		found = append(found, urlSecrets(raw)...)
	}
	set := map[string]bool{}
	for _, s := range found {
		for _, form := range []string{s, unescape(s), quoted(s), quoted(unescape(s))} {
			if form != "" {
				set[form] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i]) != len(out[j]) {
			return len(out[i]) > len(out[j])
		}
		return out[i] < out[j]
	})
	return out
}

// urlSecrets returns raw's password and the values, and parts of values, of
// its credential-bearing query parameters, as written.
func urlSecrets(raw string) []string {
	password, params := urlParts(raw)
	var found []string
	if password != "" {
		found = append(found, password)
	}
	for _, p := range params {
		if p[1] == "" || !sensitive(p[0], p[1]) {
			continue
		}
		found = append(found, p[1])
		for _, form := range []string{p[1], unescape(p[1])} {
			for _, item := range strings.Split(form, ",") {
				found = append(found, item)
				if _, v, ok := strings.Cut(item, ":"); ok {
					found = append(found, v)
				}
			}
		}
	}
	return found
}

// quoted returns s as it shows inside a Go-quoted string.
func quoted(s string) string {
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

// scrubText replaces every secret in s, in one pass that prefers the
// longest secret at each position. What is already hidden stays as it is,
// so that scrubbing twice hides nothing more: a secret shorter than the
// marker ("x") would otherwise grow it at every pass.
func scrubText(s string, secrets []string) string {
	if len(secrets) == 0 {
		return s
	}
	pairs := make([]string, 0, 2*len(secrets)+2)
	marked := false
	for _, secret := range secrets { // longest first
		if !marked && len(secret) <= len(hidden) {
			pairs = append(pairs, hidden, hidden)
			marked = true
		}
		pairs = append(pairs, secret, hidden)
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// scrub hides secrets in err's message, keeping err for errors.Is.
func scrub(err error, secrets []string) error {
	msg := err.Error()
	if clean := scrubText(msg, secrets); clean != msg {
		return scrubbed{clean, err}
	}
	return err
}

// scrubbed is an error whose message hides a secret.
type scrubbed struct {
	msg string
	err error
}

func (s scrubbed) Error() string { return s.msg }
func (s scrubbed) Unwrap() error { return s.err }

// redact returns raw fit to print: its password and credential-bearing
// query parameters replaced, and Go-quoted when it does not parse.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return fmt.Sprintf("%q", scrubText(raw, secrets(raw)))
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), hidden)
	}
	_, params := urlParts(raw)
	if len(params) > 0 {
		parts := make([]string, len(params))
		for i, p := range params {
			if p[1] != "" && sensitive(p[0], p[1]) {
				p[1] = hidden
			}
			parts[i] = p[0] + "=" + p[1]
		}
		u.RawQuery = strings.Join(parts, "&")
	}
	return u.String()
}

// urlArgs returns the values given to -url or --url in args.
func urlArgs(args []string) []string {
	var out []string
	for i, a := range args {
		if a == "--" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "url" {
			continue
		}
		if hasValue {
			out = append(out, value)
		} else if i+1 < len(args) {
			out = append(out, args[i+1])
		}
	}
	return out
}
