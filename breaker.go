package cachetoolz

import (
	"math"
	"sync/atomic"
	"time"
)

// breakerConfig is what every breaker of a cache shares.
type breakerConfig struct {
	threshold int64
	cooldown  time.Duration
	now       func() time.Time
}

// breaker is a circuit breaker around one namespace's use of a backend:
// after threshold failures in a row it opens, and calls in that namespace
// skip the backend for cooldown; then one call probes it, and the breaker
// closes on success or opens again on failure. Each namespace has its own,
// so that one namespace's trouble (bad data, a Cluster master that is
// down) never switches the backend off for the others.
type breaker struct {
	cfg *breakerConfig

	failures  atomic.Int64
	openUntil atomic.Int64 // Unix nanoseconds; 0 while closed
	probing   atomic.Bool
}

// allow reports whether a call may use the backend.
func (b *breaker) allow() bool {
	until := b.openUntil.Load()
	if until == 0 {
		return true
	}
	if b.cfg.now().UnixNano() < until {
		return false
	}
	return b.probing.CompareAndSwap(false, true)
}

// success records a backend operation that worked.
func (b *breaker) success() {
	if b.failures.Load() != 0 {
		b.failures.Store(0)
	}
	if b.openUntil.Load() != 0 {
		b.openUntil.Store(0)
		b.probing.Store(false)
	}
}

// failure records a backend operation that failed.
func (b *breaker) failure() {
	if b.failures.Add(1) >= b.cfg.threshold {
		b.openUntil.Store(addSaturated(b.cfg.now().UnixNano(), b.cfg.cooldown))
		b.probing.Store(false)
	}
}

// abandon records an operation that ended for the caller's reasons (its
// context was done), which says nothing about the backend.
func (b *breaker) abandon() {
	b.probing.Store(false)
}

// open reports whether the breaker is open.
func (b *breaker) open() bool { return b.openUntil.Load() != 0 }

// addSaturated returns t+d, held at the largest int64 instead of wrapping
// around.
func addSaturated(t int64, d time.Duration) int64 {
	if d > 0 && t > math.MaxInt64-int64(d) {
		return math.MaxInt64
	}
	return t + int64(d)
}
