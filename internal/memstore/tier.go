package memstore

import (
	"sync"
	"sync/atomic"
)

// Shares of the bound the tier holds, in hundredths: at first, at least
// and at most. The ghosts move it between the last two.
const (
	tierFirst = 10
	tierLeast = 1
	tierMost  = 99
)

// youngSpan is the share of the bound, in entries, within which an entry
// dropped by otter counts as young: dropped after fewer than
// bound/youngSpan of otter's misses since it was stored.
const youngSpan = 20

// usefulSpan and usefulLeast set how far back, in otter's misses, the
// tier's last hit lets a young ghost grow it: bound/usefulSpan, and at
// least usefulLeast, so that the few entries of a small store's tier do
// not lose it by chance.
const (
	usefulSpan  = 10
	usefulLeast = 500
)

// ghostSample is how many of the keys the tier drops stand for one ghost:
// only the keys whose digest is a multiple of it become ghosts, and each
// ghost met moves the share as much as that many would. The ghosts are a
// measure, which a sample of keys the same for every drop gives as well
// at a fraction of the work: each ghost costs a miss a few reads of memory
// no other work of the miss touches.
const ghostSample = 4

// sampled reports whether the key of digest d becomes a ghost when dropped.
func sampled(d key) bool { return d%ghostSample == 0 }

// clockEvery is how many of otter's misses the tier's clock counts as one
// tick: it ticks on the misses whose digest has three zero bits (other
// bits than sampled reads), one in eight, so that seven misses in eight
// write no counter shared with the maintenance goroutine. The spans
// measured by the clock are divided by it.
const clockEvery = 8

// ticks returns the ticks of the tier's clock that n misses make, at
// least one.
func ticks(n int) uint32 { return uint32(max(n/clockEvery, 1)) }

// idleSample is how many of the entries otter drops stand for one that the
// tier takes while it is idle: while it is full and has had no hit within
// the span useful measures, it takes only the entries whose digest
// idleKeeps, one in idleSample. A tier that nothing hits is work for every
// miss and saves none; the sample, the same keys at every drop, still
// shows when the tier would be hit, and its first hit has it take every
// entry again. A tier with room takes every entry, so that the store holds
// its whole bound.
const idleSample = 8

// idleKeeps reports whether an idle tier takes the entry of digest d. It
// reads other bits of d than sampled and the clock do.
func idleKeeps(d key) bool { return d>>16%idleSample == 0 }

// The bits of entry.mark while the entry is in the tier.
const (
	markRef   = 1 << iota // hit since the hand last passed it
	markYoung             // otter held it only briefly
)

// tier is the recency tier behind otter. otter's W-TinyLFU keeps what is
// asked for often; when the hot set moves, recency matters more, and
// otter's window alone does not give it its due. So otter holds the bound
// less a share w, and the tier the share: an entry otter drops for size
// enters the tier instead of leaving the store, and the tier drops by
// CLOCK (a hit in it sets the entry's reference bit and leaves it there;
// the hand gives such an entry a second round) whatever passes w. A read
// that misses in otter looks in the tier, so a hit in otter costs what it
// cost without one.
//
// w adapts as ARC's target does, by ghosts: a sample of the keys among
// the last ones the tier dropped (one in ghostSample of as many as the
// bound holds entries), each marked young if otter had held it for fewer
// than bound/20 of otter's misses. A miss
// on a young ghost grows w if the tier had a hit within the last bound/10
// misses (at least 500), on an old one shrinks it, each by the ratio of the other kind
// to its own (at least one entry); otter's bound moves
// the other way, so that the two never hold more than the bound between
// them. w starts at a tenth of the bound and stays between 1% and 99%.
//
// While the tier is full and has had no hit lately it is idle, and takes
// only a sample of what otter drops (see idleSample): on a stream of keys
// that never come back, the tier would cost every miss and save none.
//
// An entry enters the tier at most once (a hit there does not move it back
// into otter) and stays linked in its namespace's list, so that a clear
// finds it; a store of its key takes an older one out of the tier.
type tier struct {
	_       [64]byte // off the cache lines of its neighbours
	s       *Store
	on      bool  // the store is bounded by entries, enough for a tier
	entries int   // the store's bound: how many ghosts are kept, and what young is measured against
	least   int64 // the least share, in entries
	most    int64 // the largest share, in entries
	// filter counts the keys of the entries and ghosts; written under mu.
	filter filter

	// The fields above are read by every miss; those below are written
	// by misses or by the maintenance that follows them, each group on
	// cache lines of its own, so that a write by one processor does not
	// take from another the line its next miss reads.
	_      [64]byte      // misses is written by every miss
	misses atomic.Uint32 // ticks of otter's misses (see clockEvery): the clock that tells young from old
	_      [60]byte

	held   atomic.Int64 // entries in the tier; written under mu, read without it to skip an empty tier
	share  atomic.Int64 // w, in entries; written under mu
	mu     sync.Mutex
	in     table // the entries by the digest of their namespace and key
	ring   entry // the sentinel, between the newest entry (ring.older) and the oldest (ring.newer), which the hand reaches first
	ghosts ghosts
	cursor *entry     // the entry the reclaimer's next tick starts at; nil or the sentinel: the oldest
	walk   sync.Mutex // held by a reclaim for its whole walk: one walker moves cursor at a time
	hitAt  uint32     // misses at the tier's last hit
	hit    bool       // the tier has had a hit
	queued bool       // a trim is queued for the maintenance goroutine, or held for a store

	settleFn func() // settle, made once: a method value handed on allocates
}

// newTier returns the tier of a store bounded to entries entries, and
// the bound otter starts with. A store bounded by bytes, or by fewer than
// tierMinEntries entries, gets a tier that is off: otter holds the whole
// bound. (A share of a byte bound could not hold an entry heavier than it,
// nor otter one heavier than the rest; and a share of a small bound would
// be too few entries for its ghosts to measure anything.) A tier that is
// not allowed is off too.
func newTier(s *Store, entries int, allowed bool) (*tier, int) {
	c := int64(entries)
	t := &tier{s: s, entries: entries,
		least: percent(c, tierLeast), most: percent(c, tierMost)}
	t.settleFn = t.settle
	t.on = allowed && entries >= tierMinEntries
	if !t.on {
		return t, entries
	}
	t.ring.older, t.ring.newer = &t.ring, &t.ring
	// About four counters for each key the tier may count (its entries
	// and ghosts, up to twice the bound): a miss on a key new to the
	// store seldom finds its counter set.
	t.filter = newFilter(int(min(8*c, 1<<22)))
	t.ghosts = newGhosts(&t.filter, int(min(c/ghostSample, 1<<20)))
	w := percent(c, tierFirst)
	t.share.Store(w)
	return t, int(c - w)
}

// tierMinEntries is the least bound in entries that a store has a tier
// for: its least share, 1%, is then one entry or more.
const tierMinEntries = 100

// percent returns p percent of c, without overflow for any c >= 0.
func percent(c, p int64) int64 { return c/100*p + c%100*p/100 }

// stamp marks e, before it is stored, with the clock the tier ages it by.
func (t *tier) stamp(e *entry) { e.mark = t.misses.Load() }

// get is the tier's part of a read that missed in otter: it returns the
// value of n's live entry under k, whose digest is d, if the tier holds
// it. A miss that finds a ghost adapts the tier's share.
func (t *tier) get(n *Namespace, k string, d key) (any, bool) {
	if !t.on {
		return nil, false
	}
	if d>>8%clockEvery == 0 {
		t.misses.Add(1)
	}
	if !t.filter.has(d) {
		return nil, false // neither in the tier nor a ghost
	}
	t.mu.Lock()
	if e := t.in.get(d); e != nil && e.ns == n && sameKey(e.key, k) {
		if e.gen == n.gen.Load() && (e.expires == 0 || t.s.clock.NowNano() < e.expires) {
			e.mark |= markRef
			t.hitAt, t.hit = t.misses.Load(), true
			v := e.value
			t.mu.Unlock()
			return v, true
		}
		if e.gen == n.gen.Load() {
			t.s.expired.Add(1)
		}
		t.drop(e, d)
	}
	resized := t.adapt(d)
	t.mu.Unlock()
	if resized {
		// otter's bound follows at once: handed to the maintenance
		// goroutine, it lagged the share, and the store held less than its
		// bound meanwhile (Zipf at 1,000 entries lost 0.3 points).
		t.s.resize()
	}
	return nil, false
}

// adapt moves the share if d is a ghost, and reports whether it moved.
// The caller holds mu.
func (t *tier) adapt(d key) bool {
	if !sampled(d) {
		return false
	}
	young, ok := t.ghosts.take(d)
	if !ok || young && !t.useful() {
		return false
	}
	g := &t.ghosts
	step := int64(ghostSample)
	w := t.share.Load()
	next := w
	if young {
		next = min(w+step*int64(max(1, g.nOld/max(g.nYoung, 1))), t.most)
	} else {
		next = max(w-step*int64(max(1, g.nYoung/max(g.nOld, 1))), t.least)
	}
	if next == w {
		return false
	}
	t.share.Store(next)
	t.trim()
	return true
}

// useful reports whether the tier had a hit within the last bound/10 of
// otter's misses (at least 500). A young ghost grows the tier only then:
// on a loop a little longer than the bound, every key comes back as a
// young ghost, yet a tier grown by a few entries would hit none of them,
// and what it took from otter would be lost. The caller holds mu.
func (t *tier) useful() bool {
	return t.hit && t.misses.Load()-t.hitAt < ticks(max(t.entries/usefulSpan, usefulLeast))
}

// admit takes e, with digest d, which otter dropped for size, and reports
// whether it did (an idle tier takes only a sample: see idleSample); if
// not, e leaves the store. It runs under the lock of
// otter's bucket of d, and calls nothing of otter's.
func (t *tier) admit(e *entry, d key) bool {
	if !t.on || t.s.closed.Load() {
		return false
	}
	t.mu.Lock()
	// Another key's entry with the same digest, or an older entry of the
	// key, leaves even if e is refused below (the filter spares most
	// drops the index's lookup, as in take).
	if t.filter.has(d) {
		if old := t.in.get(d); old != nil {
			t.drop(old, d)
		}
	}
	if !idleKeeps(d) && t.held.Load() >= t.share.Load() && !t.useful() {
		t.mu.Unlock()
		return false
	}
	young := t.misses.Load()-e.mark < ticks(t.entries/youngSpan)
	e.mark = 0
	if young {
		e.mark = markYoung
	}
	t.push(e)
	t.in.put(d, e)
	t.filter.add(d, 1)
	t.held.Add(1)
	// The drops wait for the maintenance goroutine, or for the store that
	// runs a held pass (see Store.hold): here they would hold
	// otter's eviction lock, which a writer whose buffer is full waits
	// for, through the ghosts, the index and a namespace's lock. Until
	// then the tier may pass its share by what one pass of otter's
	// maintenance drops.
	queue := t.held.Load() > t.share.Load() && !t.queued
	t.queued = t.queued || queue
	t.mu.Unlock()
	if queue {
		t.s.schedule(heldSettle, t.settleFn)
	}
	return true
}

// settle drops what passes the tier's share.
func (t *tier) settle() {
	t.mu.Lock()
	t.queued = false
	t.trim()
	t.mu.Unlock()
}

// trim drops entries by CLOCK until the tier is within its share; each
// leaves the store as an eviction and becomes a ghost, but an expired one,
// which counts as an expiration, and one whose namespace has been cleared
// since it was stored, which counts as neither. The caller holds mu.
func (t *tier) trim() {
	w := t.share.Load()
	for t.held.Load() > w {
		e := t.ring.newer        // the oldest; not the sentinel: the tier holds something
		if e.mark&markRef != 0 { // a second round, as the newest
			e.mark &^= markRef
			t.cut(e)
			t.push(e)
			continue
		}
		d := t.s.digest(e.ns.id, e.key)
		switch {
		case e.gen != e.ns.gen.Load():
			// cleared: the clear's removal comes too late, and the drop is
			// neither an eviction nor a ghost (as in Store.deleted)
		case t.s.expiredBy(e, t.s.reads.NowNano()):
			t.s.expired.Add(1) // an expiration, and no ghost
		default:
			if sampled(d) {
				t.ghosts.add(d, e.mark&markYoung != 0, max(t.entries/ghostSample, 1))
			}
			t.s.evictions.Add(1)
			e.ns.evictions.Add(1)
		}
		t.drop(e, d)
	}
}

// push links e into the ring as the newest entry. The caller holds mu.
func (t *tier) push(e *entry) {
	newest := t.ring.older
	e.older, e.newer = newest, &t.ring
	newest.newer = e
	t.ring.older = e
}

// cut takes e out of the ring, and moves the reclaimer's cursor past it.
// The caller holds mu.
func (t *tier) cut(e *entry) {
	if t.cursor == e {
		t.cursor = e.newer
	}
	e.newer.older = e.older
	e.older.newer = e.newer
	e.older, e.newer = nil, nil
}

// drop takes e, with digest d, out of the tier and the store. The caller
// holds mu.
func (t *tier) drop(e *entry, d key) {
	t.cut(e)
	if t.in.get(d) == e {
		t.in.del(d)
		t.filter.add(d, -1)
	}
	t.held.Add(-1)
	t.s.unlink(e)
}

// take removes e from the tier and the store if the tier holds it.
func (t *tier) take(e *entry, d key) {
	if !t.on || !t.filter.has(d) {
		return
	}
	t.mu.Lock()
	if e.newer != nil {
		t.drop(e, d)
	}
	t.mu.Unlock()
}

// displace removes from the tier any entry under d but e, which has just
// been stored under d: a hit in the tier never serves a value older than
// one stored since.
func (t *tier) displace(e *entry, d key) {
	if !t.on || !t.filter.has(d) {
		return
	}
	t.mu.Lock()
	if old := t.in.get(d); old != nil && old != e {
		t.drop(old, d)
	}
	t.mu.Unlock()
}

// takeKey removes n's entry under k, whose digest is d, if the tier holds
// it.
func (t *tier) takeKey(n *Namespace, k string, d key) {
	if !t.on || !t.filter.has(d) {
		return
	}
	t.mu.Lock()
	if e := t.in.get(d); e != nil && e.ns == n && e.key == k {
		t.drop(e, d)
	}
	t.mu.Unlock()
}

// The reclaimer's pace in the tier: a tick visits held/reclaimSpan of its
// entries (at least reclaimLeast), from where the last one stopped, so
// that it visits them all within reclaimSpan ticks; it takes the lock for
// reclaimChunk entries at a time. A read that misses in otter takes that
// lock: a walk of a whole tier of millions of entries under it, at every
// tick, would stall such reads for as long.
const (
	reclaimSpan  = 16
	reclaimLeast = 1024
	reclaimChunk = 256
)

// reclaim drops entries whose time to live has passed at now, then what
// passes the share, and returns how many expired entries it dropped. It
// visits every entry if all is set (Store.Reclaim), and the next part of
// them at the reclaimer's pace if not.
func (t *tier) reclaim(now int64, all bool) int {
	if !t.on || t.held.Load() == 0 {
		return 0
	}
	// One walk at a time: walks that took turns at the cursor between
	// their chunks would each skip what the other passed, and a Reclaim
	// would leave expired entries that a tick with an older reading kept.
	t.walk.Lock()
	defer t.walk.Unlock()
	held := int(t.held.Load())
	budget := held
	if !all {
		budget = max(held/reclaimSpan, reclaimLeast)
	}
	t.mu.Lock()
	if all || budget >= held || t.cursor == &t.ring {
		t.cursor = nil
	}
	t.mu.Unlock()
	dropped := 0
	for budget > 0 {
		t.mu.Lock()
		e := t.cursor
		if e == nil {
			e = t.ring.newer
		}
		for n := 0; n < reclaimChunk && budget > 0 && e != &t.ring; n++ {
			budget--
			next := e.newer
			if t.s.expiredBy(e, now) {
				t.drop(e, t.s.digest(e.ns.id, e.key))
				t.s.expired.Add(1)
				dropped++
			}
			e = next
		}
		t.cursor = e
		end := e == &t.ring
		if end {
			t.cursor = nil // the next tick starts at the oldest again
		}
		t.mu.Unlock()
		if end {
			break
		}
	}
	t.mu.Lock()
	t.trim()
	t.mu.Unlock()
	return dropped
}

// empty drops every entry and ghost.
func (t *tier) empty() {
	if !t.on {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for t.ring.newer != &t.ring {
		e := t.ring.newer
		t.drop(e, t.s.digest(e.ns.id, e.key))
	}
	t.cursor = nil
	t.ghosts.reset()
	t.filter.reset()
}
