package memstore

import "time"

// clock is the store's time source, in Unix nanoseconds, as otter reads
// it, and the ticks of otter's periodic clean-up, every interval.
type clock struct {
	interval  time.Duration
	start     time.Time // set for the system clock: readings are monotonic from it
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

// NowNano returns the time in Unix nanoseconds.
func (c clock) NowNano() int64 {
	if c.nowFn != nil {
		return c.nowFn().UnixNano()
	}
	return c.startNano + int64(time.Since(c.start))
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
