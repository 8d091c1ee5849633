package memstore

import "time"

// clock is the store's time source, in Unix nanoseconds, as otter reads
// it. It delivers no ticks: the store's reclaimer does otter's periodic
// clean-up, so otter starts no goroutine of its own.
type clock struct {
	start     time.Time // set for the system clock: readings are monotonic from it
	startNano int64
	nowFn     func() time.Time
}

func newClock(now func() time.Time) clock {
	if now != nil {
		return clock{nowFn: now}
	}
	t := time.Now()
	return clock{start: t, startNano: t.UnixNano()}
}

// NowNano returns the time in Unix nanoseconds.
func (c clock) NowNano() int64 {
	if c.nowFn != nil {
		return c.nowFn().UnixNano()
	}
	return c.startNano + int64(time.Since(c.start))
}

// Tick returns nil: no ticks.
func (clock) Tick(time.Duration) <-chan time.Time { return nil }

func (c clock) now() time.Time {
	if c.nowFn != nil {
		return c.nowFn()
	}
	return time.Now()
}
