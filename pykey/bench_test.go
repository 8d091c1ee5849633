package pykey_test

import (
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/pykey"
)

// BenchmarkKey measures the key of a typical call, get_user(42, "eu",
// verbose=True), next to cachetoolz.DefaultKey of the same arguments.
func BenchmarkKey(b *testing.B) {
	fn := cachetoolz.Function{Name: "app.users.get_user"}
	g := pykey.Generator{Module: "app.users", Name: "get_user"}
	args := []any{42, "eu", pykey.Kwargs{"verbose": true}}
	b.Run("pykey", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := g.Key(false, fn, args); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("pykey-typed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := g.Key(true, fn, args); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("DefaultKey", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := cachetoolz.DefaultKey(false, fn, args); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkKeyOneInt measures the key of load(id), a call with one int
// argument.
func BenchmarkKeyOneInt(b *testing.B) {
	fn := cachetoolz.Function{Name: "benchmarks.load"}
	g := pykey.Generator{Module: "benchmarks", Name: "load"}
	args := []any{1000}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.Key(false, fn, args); err != nil {
			b.Fatal(err)
		}
	}
}
