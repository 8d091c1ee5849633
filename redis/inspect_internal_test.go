package rediscache

import (
	"strings"
	"testing"
)

func FuzzUnescapeNamespace(f *testing.F) {
	for _, s := range []string{"", "%", "a{b}", "x*?[]\\", "\x00\x7f\xff", "üñí", "%25"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ns string) {
		var b strings.Builder
		escapeNamespace(&b, ns)
		got, ok := unescapeNamespace(b.String())
		if !ok || got != ns {
			t.Fatalf("unescape(escape(%q)) = %q, %v", ns, got, ok)
		}
		// Whatever unescapes must be what escaping writes: one spelling
		// per namespace.
		if back, ok := unescapeNamespace(ns); ok {
			var again strings.Builder
			escapeNamespace(&again, back)
			if again.String() != ns {
				t.Fatalf("unescape accepted %q, which escapes as %q", ns, again.String())
			}
		}
	})
}

func TestNamespaceOfIndex(t *testing.T) {
	b := &Backend{s: (&Options{Prefix: "p{x}:"}).settings()}
	for key, want := range map[string]string{
		"p{x}:{ns}:i:0":    "ns",
		"p{x}:{%}:i:12":    "",
		"p{x}:{a%7Bb}:i:3": "a{b",
		"p{x}:{ns}:k:i:3":  "\x00bad",
		"other:{ns}:i:0":   "\x00bad",
		"p{x}:{a%7bb}:i:3": "\x00bad", // lower-case hex is never written
		"p{x}:{a*b}:i:3":   "\x00bad",
		"p{x}:{}:i:3":      "\x00bad",
	} {
		got, ok := b.namespaceOfIndex(key)
		if want == "\x00bad" {
			if ok {
				t.Errorf("%q: namespace %q, want none", key, got)
			}
			continue
		}
		if !ok || got != want {
			t.Errorf("%q: %q, %v; want %q", key, got, ok, want)
		}
	}
}
