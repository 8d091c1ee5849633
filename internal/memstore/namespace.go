package memstore

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// Namespace is one namespace of a Store. Its entries live in the store's
// shared cache under keys that carry the namespace's identity, and are also
// linked into the namespace's own list, so that a clear visits them and no
// other entry.
type Namespace struct {
	// Read by every hit, and written by a clear only; padded on both
	// sides so that no cache line holds them and data that stores write
	// (here or in a neighbouring object).
	_     [64]byte
	store *Store
	id    uint64
	name  string
	gen   atomic.Uint64

	// What follows changes with every store and eviction: kept off the
	// cache lines that hits read, so that stores on one processor do not
	// slow hits on the others.
	_         [64]byte
	evictions atomic.Uint64
	sets      atomic.Uint64 // entries that reached the cache: see Sets
	mu        sync.Mutex    // guards the list, count, pinned and dead
	head      *entry        // the namespace's entries, most recently stored first
	count     int
	pinned    bool // handed out by Store.Namespace: never dropped
	dead      bool // dropped from the store while empty: a store must look again
}

// entry is one cached value. Every field but the links and mark is set
// before the entry is published and never changes. It is kept to 96 bytes,
// a size class of the allocator: every miss allocates one, and the
// collector scans every one the store holds. Its place in the cache,
// Store.digest(ns.id, key), is computed again where it is needed rather
// than kept.
type entry struct {
	ns      *Namespace
	key     string
	value   any
	gen     uint64 // the namespace's generation when stored
	expires int64  // Unix nanoseconds; 0: never
	weight  uint32
	// The tier's clock when the entry was stored, until it enters the
	// tier; there, its mark bits, guarded by the tier's mu.
	mark uint32

	// In ns's list while it is the list's head or has a predecessor;
	// guarded by ns.mu.
	prev, next *entry
	// In the tier's ring while set; guarded by the tier's mu.
	older, newer *entry
}

// Name returns the namespace's name.
func (n *Namespace) Name() string { return n.name }

// Generation returns the namespace's current generation.
func (n *Namespace) Generation() uint64 { return n.gen.Load() }

// Sets returns how many entries were stored in the namespace, counted once
// each is in the cache. A Get that missed after a reading of Sets finds
// nothing more when looked again while Sets and Generation still read the
// same: every store it could find has been counted since.
func (n *Namespace) Sets() uint64 { return n.sets.Load() }

// Evictions returns how many of the namespace's entries were evicted to keep
// the store within its bound.
func (n *Namespace) Evictions() uint64 { return n.evictions.Load() }

// Get returns the live value under key, or the namespace's generation and
// false on a miss. It does not retain key and does not allocate. A key
// otter does not hold is looked up in the store's recency tier.
func (n *Namespace) Get(k []byte) (value any, gen uint64, ok bool) {
	// The string aliases k only for the lookup, which neither keeps it nor
	// lets it escape.
	ks := unsafe.String(unsafe.SliceData(k), len(k))
	d := n.store.digest(n.id, ks)
	e, ok := n.store.cache.GetIfPresent(d)
	if ok && n.store.heldSeq.Load() != 0 {
		n.store.releaseHeld()
	}
	// The entry may be another key's with the same digest: the namespace
	// and key are compared. Otter tested the expiry against a reading that
	// may be stale; an entry with a time to live is tested again against a
	// fresh one.
	if ok && e.ns == n && sameKey(e.key, ks) && e.gen == n.gen.Load() &&
		(e.expires == 0 || n.store.clock.NowNano() < e.expires) {
		return e.value, 0, true
	}
	if v, ok := n.store.tier.get(n, ks, d); ok {
		return v, 0, true
	}
	return nil, n.gen.Load(), false
}

// GetCounted is Get that returns, on a miss, Sets as read before the
// lookup too. (Its test of the entry is Get's, written out again: as a
// function of its own it is not inlined, which costs a hit more than it
// saves.)
func (n *Namespace) GetCounted(k []byte) (value any, gen, sets uint64, ok bool) {
	sets = n.sets.Load()
	ks := unsafe.String(unsafe.SliceData(k), len(k))
	d := n.store.digest(n.id, ks)
	e, ok := n.store.cache.GetIfPresent(d)
	if ok && n.store.heldSeq.Load() != 0 {
		n.store.releaseHeld()
	}
	if ok && e.ns == n && sameKey(e.key, ks) && e.gen == n.gen.Load() {
		if e.expires == 0 {
			return e.value, 0, 0, true
		}
		now, sys := n.store.clock.system() // NowNano, but inlined
		if !sys {
			now = n.store.clock.NowNano()
		}
		if now < e.expires {
			return e.value, 0, 0, true
		}
	}
	if v, ok := n.store.tier.get(n, ks, d); ok {
		return v, 0, 0, true
	}
	return nil, n.gen.Load(), sets, false
}

// GetString is Get with a string key.
func (n *Namespace) GetString(k string) (value any, gen uint64, ok bool) {
	return n.Get(unsafe.Slice(unsafe.StringData(k), len(k)))
}

// Len returns the number of entries the namespace holds, expired ones not
// yet reclaimed included.
func (n *Namespace) Len() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.count
}

// link adds e to the namespace's list if the namespace is still at
// generation gen and alive. The caller holds n.mu.
func (n *Namespace) link(e *entry) {
	e.next = n.head
	if n.head != nil {
		n.head.prev = e
	}
	n.head = e
	n.count++
	n.store.count.Add(1)
}

// unlink removes e from the list if it is there and reports whether the
// namespace is now empty. The caller holds n.mu.
func (n *Namespace) unlink(e *entry) (empty bool) {
	if e.prev == nil && n.head != e {
		return false // not in the list
	}
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		n.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	}
	e.prev, e.next = nil, nil
	n.count--
	n.store.count.Add(-1)
	return n.count == 0
}

// detach empties the list and returns its former entries, still chained by
// next (with no predecessors, so that none is taken for a member of the
// list). The caller holds n.mu.
func (n *Namespace) detach() *entry {
	head := n.head
	for e := head; e != nil; e = e.next {
		e.prev = nil
	}
	n.head = nil
	n.store.count.Add(-int64(n.count))
	n.count = 0
	return head
}
