package cachetoolz

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"sync/atomic"
	"time"

	"github.com/cachetoolz/cachetoolz/internal/memstore"
	"github.com/cachetoolz/cachetoolz/memory"
)

// The number of change counters of a local tier is a power of two, about
// twice the entries its bound allows, within these limits. A change to one
// key, reported or made by this process, makes the local entries of the
// keys that share its counter miss once: about half an entry besides its
// own when the tier is full, whatever its size (below the largest count,
// 32 MB of counters).
const (
	minNearStripes = 1 << 13
	maxNearStripes = 1 << 22
)

// nearStripeCount returns the number of change counters for a local tier
// with options o: the next power of two at or above twice its bound in
// entries (with MaxBytes, one entry per 128 bytes), within minNearStripes
// and maxNearStripes.
func nearStripeCount(o *memory.Options) int {
	entries := int64(o.MaxEntries)
	switch {
	case o.MaxBytes > 0:
		entries = o.MaxBytes / 128
	case entries <= 0:
		entries = memory.DefaultMaxEntries
	}
	n := int64(minNearStripes)
	for n < 2*entries && n < maxNearStripes {
		n <<= 1
	}
	return int(n)
}

// near is a cache's local tier (Config.Local): decoded values of a remote
// backend's entries, kept coherent with other processes by what the
// backend's Tracker reports.
//
// An entry is valid while two counters still hold what they held before
// the remote read it came from: its namespace's generation in the store
// (advanced by a Cleared or Lost report, and by Cache.Clear) and the
// counter of its stripe (advanced by a Changed report of any key that
// hashes to it, and by this process's own stores and removals of such a
// key). A report that arrives between the read and the insert
// therefore kills the entry as surely as one that arrives later, with no
// map from backend keys back to the local ones.
type near struct {
	store   *memstore.Store
	closer  *memory.Backend // owns store
	ttl     TTLGetter
	seed    maphash.Seed
	stripes []atomic.Uint64 // a power of two of them: see nearStripeCount
	c       *Cache          // for the namespaces that reports name
}

// errNearOnMemory is New's error for a local tier over the memory backend.
var errNearOnMemory = errors.New("cachetoolz: Config.Local is for remote backends: the memory backend keeps Go values already")

// nearEntry is what the local tier keeps under a call's key: the value,
// the counter of its stripe as it was before the remote read, and the
// header of the wrapper that kept it, so that a wrapper with the same
// identity and another Options.Version (or freshness format) does not
// take it, as it would not take the remote entry.
type nearEntry[R any] struct {
	val    R
	stripe uint32
	hdr    header
	seq    uint64
}

// value returns the result the entry holds, for a Weigher.
func (e *nearEntry[R]) value() any { return e.val }

// nearWeigher returns the Weigher of a local tier bounded by MaxBytes: w
// (memory.EstimateSize if nil) given the result an entry holds, as the
// memory backend gives it, not the entry that wraps it.
func nearWeigher(w func(key string, value any) int64) func(string, any) int64 {
	if w == nil {
		w = memory.EstimateSize
	}
	return func(key string, v any) int64 {
		if e, ok := v.(interface{ value() any }); ok {
			v = e.value()
		}
		return w(key, v)
	}
}

// nearSnap is the state of the local tier before a remote read, which an
// entry made from that read is kept under.
type nearSnap struct {
	gen    uint64 // the namespace's generation in the local store
	seq    uint64 // the stripe's counter
	start  int64  // the local store's clock, in Unix nanoseconds
	stripe uint32
}

// newNear builds the local tier of cache c on backend b, with options o,
// and starts b's reports.
func newNear(c *Cache, b Backend, o *memory.Options) (*near, error) {
	if _, isMem := b.(*memory.Backend); isMem {
		return nil, errNearOnMemory
	}
	tr, isTracker := b.(Tracker)
	tg, isTTL := b.(TTLGetter)
	if !isTracker || !isTTL {
		return nil, fmt.Errorf("cachetoolz: Config.Local needs a backend that implements Tracker and TTLGetter, and %T does not", b)
	}
	if o.Isolate {
		return nil, errors.New("cachetoolz: Config.Local.Isolate cannot take effect: the local tier keeps the values its calls return")
	}
	if o.Clock != nil {
		return nil, errors.New("cachetoolz: Config.Local.Clock cannot take effect: the local tier reads Config.Now")
	}
	lo := *o
	if c.userNow {
		lo.Clock = memory.ClockFunc(c.cfg.Now)
	}
	if lo.MaxBytes > 0 {
		lo.Weigher = nearWeigher(lo.Weigher)
	}
	m, err := memory.New(&lo)
	if err != nil {
		return nil, fmt.Errorf("cachetoolz: Config.Local: %w", err)
	}
	nr := &near{store: memstore.FromBackend(m), closer: m, ttl: tg, seed: maphash.MakeSeed(), c: c,
		stripes: make([]atomic.Uint64, nearStripeCount(o))}
	if err := tr.Track(nearSink{nr}); err != nil {
		_ = m.Close()
		return nil, fmt.Errorf("cachetoolz: Config.Local: tracking changes: %w", err)
	}
	return nr, nil
}

// stripe returns the index of the change counter of key in namespace ns.
func (nr *near) stripe(ns, key string) uint32 {
	h := maphash.String(nr.seed, key) ^ maphash.String(nr.seed, ns)*0x9e3779b97f4a7c15
	return uint32(h & uint64(len(nr.stripes)-1))
}

// snap returns the state to keep an entry of key (the backend key) in n
// under, read before the remote read that the entry comes from.
func (nr *near) snap(n *namespace, key string) nearSnap {
	i := nr.stripe(n.name, key)
	return nearSnap{gen: n.local.Generation(), stripe: i, seq: nr.stripes[i].Load(), start: nr.store.NowNano()}
}

// changed kills the local entries of key in namespace ns.
func (nr *near) changed(ns, key string) {
	nr.stripes[nr.stripe(ns, key)].Add(1)
}

// clear empties the local tier of the given namespaces and kills every
// entry whose read was under way.
func (nr *near) clear(names ...string) { nr.store.Clear(names...) }

// nearSink is what a tracking backend reports to.
type nearSink struct{ nr *near }

// Changed kills the local entry of key in namespace.
func (s nearSink) Changed(namespace, key string) {
	s.nr.changed(namespace, key)
	s.nr.c.invalidated(namespace)
}

// Cleared empties namespace's local tier.
func (s nearSink) Cleared(namespace string) {
	s.nr.clear(namespace)
	s.nr.c.invalidated(namespace)
}

// Lost empties the whole local tier.
func (s nearSink) Lost() {
	c := s.nr.c
	c.mu.RLock()
	names := make([]string, 0, len(c.namespaces))
	for name, n := range c.namespaces {
		names = append(names, name)
		n.stats.invalidations.Add(1)
	}
	c.mu.RUnlock()
	// Namespaces made since the names were taken hold nothing older.
	s.nr.clear(names...)
}

// invalidated counts a report that touched namespace name.
func (c *Cache) invalidated(name string) {
	if n := c.lookupNamespace(name); n != nil {
		n.stats.invalidations.Add(1)
	}
}

// nearHit returns the local tier's value under key, if it holds a valid one
// for R.
func (w *wrapper[R]) nearHit(key []byte) (r R, ok bool) {
	v, _, hit := w.local.Get(key)
	if !hit {
		return r, false
	}
	e, isR := v.(*nearEntry[R])
	if !isR || e.hdr != w.header || w.c.near.stripes[e.stripe].Load() != e.seq {
		return r, false
	}
	w.ns.stats.localHit()
	return e.val, true
}

// keepNear keeps r, read or stored remotely under snapshot s, in the local
// tier under key until life nanoseconds past s.start (zero: as long as the
// remote entry, which never expires).
func (w *wrapper[R]) keepNear(key string, r R, s *nearSnap, life int64) {
	var until int64
	if life > 0 {
		until = satAdd(s.start, life)
	}
	nr := w.c.near
	if nr.stripes[s.stripe].Load() != s.seq {
		return // changed since the read
	}
	nr.store.SetUntil(w.local, key, &nearEntry[R]{val: r, stripe: s.stripe, hdr: w.header, seq: s.seq}, until, s.gen)
}

// forget removes the local entry under key (the backend key bkey) of n,
// and kills one that a read under way would keep.
func (nr *near) forget(n *namespace, key, bkey string) {
	nr.changed(n.name, bkey)
	nr.store.Delete(n.local, key)
}

// nearGet is lookupRemote's Get with a local tier: it takes the tier's
// snapshot into p.near first, and asks for the entry's time to live too.
func (w *wrapper[R]) nearGet(ctx context.Context, p *probe) (data []byte, gen uint64, life time.Duration, err error) {
	n, nr := w.ns, w.c.near
	p.near = nr.snap(n, p.key)
	return nr.ttl.GetTTL(ctx, n.name, p.key)
}

// keepRead keeps r, which a remote read under snapshot s found with time
// to live life (zero: none) and metadata m, in the local tier under key.
func (w *wrapper[R]) keepRead(key []byte, r R, s *nearSnap, life time.Duration, m meta) {
	if l, ok := w.nearLife(life, m); ok {
		w.keepNear(string(key), r, s, l)
	}
}

// storeNear is store on a remote backend with a local tier: once the
// backend has taken r, the tier keeps it for the wrap's TTL, measured from
// before the backend's Set.
//
// A backend need not report the changes made through itself, so the store
// does its own report: it advances the key's stripe once the Set has
// returned, which kills what a read of this process that began before the
// Set would keep. The stripe is read before the Set, and advanced from
// that reading by a compare-and-swap: if it fails, a report came during
// the Set, and r is not kept. (The namespace's generation is the one read
// before the load's remote read, so that a Clear since then kills r.) A
// Set that failed may still have stored (one that timed out, say): it
// advances the stripe too.
func (w *wrapper[R]) storeNear(ctx context.Context, key string, r R, p probe, m meta) {
	nr := w.c.near
	s := p.near
	s.stripe = nr.stripe(w.ns.name, p.key)
	s.seq = nr.stripes[s.stripe].Load()
	s.start = nr.store.NowNano()
	if !w.storeRemote(ctx, r, p, m) || !nr.stripes[s.stripe].CompareAndSwap(s.seq, s.seq+1) {
		nr.stripes[s.stripe].Add(1)
		return
	}
	s.seq++
	if l, ok := w.nearLife(w.ttl, m); ok {
		w.keepNear(key, r, &s, l)
	}
}

// nearLife is how long past its snapshot a local entry may live, in
// nanoseconds (zero: no limit), whose remote entry has life left (zero:
// no limit) and metadata m: with freshness metadata, no longer than the
// entry stays fresh, so that the local tier never serves a value that
// is to be refreshed. It reports false if the entry is not fresh now.
func (w *wrapper[R]) nearLife(life time.Duration, m meta) (int64, bool) {
	l := int64(life)
	if w.metaOK() && m.expiry != 0 {
		// Measured now, after the snapshot: shorter than from it.
		left := m.expiry - w.nowNano()
		if left <= 0 {
			return 0, false
		}
		if l == 0 || left < l {
			l = left
		}
	}
	return l, true
}
