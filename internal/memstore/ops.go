package memstore

import (
	"math"
	"time"

	"github.com/maypok86/otter/v2"
)

// Namespace returns the namespace called name, creating it if needed, and
// keeps it for the store's lifetime: a clear empties it but does not
// replace it, so callers may hold it. Call it once per namespace a program
// names in its code (package cachetoolz does, when wrapping); names that
// come from data go through Lookup and SetByName, whose namespaces are
// dropped once empty.
func (s *Store) Namespace(name string) *Namespace {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.names[name]
	if n == nil {
		n = s.newNamespaceLocked(name)
	}
	n.mu.Lock()
	n.pinned = true
	n.mu.Unlock()
	return n
}

// Lookup returns the namespace called name, or nil if it holds nothing and
// was never pinned by Namespace.
func (s *Store) Lookup(name string) *Namespace {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.names[name]
}

// Epoch is the generation a namespace that does not exist yet would start
// at: a Get of such a namespace reports it, and SetByName honours it.
func (s *Store) Epoch() uint64 { return s.epoch.Load() }

func (s *Store) newNamespaceLocked(name string) *Namespace {
	n := &Namespace{store: s, id: s.nextID.Add(1), name: name}
	n.gen.Store(s.epoch.Load())
	s.names[name] = n
	return n
}

// SetString stores value under key in n with the given time to live (none if
// ttl <= 0; at most MaxTTL), unless n has been cleared since generation gen
// was read or n was dropped while empty.
func (s *Store) SetString(n *Namespace, key string, value any, ttl time.Duration, gen uint64) {
	s.set(n, key, value, ttl, gen)
}

// SetByName is SetString for a namespace given by name, created if needed.
func (s *Store) SetByName(name, key string, value any, ttl time.Duration, gen uint64) {
	for {
		s.mu.Lock()
		n := s.names[name]
		if n == nil {
			if gen != s.epoch.Load() {
				s.mu.Unlock()
				return // a clear came after the read: that load must not store
			}
			n = s.newNamespaceLocked(name)
		}
		s.mu.Unlock()
		if s.set(n, key, value, ttl, gen) {
			return
		}
	}
}

// SetUntil is SetString with an expiry instead of a time to live: the
// entry expires at until, in Unix nanoseconds by the store's clock (see
// NowNano), or never if until is zero. An entry whose expiry has passed
// is not stored, and the entry it would have replaced is removed: the
// older value is not served in place of the newer one that has expired.
func (s *Store) SetUntil(n *Namespace, key string, value any, until int64, gen uint64) {
	if s.closed.Load() {
		return
	}
	if until != 0 && until <= s.reads.refresh() { // otter computes the expiry from the reading refresh took
		s.Delete(n, key)
		return
	}
	s.setEntry(&entry{ns: n, key: key, value: value, gen: gen, expires: until}, 0)
}

// NowNano returns the store's clock reading in Unix nanoseconds, as the
// expiries of SetUntil are measured.
func (s *Store) NowNano() int64 { return s.clock.NowNano() }

// set stores the entry unless the generation moved; it returns false only
// if n was dropped, for the caller to look the namespace up again.
func (s *Store) set(n *Namespace, k string, value any, ttl time.Duration, gen uint64) bool {
	return s.setEntry(&entry{ns: n, key: k, value: value, gen: gen}, ttl)
}

// setEntry is set for an entry whose namespace, key, value and generation
// are filled in, and its expiry too when ttl is zero or less.
func (s *Store) setEntry(e *entry, ttl time.Duration) bool {
	n, k, gen := e.ns, e.key, e.gen
	if s.closed.Load() {
		return true
	}
	if ttl > 0 {
		// otter computes the expiry from this reading (see expiry). An
		// entry without a time to live needs none: a reading stale by a
		// tick makes no difference to MaxTTL.
		e.expires = satAdd(s.reads.refresh(), int64(min(ttl, MaxTTL)))
	}
	if s.weigher != nil {
		e.weight = uint32(min(max(s.weigher(k, e.value), 1), math.MaxUint32))
	}
	n.mu.Lock()
	switch {
	case n.dead:
		n.mu.Unlock()
		return false
	case n.gen.Load() != gen:
		n.mu.Unlock()
		return true
	}
	n.link(e)
	n.mu.Unlock()
	s.tier.stamp(e)
	d := s.digest(n.id, k)
	s.storing.Add(1) // a pass otter asks for from here on is held (see hold)
	s.cache.Set(d, e)
	// Once the cache holds e, no older entry under d can enter the tier
	// (the cache drops one only while it holds it): one there is taken out.
	s.tier.displace(e, d)
	n.sets.Add(1)
	// A clear that advanced the generation before the entry reached the
	// cache may have missed it: remove it here. Otherwise the clear comes
	// after this load and finds the entry in the cache. The same holds of
	// a Close, which empties the cache once it has marked the store
	// closed: a closed store hears of no change any more (a local tier's
	// backend stops reporting), so an entry left in it would be served
	// for ever.
	if n.gen.Load() != gen || s.closed.Load() {
		s.remove(e)
	}
	s.storing.Add(-1)
	s.runHeldAfterStore(d)
	return true
}

// remove deletes e from the cache or the tier if it is still there.
func (s *Store) remove(e *entry) {
	d := s.digest(e.ns.id, e.key)
	s.cache.ComputeIfPresent(d, func(old *entry) (*entry, otter.ComputeOp) {
		if old == e {
			return nil, otter.InvalidateOp
		}
		return old, otter.CancelOp
	})
	// Had the cache dropped e into the tier, take finds it there: otter
	// runs deleted, which admits e, under the bucket's lock and before it
	// takes e's node out of its table, so a ComputeIfPresent that no longer
	// finds e, with or without that lock, comes after the admission.
	s.tier.take(e, d)
}

// deleted is otter's OnAtomicDeletion: it runs under the lock of the
// entry's bucket whenever an entry leaves the cache or is replaced. An
// entry dropped for size enters the tier if it takes it, and then stays
// in its namespace.
func (s *Store) deleted(ev otter.DeletionEvent[key, *entry]) {
	e := ev.Value
	switch ev.Cause {
	case otter.CauseOverflow:
		if e.gen != e.ns.gen.Load() {
			break // cleared: not an eviction (the clear's removal came too late)
		}
		if s.expiredBy(e, s.reads.NowNano()) {
			s.expired.Add(1) // its time to live had passed: an expiration
			break
		}
		if s.tier.admit(e, ev.Key) {
			return
		}
		s.evictions.Add(1)
		e.ns.evictions.Add(1)
	case otter.CauseExpiration:
		s.expired.Add(1)
	}
	s.unlink(e)
}

// expiredBy reports whether e's time to live has passed at now.
func (s *Store) expiredBy(e *entry, now int64) bool {
	return e.expires != 0 && e.expires <= now
}

// unlink takes e out of its namespace's list, and forgets the namespace if
// that left it empty and unpinned.
func (s *Store) unlink(e *entry) {
	n := e.ns
	n.mu.Lock()
	empty := n.unlink(e) && !n.pinned
	n.mu.Unlock()
	if empty {
		s.dropIfEmpty(n)
	}
}

// dropIfEmpty forgets n if it holds nothing and is not pinned, so that
// namespaces named by data do not accumulate.
func (s *Store) dropIfEmpty(n *Namespace) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.count == 0 && !n.pinned && !n.dead {
		n.dead = true
		if s.names[n.name] == n {
			delete(s.names, n.name)
		}
	}
}

// Clear empties the named namespaces and advances their generations. Its
// cost is proportional to the entries of those namespaces only; a name that
// holds nothing creates no state.
func (s *Store) Clear(names ...string) {
	for _, name := range names {
		s.clear(name)
	}
}

func (s *Store) clear(name string) {
	s.mu.Lock()
	next := s.epoch.Add(1)
	n := s.names[name]
	if n == nil {
		s.mu.Unlock()
		return
	}
	n.mu.Lock()
	n.gen.Store(next)
	head := n.detach()
	if !n.pinned {
		n.dead = true
		delete(s.names, name)
	}
	n.mu.Unlock()
	s.mu.Unlock()
	if s.closed.Load() {
		return
	}
	for e := head; e != nil; e = e.next {
		s.remove(e)
	}
}

// satAdd returns a+b, or math.MaxInt64 if that overflows (b >= 0).
func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}
