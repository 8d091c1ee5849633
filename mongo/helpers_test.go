package mongocache

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
)

// put stores value the way the cache does: Get for the generation, then Set.
func put(t testing.TB, b *Backend, ns, key, value string) {
	t.Helper()
	putTTL(t, b, ns, key, value, 0)
}

func putTTL(t testing.TB, b *Backend, ns, key, value string, ttl time.Duration) {
	t.Helper()
	ctx := context.Background()
	_, gen, err := b.Get(ctx, ns, key)
	if err != nil && !errors.Is(err, cachetoolz.ErrNotFound) {
		t.Fatalf("Get(%q, %q): %v", ns, key, err)
	}
	if err := b.Set(ctx, ns, key, []byte(value), ttl, gen); err != nil {
		t.Fatalf("Set(%q, %q): %v", ns, key, err)
	}
}

// want fails unless key holds value.
func want(t testing.TB, b *Backend, ns, key, value string) {
	t.Helper()
	got, _, err := b.Get(context.Background(), ns, key)
	if err != nil || string(got) != value {
		t.Fatalf("Get(%q, %q) = %q, %v; want %q", ns, key, got, err, value)
	}
}

// wantMiss fails unless key is absent.
func wantMiss(t testing.TB, b *Backend, ns, key string) {
	t.Helper()
	got, _, err := b.Get(context.Background(), ns, key)
	if !errors.Is(err, cachetoolz.ErrNotFound) {
		t.Fatalf("Get(%q, %q) = %q, %v; want a miss", ns, key, got, err)
	}
}
