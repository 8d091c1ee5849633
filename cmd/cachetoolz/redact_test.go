package main

import (
	"errors"
	"strings"
	"testing"
)

// hostileURLs are backend URLs whose credentials the command must never
// print, with the secrets they hold. None of them reaches a server: each
// fails to connect, to parse, or to validate, which is when drivers echo
// what they were given.
var hostileURLs = []struct {
	url     string
	secrets []string
}{
	{"mongodb://user:Pa55wordOne@127.0.0.1:1/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:SessTok3nOne",
		[]string{"Pa55wordOne", "SessTok3nOne"}},
	{"mongodb://127.0.0.1:1/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:SessTok3nTwo,BOGUS:x",
		[]string{"SessTok3nTwo"}},
	{"mongodb://127.0.0.1:1/?authMechanism=SCRAM-SHA-256&authMechanismProperties=AWS_SESSION_TOKEN:SessTok3nThree",
		[]string{"SessTok3nThree"}},
	{"mongodb://127.0.0.1:1/?authMechanismProperties=AWS_SESSION_TOKEN%3ASessTok3n%2FFour",
		[]string{"SessTok3n%2FFour", "SessTok3n/Four"}},
	{"mongodb://127.0.0.1:1/?authMechanismProperties=AWS_SESSION_TOKEN:SessTok3nFive&connectTimeoutMS=bad",
		[]string{"SessTok3nFive"}},
	{"mongodb://127.0.0.1:1/?tls=true&tlsCertificateKeyFile=/nonexistent.pem&tlsCertificateKeyFilePassword=KeyPa55Six",
		[]string{"KeyPa55Six"}},
	{"mongodb://user:Pa55%zzSeven@127.0.0.1:1/",
		[]string{"Pa55%zzSeven"}},
	{"mongodb://user:Pa55%40Eight@127.0.0.1:1/?authSource=admin",
		[]string{"Pa55%40Eight", "Pa55@Eight"}},
	{"mongodb://user:Pa55Nine@127.0.0.1:1/?readPreference=Pa55Nine-bogus",
		[]string{"Pa55Nine"}},
	{"mongodb+srv://user:Pa55Ten@nonexistent.invalid/?authMechanismProperties=AWS_SESSION_TOKEN:SessTok3nTen",
		[]string{"Pa55Ten", "SessTok3nTen"}},
	{"redis://user:Pa55Eleven@127.0.0.1:1/0",
		[]string{"Pa55Eleven"}},
	{"redis://127.0.0.1:1/0?password=Pa55Twelve&token=Tok3nTwelve",
		[]string{"Pa55Twelve", "Tok3nTwelve"}},
	{"redis://user:Pa55%zzThirteen@127.0.0.1:1/0",
		[]string{"Pa55%zzThirteen"}},
	{"rediss://:Pa55Fourteen@127.0.0.1:notaport/0",
		[]string{"Pa55Fourteen"}},
}

// TestSecretsNeverShow runs every command that takes a backend against
// hostile URLs and checks that no secret shows on standard output or
// standard error, in any form.
func TestSecretsNeverShow(t *testing.T) {
	c := cli{t: t}
	for _, h := range hostileURLs {
		for _, cmd := range [][]string{
			{"stats", "-url", h.url, "-timeout", "300ms"},
			{"inspect", "-timeout=300ms", "--url=" + h.url, "ns"},
			{"clear", "-url", h.url, "-timeout", "300ms", "-yes", "ns"},
		} {
			r := c.run("", cmd...)
			if r.code == 0 {
				t.Errorf("%q succeeded", cmd)
			}
			for _, s := range h.secrets {
				if strings.Contains(r.stdout, s) || strings.Contains(r.stderr, s) {
					t.Errorf("%q shows %q:\nstdout: %s\nstderr: %s", cmd, s, r.stdout, r.stderr)
				}
			}
		}
	}
}

func TestRedact(t *testing.T) {
	for raw, want := range map[string]string{
		"mongodb://u:p@h:1/db?authMechanismProperties=AWS_SESSION_TOKEN:tok&authSource=admin": "mongodb://u:xxxxx@h:1/db?authMechanismProperties=xxxxx&authSource=admin",
		"redis://h:6379/0?password=x&dial_timeout=1s":                                         "redis://h:6379/0?password=xxxxx&dial_timeout=1s",
		"mongodb://h/?appName=app&tlsCertificateKeyFilePassword=p":                            "mongodb://h/?appName=app&tlsCertificateKeyFilePassword=xxxxx",
		"mongodb://u:secret%zz@h/":                                                            `"mongodb://u:xxxxx@h/"`,
		"mongodb://h:1":                                                                       "mongodb://h:1",
	} {
		if got := redact(raw); got != want {
			t.Errorf("redact(%q) = %q, want %q", raw, got, want)
		}
	}
}

func TestScrubKeepsError(t *testing.T) {
	base := errors.New("dial u:sekrit@h failed")
	err := scrub(base, secrets("mongodb://u:sekrit@h/"))
	if strings.Contains(err.Error(), "sekrit") || !errors.Is(err, base) {
		t.Errorf("scrub = %q (wraps: %v)", err, errors.Is(err, base))
	}
}

func TestURLArgs(t *testing.T) {
	got := urlArgs([]string{"-url", "a", "--url=b", "-x", "-url=c", "--", "-url", "d"})
	if strings.Join(got, ",") != "a,b,c" {
		t.Errorf("urlArgs = %q", got)
	}
}

func TestScrubTwice(t *testing.T) {
	sec := secrets("mongodb://h/?authMechanismProperties=AWS_SESSION_TOKEN:x,B:longer-secret")
	once := scrubText("x longer-secret xxxxx", sec)
	if twice := scrubText(once, sec); once != "xxxxx xxxxx xxxxx" || twice != once {
		t.Errorf("once %q, twice %q", once, twice)
	}
}
