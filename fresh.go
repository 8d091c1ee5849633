package cachetoolz

import (
	"math"
	"math/rand/v2"
	"time"
)

// freshness is what a wrap's freshness options ask for. A wrapper whose
// options are all off has none, and its calls take the usual paths.
type freshness struct {
	beta     float64       // Options.EarlyRefresh
	maxStale time.Duration // Options.MaxStale
	retry    time.Duration // Options.StaleRetry
	soft     time.Duration // Options.SoftTimeout
	hard     time.Duration // Options.HardTimeout
}

// newFreshness returns the freshness of a wrap with options o, nil when
// they are all off.
func newFreshness(o *Options) *freshness {
	if o.EarlyRefresh == 0 && o.MaxStale == 0 && o.SoftTimeout == 0 && o.HardTimeout == 0 {
		return nil
	}
	return &freshness{beta: o.EarlyRefresh, maxStale: o.MaxStale, retry: o.StaleRetry, soft: o.SoftTimeout, hard: o.HardTimeout}
}

// needsMeta reports whether entries must carry their load time and expiry.
func (f *freshness) needsMeta() bool {
	return f != nil && (f.beta > 0 || f.maxStale > 0)
}

// meta is what an entry knows about its freshness, on every backend: how
// long its load took, and when it stops being fresh.
type meta struct {
	delta  int64 // the load's duration, in nanoseconds
	expiry int64 // Unix nanoseconds by Config.Now; zero: never
}

// freshEntry is what the memory backend keeps for a wrapper whose entries
// carry metadata: the value beside it.
type freshEntry[R any] struct {
	val R
	meta
}

// state is where an entry stands at a moment.
type state uint8

const (
	fresh   state = iota // a hit
	refresh              // a hit that starts an early refresh
	stale                // past its TTL, within MaxStale: a fallback only
	dead                 // past MaxStale too: a miss
)

// judge tells where an entry with metadata m stands at now (Unix
// nanoseconds). Early refreshes are drawn only when early is true.
func (f *freshness) judge(now int64, m meta, early bool) state {
	if m.expiry == 0 {
		return fresh
	}
	if now < m.expiry {
		if early && f.beta > 0 && xfetch(now, m, f.beta) {
			return refresh
		}
		return fresh
	}
	if now-m.expiry < int64(f.maxStale) {
		return stale
	}
	return dead
}

// xfetch draws whether a hit at now refreshes the entry early: it does when
// now - delta*beta*ln(rand) >= expiry, rand uniform in (0, 1].
func xfetch(now int64, m meta, beta float64) bool {
	gap := float64(m.expiry - now)
	scale := float64(m.delta) * beta
	// -ln(rand) is below 40 for every float64 rand.Float64 returns but
	// zero: far from expiry, no draw is needed.
	if gap > 40*scale {
		return false
	}
	return -math.Log(rand.Float64())*scale >= gap
}

// newMeta is the metadata of a value whose load began at start and ended at
// end (Unix nanoseconds), for a wrap with time to live ttl.
func newMeta(start, end int64, ttl time.Duration) meta {
	m := meta{delta: max(end-start, 0)}
	if ttl > 0 {
		m.expiry = satAdd(end, int64(ttl))
	}
	return m
}

// satAdd returns a+b, or math.MaxInt64 if that overflows (b >= 0).
func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// physicalTTL is how long a backend keeps an entry of a wrap: its TTL, and
// MaxStale past it for a fallback.
func (w *wrapper[R]) physicalTTL() time.Duration {
	if w.ttl <= 0 || w.fresh == nil {
		return w.ttl
	}
	return min(w.ttl+w.fresh.maxStale, MaxTTL)
}

// nowNano reads the cache's clock for freshness.
func (w *wrapper[R]) nowNano() int64 { return w.c.cfg.Now().UnixNano() }
