package rediscache_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	"github.com/cachetoolz/cachetoolz/memory"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
)

// TestNearSharedBackend has a cache with a local tier share its backend
// with a cache without one: a Clear, a store or a Forget made through the
// other cache must reach the local tier as one made by another process
// would. (The server does not report a connection's own writes to it.)
func TestNearSharedBackend(t *testing.T) {
	ctx := context.Background()
	b := newBackend(t, testserver.Redis(t).URL(), &rediscache.Options{Prefix: "nearshared:"})
	near, err := cachetoolz.New(b, &cachetoolz.Config{Local: &memory.Options{MaxEntries: 100}})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := cachetoolz.New(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	var next atomic.Int64
	fn := func(context.Context, int) (int, error) { return int(next.Add(1)), nil }
	opts := &cachetoolz.Options{Name: "shared", Namespace: "shared", TTL: time.Minute}
	viaNear, err := cachetoolz.Wrap1(near, fn, opts)
	if err != nil {
		t.Fatal(err)
	}
	viaPlain, err := cachetoolz.Wrap1(plain, fn, opts)
	if err != nil {
		t.Fatal(err)
	}
	call := func(c context.Context, f func(context.Context, int) (int, error)) int {
		t.Helper()
		v, err := f(c, 1)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	first := call(ctx, viaNear)
	if again := call(ctx, viaNear); again != first {
		t.Fatalf("got %d, then %d", first, again)
	}
	if err := plain.Clear(ctx, "shared"); err != nil {
		t.Fatal(err)
	}
	second := call(ctx, viaNear)
	if second == first {
		t.Fatalf("the local tier serves %d after a Clear through another cache", first)
	}
	if again := call(ctx, viaNear); again != second {
		t.Fatalf("got %d, then %d", second, again)
	}
	call(cachetoolz.WithControl(ctx, cachetoolz.Forget), viaPlain)
	if third := call(ctx, viaNear); third == second {
		t.Fatalf("the local tier serves %d after a Forget through another cache", second)
	}
}
