package cachetoolz

import (
	"sync/atomic"

	"github.com/cachetoolz/cachetoolz/internal/stripe"
	"github.com/cachetoolz/cachetoolz/memory"
)

// Stats counts what happened in one namespace of a cache.
type Stats struct {
	// Hits counts calls answered from the cache: LocalHits and RemoteHits,
	// and the hits of the memory backend.
	Hits uint64
	// LocalHits counts calls answered from the local tier (Config.Local).
	LocalHits uint64
	// RemoteHits counts calls answered by a backend other than the memory
	// backend (not by its local tier); zero on the memory backend.
	RemoteHits uint64
	// Misses counts calls that found nothing cached, or only a stale value
	// (see Options.MaxStale).
	Misses uint64
	// Loads counts runs of wrapped functions: fewer than Misses when
	// concurrent misses on one key share a run.
	Loads uint64
	// Errors counts backend and codec failures, and calls whose arguments
	// could not be made into a key. Each one made a call run its function
	// instead of using the cache; none failed a call.
	Errors uint64
	// Mismatches counts cached entries that could not be served: stored for
	// another result type or Options.Version (by another deploy, say), or
	// not decoding exactly into the result type. Each was treated as a
	// miss, and the load that followed overwrote it.
	Mismatches uint64
	// Evictions counts entries the memory backend removed to make room for
	// others (not expired or cleared ones). Backends that evict on their
	// own, as Redis does under maxmemory, do not report here.
	Evictions uint64
	// Stale counts calls answered with a stale value (see
	// Options.MaxStale) because a load failed, passed a timeout, or failed
	// shortly before.
	Stale uint64
	// Refreshes counts early refreshes started (see Options.EarlyRefresh).
	Refreshes uint64
	// Invalidations counts the reports of changes made in other processes
	// (see Tracker) that touched the namespace's local tier: a changed
	// entry, a clear, or the loss of the reports, which touches every
	// namespace.
	Invalidations uint64
	// BreakerOpen tells whether the namespace's circuit breaker is open:
	// calls skip the backend until it lets a probe through.
	BreakerOpen bool
}

// HitRatio returns Hits / (Hits + Misses), or 0 before any call.
func (s Stats) HitRatio() float64 {
	if s.Hits+s.Misses == 0 {
		return 0
	}
	return float64(s.Hits) / float64(s.Hits+s.Misses)
}

// Stats returns the counters of every namespace that a function wrapped
// with the cache uses.
func (c *Cache) Stats() map[string]Stats {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make(map[string]Stats, len(c.namespaces))
	_, onMemory := c.backend.(*memory.Backend)
	for name, n := range c.namespaces {
		s := n.stats.snapshot()
		s.BreakerOpen = n.breakerOpen()
		if n.mem != nil {
			s.Evictions = n.mem.Evictions()
		}
		if !onMemory {
			s.RemoteHits = s.Hits - s.LocalHits
		}
		out[name] = s
	}
	return out
}

// counters are a namespace's counters. Hits, the hot ones, are striped over
// cells that goroutines choose by their stacks, so that parallel hits seldom
// fight over one cache line.
type counters struct {
	hits   stripe.Counter // the backend's
	local  stripe.Counter // the local tier's
	misses atomic.Uint64
	loads  atomic.Uint64
	errors atomic.Uint64

	mismatches atomic.Uint64
	stale      atomic.Uint64
	refreshes  atomic.Uint64

	invalidations atomic.Uint64
}

func (c *counters) hit() { c.hits.Add() }

func (c *counters) localHit() { c.local.Add() }

func (c *counters) snapshot() Stats {
	var s Stats
	s.LocalHits = c.local.Load()
	s.Hits = c.hits.Load() + s.LocalHits
	s.Misses = c.misses.Load()
	s.Loads = c.loads.Load()
	s.Errors = c.errors.Load()
	s.Mismatches = c.mismatches.Load()
	s.Stale = c.stale.Load()
	s.Refreshes = c.refreshes.Load()
	s.Invalidations = c.invalidations.Load()
	return s
}
