package memstore

import (
	"runtime"
	"strconv"
	"testing"
)

// TestEntryOverheadMatchesTheHeap stores entries with nil values in a store
// bounded by bytes and checks that what the heap grows by per entry,
// besides its key, is EntryOverhead within 15%: a bound in bytes holds to
// what EstimateSize says of its entries.
func TestEntryOverheadMatchesTheHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("stores 100,000 entries")
	}
	const n = 100_000
	keys := make([]string, n)
	for i := range keys {
		keys[i] = "k" + strconv.Itoa(i)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s := New(Config{MaxBytes: 1 << 40})
	defer s.Close()
	ns := s.Namespace("n")
	for _, k := range keys {
		s.set(ns, k, nil, 0, ns.Generation())
	}
	s.cache.CleanUp()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(keys)
	perEntry := float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / n
	t.Logf("%.1f bytes per entry besides its key and value; EntryOverhead = %d", perEntry, EntryOverhead)
	if perEntry < 0.85*EntryOverhead || perEntry > 1.15*EntryOverhead {
		t.Fatalf("the heap grows by %.1f bytes per entry besides its key and value; EntryOverhead (%d) is off by more than 15%%", perEntry, EntryOverhead)
	}
}
