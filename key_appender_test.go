package cachetoolz_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/memory"
)

// appendingKeys is a KeyAppender that counts which of its methods the
// wrappers call.
type appendingKeys struct {
	keys, appends int
}

func (g *appendingKeys) Key(typed bool, fn cachetoolz.Function, args []any) (string, error) {
	g.keys++
	return g.key(args)
}

func (g *appendingKeys) AppendKey(dst []byte, typed bool, fn cachetoolz.Function, args []any) ([]byte, error) {
	g.appends++
	k, err := g.key(args)
	if err != nil {
		return dst, err
	}
	return append(dst, k...), nil
}

func (g *appendingKeys) key(args []any) (string, error) {
	if args[0] == "bad" {
		return "", errors.New("no key for you")
	}
	return fmt.Sprintf("k-%v-%v", args[0], args[1]), nil
}

// onlyKey hides the AppendKey of the generator it holds.
type onlyKey struct{ g *appendingKeys }

func (o onlyKey) Key(typed bool, fn cachetoolz.Function, args []any) (string, error) {
	return o.g.Key(typed, fn, args)
}

// A wrapper whose generator appends its keys calls AppendKey, not Key, and
// stores under exactly the bytes appended: the same entry a generator
// returning them from Key uses. A key longer than the wrapper's buffer,
// and a failed AppendKey, behave as with Key.
func TestKeyAppender(t *testing.T) {
	for _, appends := range []bool{true, false} {
		t.Run(fmt.Sprint("appends=", appends), func(t *testing.T) { testKeyAppender(t, appends) })
	}
}

func testKeyAppender(t *testing.T, appends bool) {
	b := memory.Must(memory.New(&memory.Options{Isolate: true}))
	c := cachetoolz.Must(cachetoolz.New(b, nil))
	g := &appendingKeys{}
	var keys cachetoolz.KeyGenerator = g
	if !appends {
		keys = onlyKey{g}
	}
	runs := 0
	f := cachetoolz.Must(cachetoolz.Wrap2(c, func(_ context.Context, s string, n int) (string, error) {
		runs++
		return fmt.Sprint(s, n), nil
	}, &cachetoolz.Options{Keys: keys, Namespace: "ns", Name: "appender"}))
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
	if want := 4; appends && (g.keys != 0 || g.appends != want) || !appends && (g.keys != want || g.appends != 0) {
		t.Fatalf("Key called %d times, AppendKey %d, want %d calls of one (appends=%v)", g.keys, g.appends, want, appends)
	}
	for _, s := range []string{"x", long} {
		if _, _, err := b.Get(ctx, "ns", "k-"+s+"-7"); err != nil {
			t.Fatalf("no entry under the appended key for %q: %v", s, err)
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
