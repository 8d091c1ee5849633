//go:build !race

package memory_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/memory"
)

// TestDistinctKeysBoundedMemory sends 5,000,000 distinct keys through a
// cache with the default backend: the heap afterwards must be what
// DefaultMaxEntries entries take, not what five million would. (It does not
// run under the race detector, which makes it take minutes.)
func TestDistinctKeysBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("5,000,000 calls")
	}
	var base runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)

	c, err := cachetoolz.New(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	double, err := cachetoolz.Wrap1(c, func(_ context.Context, n int) (int, error) { return 2 * n, nil }, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range 5_000_000 {
		if v, err := double(ctx, i); err != nil || v != 2*i {
			t.Fatalf("double(%d) = %d, %v", i, v, err)
		}
	}
	b, ok := c.Backend().(*memory.Backend)
	if !ok {
		t.Fatalf("default backend is %T", c.Backend())
	}
	b.Reclaim()
	if n := b.Len(); n > memory.DefaultMaxEntries {
		t.Fatalf("%d entries, bound is %d", n, memory.DefaultMaxEntries)
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	grown := int64(after.HeapAlloc) - int64(base.HeapAlloc)
	t.Logf("heap after 5,000,000 distinct keys: %d MB over the start (%d entries held)", grown>>20, b.Len())
	// An entry of an int result costs a few hundred bytes; five million
	// would take over a gigabyte.
	if limit := int64(memory.DefaultMaxEntries) * 1024; grown > limit {
		t.Fatalf("heap grew by %d bytes, over %d for %d entries", grown, limit, memory.DefaultMaxEntries)
	}
}
