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
	// probeUntil is when the probe in flight, if any, is given up on
	// (Unix nanoseconds; 0 when none is): a probe whose outcome is never
	// reported, because the backend or an observer panicked, say, lets
	// another call probe one cooldown later instead of keeping the
	// breaker open for good.
	probeUntil atomic.Int64
}

// allow reports whether a call may use the backend.
func (b *breaker) allow() bool {
	if until := b.openUntil.Load(); until != 0 {
		return b.allowOpen(until)
	}
	return true
}

// allowOpen is allow while the breaker is open until until: once that
// has passed, it lets one call through to probe the backend.
func (b *breaker) allowOpen(until int64) bool {
	now := b.cfg.now().UnixNano()
	if now < until {
		return false
	}
	lease := b.probeUntil.Load()
	if lease != 0 && now < lease {
		return false
	}
	return b.probeUntil.CompareAndSwap(lease, max(addSaturated(now, b.cfg.cooldown), 1))
}

// success records a backend operation that worked.
func (b *breaker) success() {
	if b.failures.Load() != 0 {
		b.failures.Store(0)
	}
	if b.openUntil.Load() != 0 {
		b.openUntil.Store(0)
		b.probeUntil.Store(0)
	}
}

// failure records a backend operation that failed.
func (b *breaker) failure() {
	if b.failures.Add(1) >= b.cfg.threshold {
		b.openUntil.Store(addSaturated(b.cfg.now().UnixNano(), b.cfg.cooldown))
		b.probeUntil.Store(0)
	}
}

// abandon records an operation that ended for the caller's reasons (its
// context was done), which says nothing about the backend.
func (b *breaker) abandon() {
	b.probeUntil.Store(0)
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
