package memory_test

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/memory"
)

func TestClearedNamespaceFreesItsRoom(t *testing.T) {
	const bound = 500
	b := newBackend(t, &memory.Options{MaxEntries: bound})
	for i := range bound {
		set(t, b, "a", fmt.Sprint(i), "v", 0)
	}
	for range 5 { // popular entries: a frequency-based policy would keep them
		for i := range bound {
			if _, _, err := b.Get(bg, "a", fmt.Sprint(i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := b.Clear(bg, "a"); err != nil {
		t.Fatal(err)
	}
	for i := range bound {
		set(t, b, "b", fmt.Sprint(i), "v", 0)
	}
	b.Reclaim()
	for i := range bound {
		if _, _, err := b.Get(bg, "b", fmt.Sprint(i)); err != nil {
			t.Fatalf("b's entry %d: %v; a cleared namespace still takes room", i, err)
		}
	}
	if n := b.Evictions(); n != 0 {
		t.Fatalf("Evictions = %d, want 0", n)
	}
}

func TestHugeTTLs(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	b := newBackend(t, &memory.Options{Clock: clock})
	ttls := []time.Duration{math.MaxInt64, 250 * 365 * 24 * time.Hour}
	for i, ttl := range ttls {
		set(t, b, "ns", fmt.Sprint(i), "v", ttl)
	}
	clock.Advance(time.Hour)
	for i, ttl := range ttls {
		if _, _, err := b.Get(bg, "ns", fmt.Sprint(i)); err != nil {
			t.Errorf("entry with TTL %v after an hour: %v", ttl, err)
		}
	}
}

// TestDistinctNamespacesKeepNoState looks up and clears many namespace
// names, as a program that names namespaces after data would: none may be
// kept once it holds nothing.
func TestDistinctNamespacesKeepNoState(t *testing.T) {
	b := newBackend(t, nil)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range 20_000 {
		name := fmt.Sprint("tenant-", i)
		if _, _, err := b.Get(bg, name, "k"); !errors.Is(err, cachetoolz.ErrNotFound) {
			t.Fatal(err)
		}
		if err := b.Clear(bg, name); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > 2<<20 {
		t.Fatalf("heap grew by %d bytes for 20,000 empty namespaces", grown)
	}
	ns, err := b.Namespaces(bg)
	if err != nil || len(ns) != 0 {
		t.Fatalf("Namespaces = %v, %v; want none", ns, err)
	}
}

func TestBoundOptionsValidated(t *testing.T) {
	w := func(string, any) int64 { return 1 }
	for _, o := range []*memory.Options{
		{MaxBytes: -1},
		{MaxBytes: 1 << 20, MaxEntries: 10},
		{Weigher: w},
		{Weigher: w, MaxEntries: 10},
	} {
		if _, err := memory.New(o); err == nil {
			t.Errorf("New(%+v) accepted invalid bounds", *o)
		}
	}
	if _, err := memory.New(&memory.Options{MaxBytes: 1 << 20, Weigher: w}); err != nil {
		t.Errorf("MaxBytes with a Weigher: %v", err)
	}
}

func TestMaxBytesEstimate(t *testing.T) {
	value := make([]byte, 1000)
	size := memory.EstimateSize("k", value)
	if size < 1000 || size > 1300 {
		t.Fatalf("EstimateSize of a 1,000-byte value = %d", size)
	}
	b := newBackend(t, &memory.Options{MaxBytes: 100 * size})
	for i := range 1000 {
		_, gen, _ := b.Get(bg, "ns", fmt.Sprint(i))
		if err := b.Set(bg, "ns", fmt.Sprint(i), value, 0, gen); err != nil {
			t.Fatal(err)
		}
	}
	b.Reclaim()
	if n := b.Len(); n > 100 {
		t.Fatalf("%d entries of about %d bytes under MaxBytes %d", n, size, 100*size)
	}
	if b.Evictions() == 0 {
		t.Fatal("no evictions counted")
	}
}
