package cachetoolz

import (
	"sync/atomic"
	"time"
)

// breaker is a circuit breaker around a backend: after threshold failures
// in a row it opens, and calls skip the backend for cooldown; then one call
// probes it, and the breaker closes on success or opens again on failure.
type breaker struct {
	threshold int64
	cooldown  time.Duration
	now       func() time.Time

	failures  atomic.Int64
	openUntil atomic.Int64 // Unix nanoseconds; 0 while closed
	probing   atomic.Bool
}

func (b *breaker) init(threshold int, cooldown time.Duration, now func() time.Time) {
	b.threshold, b.cooldown, b.now = int64(threshold), cooldown, now
}

// allow reports whether a call may use the backend.
func (b *breaker) allow() bool {
	until := b.openUntil.Load()
	if until == 0 {
		return true
	}
	if b.now().UnixNano() < until {
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
	if b.failures.Add(1) >= b.threshold {
		b.openUntil.Store(b.now().Add(b.cooldown).UnixNano())
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
