package memstore

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"testing"
	"time"
	"unsafe"
)

// fakeNow is a clock tests move by hand.
type fakeNow struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeNow) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeNow) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newStore(t testing.TB, cfg Config) *Store {
	t.Helper()
	s := New(cfg)
	t.Cleanup(func() { s.Close() })
	return s
}

// put stores key in n at n's current generation.
func put(s *Store, n *Namespace, key string, ttl time.Duration) {
	s.SetString(n, key, key, ttl, n.Generation())
}

func TestClearedEntriesFreeTheirRoom(t *testing.T) {
	const bound = 1000
	s := newStore(t, Config{MaxEntries: bound})
	a, b := s.Namespace("a"), s.Namespace("b")
	// Make a's entries popular, so that a frequency-based policy would
	// rather keep them than admit b's.
	for i := range bound {
		put(s, a, fmt.Sprint(i), 0)
	}
	for range 5 {
		for i := range bound {
			a.GetString(fmt.Sprint(i))
		}
	}
	s.Clear("a")
	for i := range bound {
		put(s, b, fmt.Sprint(i), 0)
	}
	settle(s)
	for i := range bound {
		if _, _, ok := b.GetString(fmt.Sprint(i)); !ok {
			t.Fatalf("b's entry %d was evicted though b holds no more than the bound", i)
		}
	}
	if got := s.Evictions(); got != 0 {
		t.Fatalf("Evictions = %d, want 0 (tier %d/%d, otter %d, Len %d)", got, s.tier.held.Load(), s.tier.share.Load(), s.cache.EstimatedSize(), s.Len())
	}
	if got := s.Len(); got != bound {
		t.Fatalf("Len = %d, want %d", got, bound)
	}
}

func TestClearLeavesOtherNamespaces(t *testing.T) {
	s := newStore(t, Config{MaxEntries: 100})
	a, b := s.Namespace("a"), s.Namespace("b")
	put(s, a, "k", 0)
	put(s, b, "k", 0)
	s.Clear("a")
	if _, _, ok := a.GetString("k"); ok {
		t.Fatal("a's entry survived its clear")
	}
	if v, _, ok := b.GetString("k"); !ok || v != "k" {
		t.Fatalf("b's entry: %v, %v; want k, true", v, ok)
	}
}

func TestLoadBegunBeforeClearNeverStores(t *testing.T) {
	s := newStore(t, Config{MaxEntries: 100})
	n := s.Namespace("n")
	_, gen, ok := n.GetString("k")
	if ok {
		t.Fatal("hit on an empty store")
	}
	s.Clear("n")
	s.SetString(n, "k", "stale", 0, gen)
	if v, _, ok := n.GetString("k"); ok {
		t.Fatalf("a value loaded before the clear was stored: %v", v)
	}
	// Through the byte API too, for a namespace that does not exist yet.
	gen = s.Epoch()
	s.Clear("m")
	s.SetByName("m", "k", "stale", 0, gen)
	if m := s.Lookup("m"); m != nil {
		if v, _, ok := m.GetString("k"); ok {
			t.Fatalf("a value loaded before the clear was stored: %v", v)
		}
	}
}

func TestHugeTTLsAreNotBornExpired(t *testing.T) {
	clock := &fakeNow{t: time.Unix(1_700_000_000, 0)}
	s := newStore(t, Config{MaxEntries: 100, Now: clock.now})
	n := s.Namespace("n")
	ttls := []time.Duration{math.MaxInt64, 250 * 365 * 24 * time.Hour, MaxTTL, MaxTTL + 1}
	for i, ttl := range ttls {
		put(s, n, fmt.Sprint(i), ttl)
	}
	clock.advance(24 * time.Hour)
	s.Reclaim()
	for i, ttl := range ttls {
		if _, _, ok := n.GetString(fmt.Sprint(i)); !ok {
			t.Errorf("entry with TTL %v expired within a day", ttl)
		}
	}
}

func TestTTLHonouredOnRead(t *testing.T) {
	clock := &fakeNow{t: time.Unix(1_700_000_000, 0)}
	s := newStore(t, Config{MaxEntries: 100, Now: clock.now, ReclaimInterval: time.Hour})
	n := s.Namespace("n")
	put(s, n, "k", time.Minute)
	clock.advance(time.Minute - 1)
	if _, _, ok := n.GetString("k"); !ok {
		t.Fatal("entry expired early")
	}
	clock.advance(1)
	if _, _, ok := n.GetString("k"); ok {
		t.Fatal("entry read after its TTL")
	}
}

func TestClearOfUnknownNameKeepsNoState(t *testing.T) {
	s := newStore(t, Config{MaxEntries: 100})
	s.Clear("never-used", "nor-this")
	if n := s.Lookup("never-used"); n != nil {
		t.Fatal("Clear created a namespace")
	}
	if got := len(s.names); got != 0 {
		t.Fatalf("%d namespaces kept, want 0", got)
	}
}

func TestEmptyNamespacesAreDropped(t *testing.T) {
	s := newStore(t, Config{MaxEntries: 10})
	// Namespaces named by data: each gets one entry, then eviction and
	// clears empty them.
	for i := range 1000 {
		s.SetByName(fmt.Sprint("tenant-", i), "k", "v", 0, s.Epoch())
	}
	settle(s)
	for i := range 1000 {
		s.Clear(fmt.Sprint("tenant-", i))
	}
	s.mu.Lock()
	kept := len(s.names)
	s.mu.Unlock()
	if kept != 0 {
		t.Fatalf("%d namespaces kept after every one was emptied, want 0", kept)
	}
	// A pinned namespace stays, and keeps working, once emptied.
	p := s.Namespace("pinned")
	put(s, p, "k", 0)
	s.Clear("pinned")
	put(s, p, "k", 0)
	if _, _, ok := p.GetString("k"); !ok {
		t.Fatal("a pinned namespace stopped storing after a clear")
	}
	if s.Lookup("pinned") != p {
		t.Fatal("a pinned namespace was replaced")
	}
}

// TestManyNamesBoundedMemory clears a million distinct names that were
// never used: no state may remain, so the heap after is what it was.
func TestManyNamesBoundedMemory(t *testing.T) {
	s := newStore(t, Config{MaxEntries: 100})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range 1_000_000 {
		s.Clear(fmt.Sprint("n", i))
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > 4<<20 {
		t.Fatalf("heap grew by %d bytes after clearing a million unknown names", grown)
	}
}

func TestMaxBytesBound(t *testing.T) {
	s := newStore(t, Config{MaxBytes: 10_000, Weigher: func(string, any) int64 { return 100 }})
	n := s.Namespace("n")
	for i := range 1000 {
		put(s, n, fmt.Sprint(i), 0)
	}
	settle(s)
	if got := s.cache.WeightedSize(); got > 10_000 {
		t.Fatalf("weighted size %d over the bound", got)
	}
	if got := s.Len(); got != 100 {
		t.Fatalf("Len = %d, want 100 entries of 100 bytes", got)
	}
	if got := s.Evictions(); got != 900 {
		t.Fatalf("Evictions = %d, want 900", got)
	}
	if got := n.Evictions(); got != 900 {
		t.Fatalf("namespace Evictions = %d, want 900", got)
	}
}

func TestGetDoesNotAllocate(t *testing.T) {
	s := newStore(t, Config{MaxEntries: 100})
	n := s.Namespace("n")
	s.SetString(n, "key", 42, time.Hour, n.Generation())
	var buf [16]byte
	k := append(buf[:0], "key"...)
	allocs := testing.AllocsPerRun(1000, func() {
		if _, _, ok := n.Get(k); !ok {
			t.Fatal("miss")
		}
	})
	if allocs != 0 {
		t.Fatalf("Get allocates %v times per hit", allocs)
	}
}

func TestCloseStopsEverything(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 10 {
		s := New(Config{MaxEntries: 10, ReclaimInterval: time.Millisecond})
		n := s.Namespace("n")
		put(s, n, "k", time.Millisecond)
		s.Close()
		if !s.Closed() || s.Close() {
			t.Fatal("Close did not report the store closed once")
		}
	}
	// Close waits for the reclaimer; the runtime may list an exiting
	// goroutine a moment longer.
	for deadline := time.Now().Add(10 * time.Second); runtime.NumGoroutine() > before; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after Close, want %d", runtime.NumGoroutine(), before)
		}
	}
}

func TestSetUntil(t *testing.T) {
	clock := &fakeNow{t: time.Unix(1_000_000, 0)}
	s := newStore(t, Config{MaxEntries: 100, Now: clock.now})
	n := s.Namespace("n")
	now := s.NowNano()
	s.SetUntil(n, "past", 1, now, n.Generation())
	s.SetUntil(n, "later", 1, now+int64(time.Minute), n.Generation())
	s.SetUntil(n, "never", 1, 0, n.Generation())
	s.SetUntil(n, "stale", 1, 0, n.Generation()+1)
	for key, want := range map[string]bool{"past": false, "later": true, "never": true, "stale": false} {
		if _, _, ok := n.GetString(key); ok != want {
			t.Errorf("%s: found %v, want %v", key, ok, want)
		}
	}
	clock.advance(time.Minute)
	if _, _, ok := n.GetString("later"); ok {
		t.Error("later: found at its expiry")
	}
	if _, _, ok := n.GetString("never"); !ok {
		t.Error("never: expired")
	}
}

// A SetUntil whose expiry has passed removes the entry it would have
// replaced, in otter or in the tier: the older value is not served after
// a newer one was stored already expired.
func TestSetUntilPastRemovesTheOlderEntry(t *testing.T) {
	for _, inTier := range []bool{false, true} {
		clock := &fakeNow{t: time.Unix(1_000_000, 0)}
		s := newStore(t, Config{MaxEntries: 100, Now: clock.now})
		n := s.Namespace("n")
		k := "k"
		if inTier {
			k = fillTier(t, s, n, 0)[0]
		} else {
			put(s, n, k, 0)
		}
		if _, _, ok := n.GetString(k); !ok {
			t.Fatalf("tier %v: the older entry is not served before the store", inTier)
		}
		s.SetUntil(n, k, "new", s.NowNano(), n.Generation())
		if v, _, ok := n.GetString(k); ok {
			t.Errorf("tier %v: served %v after a newer entry was stored expired", inTier, v)
		}
	}
}

// TestEntrySize keeps an entry within its size class: every miss allocates
// one, and the collector scans every one the store holds.
func TestEntrySize(t *testing.T) {
	if size := unsafe.Sizeof(entry{}); size > 96 {
		t.Fatalf("an entry takes %d bytes, more than 96", size)
	}
}

// Sets counts the entries that reached the cache, and GetCounted answers
// as Get does, with Sets as it read before its lookup on a miss.
func TestSetsCountsStores(t *testing.T) {
	s := newStore(t, Config{MaxEntries: 100})
	n := s.Namespace("n")
	before := n.Sets()
	if _, gen, sets, ok := n.GetCounted([]byte("k")); ok || gen != n.Generation() || sets != before {
		t.Fatalf("miss: ok %v, gen %d, sets %d; want false, %d, %d", ok, gen, sets, n.Generation(), before)
	}
	put(s, n, "k", 0)
	if n.Sets() != before+1 {
		t.Fatalf("Sets %d after a store, want %d", n.Sets(), before+1)
	}
	if v, _, _, ok := n.GetCounted([]byte("k")); !ok || v != "k" {
		t.Fatalf("hit: %v, %v", v, ok)
	}
	s.SetString(n, "old", "old", 0, n.Generation()-1) // a load begun before a clear
	if n.Sets() != before+1 {
		t.Fatalf("Sets %d after a store refused, want %d", n.Sets(), before+1)
	}
}
