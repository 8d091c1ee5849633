package memstore

import (
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/maypok86/otter/v2"
)

// TestReclaimWithConcurrentTickVisitsAll checks that Reclaim drops every
// entry expired at its reading while ticks of the reclaimer run alongside
// with an older reading: they share the cursor, and a tick that moved it
// between Reclaim's chunks made Reclaim skip what the tick had passed.
func TestReclaimWithConcurrentTickVisitsAll(t *testing.T) {
	for round := range 3 {
		clock := &fakeNow{t: time.Unix(1000, 0)}
		s := newStore(t, Config{MaxEntries: 100_000, Now: clock.now, ReclaimInterval: time.Hour})
		n := s.Namespace("r")
		for i := range 100_000 {
			put(s, n, strconv.Itoa(i), time.Minute)
			if i%1000 == 0 {
				settle(s)
			}
		}
		settle(s)
		stale := s.reads.refresh() // the tick's reading: before the entries expire
		clock.advance(2 * time.Minute)
		held := s.tier.held.Load()

		var stop atomic.Bool
		var wg sync.WaitGroup
		started := make(chan struct{})
		wg.Add(1)
		go func() { // the reclaimer's ticks, with the reading taken before the advance
			defer wg.Done()
			s.tier.reclaim(stale, false)
			close(started)
			for !stop.Load() {
				s.tier.reclaim(stale, false)
			}
		}()
		<-started
		s.Reclaim()
		left := s.tier.held.Load()
		stop.Store(true)
		wg.Wait()
		if left != 0 {
			t.Fatalf("round %d: after Reclaim the tier still holds %d of %d entries, all expired at Reclaim's reading", round, left, held)
		}
	}
}

// TestRefusedAdmissionDropsOlderValue checks that an idle tier that refuses
// the newer entry of a key whose older entry it holds drops the older one
// all the same: otherwise a read that misses in otter is served the older
// value until the store's displace runs.
func TestRefusedAdmissionDropsOlderValue(t *testing.T) {
	s := newStore(t, Config{MaxEntries: 1000})
	n := s.Namespace("i")
	// Find a key outside the idle sample, and have the tier hold its entry
	// while the tier is not idle (it has room).
	var k string
	var d key
	for i := 0; ; i++ {
		k = "x" + strconv.Itoa(i)
		d = s.digest(n.id, k)
		if !idleKeeps(d) {
			break
		}
	}
	old := &entry{ns: n, key: k, value: "v1", gen: n.Generation()}
	n.mu.Lock()
	n.link(old)
	n.mu.Unlock()
	s.tier.stamp(old)
	if !s.tier.admit(old, d) {
		t.Fatal("a tier with room refused an entry")
	}
	// The tier becomes full and idle (no hit ever).
	s.tier.mu.Lock()
	s.tier.share.Store(s.tier.held.Load())
	s.tier.mu.Unlock()

	// SetString(k, "v2"): the cache takes e2 and drops it for size before
	// setEntry's displace runs.
	e2 := &entry{ns: n, key: k, value: "v2", gen: n.Generation()}
	n.mu.Lock()
	n.link(e2)
	n.mu.Unlock()
	s.tier.stamp(e2)
	s.deleted(otter.DeletionEvent[key, *entry]{Key: d, Value: e2, Cause: otter.CauseOverflow})
	if v, _, ok := n.GetString(k); ok && v == "v1" {
		t.Fatalf("Get(%q) = %v after %q was stored over it (the idle tier refused the newer entry and kept the older)", k, v, "v2")
	}
}

// TestTrimDuringClearCountsNoEviction checks that the tier's CLOCK, when
// it drops an entry whose namespace a clear has advanced but not yet
// emptied, counts no eviction and keeps no ghost of it: the entry leaves
// because of the clear, which Evictions does not count, as the cache's
// drops of such an entry are not counted either.
func TestTrimDuringClearCountsNoEviction(t *testing.T) {
	s := newStore(t, Config{MaxEntries: 1000})
	n := s.Namespace("a")
	for i := range 3000 {
		put(s, n, "k"+strconv.Itoa(i), 0)
		if i%10 == 9 {
			settle(s)
		}
	}
	settle(s)
	if s.tier.held.Load() < 2 {
		t.Fatal("the tier holds too little to trim")
	}
	before, nsBefore := s.Evictions(), n.Evictions()
	gen := n.Generation()
	// Hold the tier's lock, so that the clear waits at its first entry in
	// the tier, once it has advanced the generation.
	s.tier.mu.Lock()
	cleared := make(chan struct{})
	go func() {
		defer close(cleared)
		s.Clear("a")
	}()
	for n.Generation() == gen {
		runtime.Gosched()
	}
	// A miss on an old ghost shrinks the share and trims, as adapt does.
	ghosts := s.tier.ghosts.nYoung + s.tier.ghosts.nOld
	s.tier.share.Store(s.tier.least)
	s.tier.trim()
	ghostsAfter := s.tier.ghosts.nYoung + s.tier.ghosts.nOld
	s.tier.mu.Unlock()
	<-cleared
	if got, nsGot := s.Evictions(), n.Evictions(); got != before || nsGot != nsBefore {
		t.Errorf("Evictions went from %d to %d (the namespace's from %d to %d) while the tier dropped entries of a cleared namespace", before, got, nsBefore, nsGot)
	}
	if ghostsAfter > ghosts {
		t.Errorf("the tier kept %d ghosts of cleared entries", ghostsAfter-ghosts)
	}
	if s.Len() != 0 {
		t.Errorf("Len = %d after the clear", s.Len())
	}
}
