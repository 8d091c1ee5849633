package memstore

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"
)

// settle runs otter's maintenance, and then the tier's drops it queued.
func settle(s *Store) {
	s.cache.CleanUp()
	if s.tier.on {
		s.tier.settle()
	}
}

// movingZipf returns requests drawn by Zipf with s = 1 over keys keys,
// whose ranks move by shift keys every every requests: the hottest keys
// turn cold and new ones hot.
func movingZipf(requests, keys, every, shift int) []int {
	r := rand.New(rand.NewPCG(3, 3))
	cdf := make([]float64, keys)
	sum := 0.0
	for i := range cdf {
		sum += 1 / float64(i+1)
		cdf[i] = sum
	}
	out := make([]int, requests)
	for i := range out {
		rank := sort.SearchFloat64s(cdf, r.Float64()*sum)
		out[i] = int(uint64(rank+i/every*shift) * 0x9E3779B97F4A7C15 >> 33)
	}
	return out
}

// hitPercent replays trace through a store made by cfg, a store
// after each miss, and returns the share of hits in percent.
func hitPercent(t *testing.T, cfg Config, trace []int) float64 {
	s := newStore(t, cfg)
	n := s.Namespace("trace")
	hits := 0
	for _, k := range trace {
		key := strconv.Itoa(k)
		if _, gen, ok := n.GetString(key); ok {
			hits++
		} else {
			s.SetString(n, key, k, 0, gen)
		}
	}
	return 100 * float64(hits) / float64(len(trace))
}

// When the hot set moves, the tier keeps what recency asks for and otter
// alone drops: the store with it hits clearly more often.
func TestTierKeepsAMovingHotSet(t *testing.T) {
	if testing.Short() {
		t.Skip("replays a long trace")
	}
	trace := movingZipf(400_000, 100_000, 5_000, 500)
	var with, without float64
	with = hitPercent(t, Config{MaxEntries: 1_000}, trace)
	without = hitPercent(t, Config{MaxEntries: 1_000, noTier: true}, trace)
	t.Logf("hit ratio: %.2f%% with the tier, %.2f%% without", with, without)
	if with < without+3 {
		t.Fatalf("hit ratio %.2f%% with the tier, %.2f%% without: want 3 points more", with, without)
	}
}

// fillTier stores keys k0, k1, ... in n until the tier holds some, and
// returns the keys the tier holds.
func fillTier(t *testing.T, s *Store, n *Namespace, ttl time.Duration) []string {
	t.Helper()
	for i := 0; ; i++ {
		put(s, n, "k"+strconv.Itoa(i), ttl)
		if i%10 != 9 {
			continue
		}
		settle(s) // otter's maintenance, which drops for size
		s.tier.mu.Lock()
		var in []string
		for e := s.tier.ring.newer; e != &s.tier.ring; e = e.newer {
			in = append(in, e.key)
		}
		s.tier.mu.Unlock()
		if len(in) > 0 {
			return in
		}
		if i > 10_000 {
			t.Fatal("the tier never took an entry")
		}
	}
}

// A hit in the tier serves the entry; a clear of its namespace removes
// it, and it stops counting.
func TestClearRemovesTierEntries(t *testing.T) {
	s := newStore(t, Config{MaxEntries: 100})
	n := s.Namespace("a")
	in := fillTier(t, s, n, 0)
	if v, _, ok := n.GetString(in[0]); !ok || v != in[0] {
		t.Fatalf("Get(%q) = %v, %v in the tier; want a hit", in[0], v, ok)
	}
	found := false
	for _, e := range s.Entries("a") {
		found = found || e.Key == in[0]
	}
	if !found {
		t.Fatalf("Entries does not list %q, which the tier holds", in[0])
	}
	s.Clear("a")
	if _, _, ok := n.GetString(in[0]); ok {
		t.Fatalf("Get(%q) hit after a clear", in[0])
	}
	if held, l := s.tier.held.Load(), s.Len(); held != 0 || l != 0 {
		t.Fatalf("after a clear the tier holds %d entries and the store %d; want 0", held, l)
	}
}

// An entry whose time to live passed in the tier is a miss, and Reclaim
// drops it.
func TestExpiredTierEntryNotServed(t *testing.T) {
	clock := &fakeNow{t: time.Unix(1000, 0)}
	s := newStore(t, Config{MaxEntries: 100, Now: clock.now, ReclaimInterval: time.Hour})
	n := s.Namespace("a")
	in := fillTier(t, s, n, time.Minute)
	clock.advance(2 * time.Minute)
	if _, _, ok := n.GetString(in[0]); ok {
		t.Fatalf("Get(%q) served an expired entry from the tier", in[0])
	}
	if got := s.Reclaim(); got < len(in)-1 {
		t.Fatalf("Reclaim = %d, want at least the %d expired entries left in the tier", got, len(in)-1)
	}
	if held := s.tier.held.Load(); held != 0 {
		t.Fatalf("the tier holds %d entries after Reclaim; want 0", held)
	}
}

// A store of a key the tier holds takes the tier's entry out: no read
// serves the older value again.
func TestSetReplacesTierEntry(t *testing.T) {
	s := newStore(t, Config{MaxEntries: 100})
	n := s.Namespace("a")
	in := fillTier(t, s, n, 0)
	s.SetString(n, in[0], "new", 0, n.Generation())
	for range 3 {
		if v, _, ok := n.GetString(in[0]); ok && v != "new" {
			t.Fatalf("Get(%q) = %v after a store of a new value", in[0], v)
		}
	}
	s.tier.mu.Lock()
	defer s.tier.mu.Unlock()
	for e := s.tier.ring.newer; e != &s.tier.ring; e = e.newer {
		if e.key == in[0] && e.value != "new" {
			t.Fatalf("the tier still holds %q's older value", in[0])
		}
	}
}

// Delete removes an entry the tier holds.
func TestDeleteRemovesTierEntry(t *testing.T) {
	s := newStore(t, Config{MaxEntries: 100})
	n := s.Namespace("a")
	in := fillTier(t, s, n, 0)
	s.Delete(n, in[0])
	if _, _, ok := n.GetString(in[0]); ok {
		t.Fatalf("Get(%q) hit after Delete", in[0])
	}
}

// An entry counts as evicted once, when it leaves the store: not when
// otter hands it to the tier. The store never holds more than its bound.
func TestEvictionsCountedOnce(t *testing.T) {
	for _, cfg := range []Config{{MaxEntries: 100}, {MaxEntries: 1000}} {
		t.Run(fmt.Sprint(cfg.MaxEntries), func(t *testing.T) {
			s := newStore(t, cfg)
			n := s.Namespace("a")
			stored := 10 * cfg.MaxEntries
			for i := range stored {
				s.SetString(n, fmt.Sprintf("k%07d", i), nil, 0, n.Generation())
				if i%10 == 9 {
					settle(s)
				}
			}
			settle(s)
			held := s.tier.held.Load()
			if held == 0 {
				t.Fatal("the tier took nothing")
			}
			if got, want := s.Evictions(), uint64(stored-s.Len()); got != want {
				t.Fatalf("Evictions = %d, want %d (stored %d, held %d of them in the tier)", got, want, stored, held)
			}
			if s.Len() > cfg.MaxEntries {
				t.Fatalf("Len = %d, over the bound of %d", s.Len(), cfg.MaxEntries)
			}
		})
	}
}

// Close drops the tier's entries too.
func TestCloseEmptiesTier(t *testing.T) {
	s := New(Config{MaxEntries: 100})
	n := s.Namespace("a")
	fillTier(t, s, n, 0)
	s.Close()
	if held, l := s.tier.held.Load(), s.Len(); held != 0 || l != 0 {
		t.Fatalf("after Close the tier holds %d entries and the store %d; want 0", held, l)
	}
}

// Reads, stores, deletes and clears from several goroutines keep the
// tier's and the namespaces' books in step (run with -race).
func TestTierConcurrent(t *testing.T) {
	s := newStore(t, Config{MaxEntries: 64})
	names := []string{"a", "b"}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 7))
			for i := range 20_000 {
				name := names[r.IntN(2)]
				key := strconv.Itoa(int(math.Sqrt(float64(r.IntN(40_000)))))
				switch op := r.IntN(100); {
				case op < 60:
					n := s.Namespace(name)
					if _, gen, ok := n.GetString(key); !ok {
						s.SetString(n, key, i, time.Duration(r.IntN(2))*time.Hour, gen)
					}
				case op < 80:
					s.SetByName(name, key, i, 0, s.Namespace(name).Generation())
				case op < 98:
					s.DeleteByName(name, key)
				default:
					s.Clear(name)
				}
			}
		}()
	}
	wg.Wait()
	settle(s)
	total := 0
	for _, c := range s.Namespaces() {
		total += c
	}
	if total != s.Len() {
		t.Fatalf("the namespaces hold %d entries, Len says %d", total, s.Len())
	}
	if s.Len() > 64 {
		t.Fatalf("Len = %d, over the bound of 64", s.Len())
	}
}

// The filter counts keys up and down, and a counter that saturates stays
// set.
func TestFilter(t *testing.T) {
	f := newFilter(64)
	if len(f.words) != 16 {
		t.Fatalf("%d words for 64 counters, want 16", len(f.words))
	}
	a, b := key(1), key(2)
	f.add(a, 1)
	f.add(a, 1)
	if !f.has(a) {
		t.Fatal("a counted key is not found")
	}
	f.add(a, -1)
	if !f.has(a) {
		t.Fatal("a key counted twice and uncounted once is not found")
	}
	f.add(a, -1)
	if f.has(a) {
		t.Fatal("an uncounted key is found")
	}
	for range 300 {
		f.add(b, 1)
	}
	for range 300 {
		f.add(b, -1)
	}
	if !f.has(b) {
		t.Fatal("a saturated counter was counted down")
	}
	wb, sb := f.at(b)
	for i := range key(1000) { // the other counters of b's word are untouched
		if w, s := f.at(i); w == wb && s != sb && f.has(i) {
			t.Fatalf("key %d, beside the saturated counter, is found", i)
		}
	}
}

// TestGhostsAreASample checks that only sampled keys become ghosts, and no
// more of them than the sample of the bound: the ghosts' work is paid for
// one dropped key in ghostSample.
func TestGhostsAreASample(t *testing.T) {
	const capacity = 1000
	s := newStore(t, Config{MaxEntries: capacity})
	n := s.Namespace("g")
	for k := range 20 * capacity {
		s.SetString(n, strconv.Itoa(k), k, 0, n.Generation())
		if k%100 == 0 {
			settle(s)
		}
	}
	settle(s)
	tr := s.tier
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if tr.ghosts.n == 0 || tr.ghosts.n > capacity/ghostSample {
		t.Fatalf("%d ghosts, want 1 to %d", tr.ghosts.n, capacity/ghostSample)
	}
	for _, g := range tr.ghosts.slots {
		if g.drop != 0 && !sampled(g.k) {
			t.Fatalf("ghost %x is not sampled", g.k)
		}
	}
}

// A store bounded by bytes has no tier: an entry that fits the bound is
// kept, however heavy, and entries heavier than a share of the bound fill
// it.
func TestByteBoundKeepsWhatFits(t *testing.T) {
	s := newStore(t, Config{MaxBytes: 10_000, Weigher: func(k string, _ any) int64 {
		if k == "big" {
			return 9_500
		}
		return 2_000
	}})
	if s.tier.on {
		t.Fatal("a store bounded by bytes has a tier")
	}
	n := s.Namespace("n")
	put(s, n, "big", 0)
	s.cache.CleanUp()
	if _, _, ok := n.GetString("big"); !ok {
		t.Fatalf("an entry of 9,500 bytes, alone in a bound of 10,000, was dropped (Len %d, Evictions %d)", s.Len(), s.Evictions())
	}
	for i := range 50 {
		put(s, n, fmt.Sprint(i), 0)
		s.cache.CleanUp()
	}
	if got := s.Len(); got != 5 {
		t.Fatalf("Len = %d, want 5 entries of 2,000 bytes in a bound of 10,000", got)
	}
}

// A store of fewer than tierMinEntries entries has no tier, whose least
// share would be no entry at all; from tierMinEntries on, the least share
// is an entry or more, and the shares never overflow.
func TestTierSharesOfEveryBound(t *testing.T) {
	for _, entries := range []int{1, 2, 50, tierMinEntries - 1} {
		if tr, bound := newTier(nil, entries, true); tr.on || bound != entries {
			t.Errorf("bound %d: tier on %v, otter's bound %d", entries, tr.on, bound)
		}
	}
	for _, entries := range []int{tierMinEntries, 1000, 1 << 40, math.MaxInt} {
		tr, bound := newTier(nil, entries, true)
		switch w := tr.share.Load(); {
		case !tr.on:
			t.Errorf("bound %d: no tier", entries)
		case tr.least < 1 || tr.least > tr.most || tr.most >= int64(entries):
			t.Errorf("bound %d: shares %d to %d", entries, tr.least, tr.most)
		case w < tr.least || w > tr.most || int64(bound)+w != int64(entries):
			t.Errorf("bound %d: share %d and otter's bound %d", entries, w, bound)
		}
	}
}

// An entry whose time to live has passed when it leaves the store for
// size, from otter or from the tier, counts as expired, not evicted.
func TestExpiredDropsAreExpirations(t *testing.T) {
	clock := &fakeNow{t: time.Unix(1000, 0)}
	s := newStore(t, Config{MaxEntries: 100, Now: clock.now, ReclaimInterval: time.Hour})
	n := s.Namespace("a")
	for i := range 100 {
		put(s, n, "old"+strconv.Itoa(i), time.Minute)
	}
	settle(s)
	clock.advance(2 * time.Minute)
	s.reads.refresh() // as a tick or a store with a time to live would
	ev, ex := s.Evictions(), s.expired.Load()
	for i := range 300 {
		put(s, n, "new"+strconv.Itoa(i), 0)
		settle(s)
	}
	if got := s.expired.Load() - ex; got != 100 {
		t.Fatalf("100 expired entries pushed out: expired +%d, evictions +%d (want 100, 200)", got, s.Evictions()-ev)
	}
	if got := s.Evictions() - ev; got != 200 {
		t.Fatalf("evictions +%d, want 200", got)
	}
}

// tierDigests returns the digests of the entries the tier holds.
func tierDigests(s *Store) []key {
	t := s.tier
	t.mu.Lock()
	defer t.mu.Unlock()
	var ds []key
	for e := t.ring.newer; e != &t.ring; e = e.newer {
		ds = append(ds, s.digest(e.ns.id, e.key))
	}
	return ds
}

// TestIdleTierTakesASample checks that a tier nothing has hit takes only
// the sample of idleKeeps from what otter drops, and that a hit in it has
// it take every entry again.
func TestIdleTierTakesASample(t *testing.T) {
	const capacity = 1000
	s := newStore(t, Config{MaxEntries: capacity})
	n := s.Namespace("i")
	next := 0
	fill := func(keys int) {
		for range keys {
			s.SetString(n, strconv.Itoa(next), next, 0, n.Generation())
			next++
			if next%100 == 0 {
				settle(s)
			}
		}
		settle(s)
	}
	fill(20 * capacity)
	idle := tierDigests(s)
	if len(idle) == 0 {
		t.Fatal("an idle tier holds nothing: it takes no sample")
	}
	for _, d := range idle {
		if !idleKeeps(d) {
			t.Fatalf("an idle tier holds %x, which is not in its sample", d)
		}
	}

	// A hit in the tier: the key of one of its entries.
	s.tier.mu.Lock()
	k := s.tier.ring.older.key
	s.tier.mu.Unlock()
	if _, _, ok := n.GetString(k); !ok {
		t.Fatalf("key %s, held by the tier, is not found", k)
	}
	fill(2 * capacity)
	outside := 0
	for _, d := range tierDigests(s) {
		if !idleKeeps(d) {
			outside++
		}
	}
	if outside == 0 {
		t.Fatal("after a hit in the tier, it still takes only its idle sample")
	}
	t.Logf("idle: %d entries, all in the sample; after a hit: %d outside it", len(idle), outside)
}

// expiredTier returns a store whose tier holds only entries whose time to
// live has passed, and how many.
func expiredTier(t *testing.T, capacity int) (*Store, int) {
	t.Helper()
	clock := &fakeNow{t: time.Unix(1000, 0)}
	s := newStore(t, Config{MaxEntries: capacity, Now: clock.now, ReclaimInterval: time.Hour})
	n := s.Namespace("r")
	for i := range capacity {
		put(s, n, strconv.Itoa(i), time.Minute)
		if i%1000 == 0 {
			settle(s)
		}
	}
	settle(s)
	clock.advance(2 * time.Minute)
	s.reads.refresh()
	return s, int(s.tier.held.Load())
}

// TestReclaimTickVisitsAPart checks that a tick of the reclaimer visits
// only its part of the tier, resuming where the last one stopped, so that
// no tick walks a large tier under its lock, while Reclaim visits it all.
func TestReclaimTickVisitsAPart(t *testing.T) {
	s, held := expiredTier(t, 100_000)
	part := max(held/reclaimSpan, reclaimLeast)
	if held < 2*part {
		t.Fatalf("the tier holds %d entries, too few for a test of parts of %d", held, part)
	}
	now := s.reads.NowNano()
	if got := s.tier.reclaim(now, false); got != part {
		t.Fatalf("a tick dropped %d of %d expired entries, want its part, %d", got, held, part)
	}
	if got := s.tier.reclaim(now, false); got != part {
		t.Fatalf("the next tick dropped %d, want %d", got, part)
	}
	rest := held - 2*part
	if got := s.tier.reclaim(now, true); got != rest {
		t.Fatalf("Reclaim's pass dropped %d, want the %d left", got, rest)
	}
	if h := s.tier.held.Load(); h != 0 {
		t.Fatalf("the tier holds %d entries after Reclaim, want 0", h)
	}
}

// TestReclaimCursorSurvivesDrops checks that an entry dropped where the
// next tick would start moves that start past it: every expired entry is
// still reached, and none twice.
func TestReclaimCursorSurvivesDrops(t *testing.T) {
	s, held := expiredTier(t, 100_000)
	tr := s.tier
	now := s.reads.NowNano()
	dropped := tr.reclaim(now, false)
	for range 3 { // drop the entry the next tick starts at, and its successor
		tr.mu.Lock()
		e := tr.cursor
		if e == nil || e == &tr.ring {
			tr.mu.Unlock()
			t.Fatal("the cursor is at the end after one tick")
		}
		tr.drop(e, s.digest(e.ns.id, e.key))
		tr.mu.Unlock()
		held--
	}
	for range 2 * reclaimSpan {
		dropped += tr.reclaim(now, false)
	}
	if dropped != held {
		t.Fatalf("the ticks dropped %d expired entries, want %d", dropped, held)
	}
	if h := tr.held.Load(); h != 0 {
		t.Fatalf("the tier holds %d entries, want 0", h)
	}
}
