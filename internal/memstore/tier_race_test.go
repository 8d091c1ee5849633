package memstore

import (
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
