package pykey_test

import (
	"crypto/md5"
	"encoding/hex"
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/pykey"
)

// A pickler keeps the start of the last key it pickled for the next key of
// the same function: keys taken again, and after a key of another function
// or protocol, equal the MD5 of the pickle that a new pickler writes (which
// TestPythonCorpus compares with Python's).
func TestKeyAgain(t *testing.T) {
	other := pykey.Generator{Module: "a", Name: "a"}
	for i, c := range corpus(400) {
		for _, proto := range []int{4, 5} {
			g := pykey.Generator{Module: c.module, Name: c.name, Protocol: proto}
			p, err := g.Pickle(c.typed, cachetoolz.Function{}, c.args)
			if err != nil {
				continue
			}
			sum := md5.Sum(p)
			want := hex.EncodeToString(sum[:])
			for j, before := range []func(){
				func() {},
				func() {},
				func() { _, _ = other.Key(false, cachetoolz.Function{}, []any{"a"}) },
				func() { _, _ = g.Key(!c.typed, cachetoolz.Function{}, c.args) },
			} {
				before()
				if got, err := g.Key(c.typed, cachetoolz.Function{}, c.args); err != nil || got != want {
					t.Fatalf("call %d protocol %d, key %d: %q, %v; want %q\n%s", i, proto, j, got, err, want, describe(c))
				}
			}
		}
	}
}
