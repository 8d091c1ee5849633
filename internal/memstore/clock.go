package memstore

import (
	"sync"
	"sync/atomic"
	"time"
)

// clock is the store's time source, in Unix nanoseconds, as otter reads
// it, and the ticks of otter's periodic clean-up, every interval.
type clock struct {
	interval  time.Duration
	start     time.Time // set for the system clock: readings count from it
	startNano int64
	nowFn     func() time.Time
}

func newClock(now func() time.Time, interval time.Duration) clock {
	if now != nil {
		return clock{nowFn: now, interval: interval}
	}
	t := time.Now()
	return clock{start: t, startNano: t.UnixNano(), interval: interval}
}

// NowNano returns the time in Unix nanoseconds. A hit on an entry with a
// time to live reads it: it takes the clock by pointer, and the system
// clock first.
func (c *clock) NowNano() int64 {
	if now, ok := c.system(); ok {
		return now
	}
	return c.nowFn().UnixNano()
}

// system returns the system clock's reading, and whether c is the system
// clock (if not, the reading means nothing). Unlike NowNano it is inlined,
// into a hit's test of a time to live.
//
// The reading is the time since the store was made, by time.Since, which
// reads the monotonic clock alone, and follows a synctest bubble's time
// when the calling goroutine is in one, wherever the store was made: a
// reading of the runtime's clock without that test would serve, in a
// bubble, entries whose time to live has passed in the bubble's time.
func (c *clock) system() (int64, bool) {
	return c.startNano + int64(time.Since(c.start)), c.nowFn == nil
}

// Tick returns ticks every interval, whatever otter asks for. otter
// cannot stop them; the ticker is collected once otter's goroutine, which
// StopAllGoroutines ends, drops it.
func (c clock) Tick(time.Duration) <-chan time.Time { return time.NewTicker(c.interval).C }

func (c clock) now() time.Time {
	if c.nowFn != nil {
		return c.nowFn()
	}
	return time.Now()
}

// readClock is the clock otter reads. Otter asks for the time on every
// read, to test the entry's expiry; a read of the system clock is a fifth
// of a hit. readClock answers with the last reading the store took
// instead, and the store takes a fresh one where precision matters:
// before every write (otter computes the expiry from it) and on every tick
// of otter's clean-up, so that the timer wheel advances. A read of an entry
// that has a time to live tests that entry's expiry again against the
// system clock, so a stale reading never serves an expired entry; a hit on
// an entry without one reads no clock at all.
type readClock struct {
	c    clock
	last atomic.Int64
	stop <-chan struct{}
	tick func() // runs at every tick, after the reading
	// running counts the goroutines Tick started, for Close to wait for.
	// otter calls Tick from its clean-up goroutine, which
	// StopAllGoroutines waits for: every Add comes before Close's Wait.
	running sync.WaitGroup
}

// NowNano returns the last reading taken.
func (r *readClock) NowNano() int64 { return r.last.Load() }

// refresh takes a fresh reading, records it, and returns it.
func (r *readClock) refresh() int64 {
	now := r.c.NowNano()
	for {
		old := r.last.Load()
		if now <= old || r.last.CompareAndSwap(old, now) {
			return now
		}
	}
}

// Tick returns ticks every interval, each after a fresh reading and a run
// of tick (the store drops its tier's expired entries), until the store
// stops.
func (r *readClock) Tick(time.Duration) <-chan time.Time {
	out := make(chan time.Time)
	t := time.NewTicker(r.c.interval)
	r.running.Add(1)
	go func() {
		defer r.running.Done()
		defer t.Stop()
		for {
			select {
			case at := <-t.C:
				r.refresh()
				if r.tick != nil {
					r.tick()
				}
				select {
				case out <- at:
				case <-r.stop:
					return
				}
			case <-r.stop:
				return
			}
		}
	}()
	return out
}
