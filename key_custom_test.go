package cachetoolz_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/memory"
)

// A wrapper with a KeyGenerator stores under exactly the generator's key,
// short or longer than the wrapper's own buffer, and answers a call whose
// key fails uncached, counting the failure.
func TestCustomKeyIsTheEntryKey(t *testing.T) {
	b := memory.Must(memory.New(&memory.Options{Isolate: true}))
	c := cachetoolz.Must(cachetoolz.New(b, nil))
	keys := cachetoolz.KeyFunc(func(typed bool, fn cachetoolz.Function, args []any) (string, error) {
		if args[0] == "bad" {
			return "", errors.New("no key for you")
		}
		return fmt.Sprintf("k-%v-%v", args[0], args[1]), nil
	})
	runs := 0
	f := cachetoolz.Must(cachetoolz.Wrap2(c, func(_ context.Context, s string, n int) (string, error) {
		runs++
		return fmt.Sprint(s, n), nil
	}, &cachetoolz.Options{Keys: keys, Namespace: "ns", Name: "custom"}))
	ctx := context.Background()
	long := string(make([]byte, 200))
	for range 2 {
		for _, s := range []string{"x", long} {
			if v, err := f(ctx, s, 7); err != nil || v != fmt.Sprint(s, 7) {
				t.Fatalf("f(%q, 7) = %q, %v", s, v, err)
			}
		}
	}
	if runs != 2 {
		t.Fatalf("%d runs of two distinct calls, each made twice, want 2", runs)
	}
	for _, s := range []string{"x", long} {
		if _, _, err := b.Get(ctx, "ns", "k-"+s+"-7"); err != nil {
			t.Fatalf("no entry under the generator's key for %q: %v", s, err)
		}
	}
	for want := 3; want <= 4; want++ {
		if _, err := f(ctx, "bad", 0); err != nil || runs != want {
			t.Fatalf("call without a key: %v after %d runs, want an uncached run (%d)", err, runs, want)
		}
	}
	if s := c.Stats()["ns"]; s.Errors != 2 {
		t.Fatalf("Stats = %+v, want 2 errors for the calls without a key", s)
	}
}
