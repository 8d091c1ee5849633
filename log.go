package cachetoolz

import (
	"log/slog"
	"sync/atomic"
	"time"
)

// op is a kind of operation that can go wrong; each kind has its own log
// limit, so that a stream of one kind never hides another.
type op uint8

const (
	opGet op = iota
	opSet
	opEncode
	opMismatch
	opKey
	opClear
	opPanic
	opLock
	numOps
)

var opNames = [numOps]string{"get", "set", "encode", "mismatch", "key", "clear", "panic", "lock"}

// opMessages say what each kind of trouble means for the call.
var opMessages = [numOps]string{
	opGet:      "cachetoolz: cache unavailable, calling the function instead",
	opSet:      "cachetoolz: result not cached: the backend refused it",
	opEncode:   "cachetoolz: result not cached: the codec refused it",
	opMismatch: "cachetoolz: cached entry unusable, calling the function and overwriting it",
	opKey:      "cachetoolz: arguments cannot be keyed, calling the function uncached",
	opClear:    "cachetoolz: clear failed",
	opPanic:    "cachetoolz: a function panicked after every caller had left",
	opLock:     "cachetoolz: load lock unavailable, calling the function without it",
}

func (o op) String() string { return opNames[o] }

// logLimiter lets one message through per second and counts the rest, so
// that an outage is logged once per burst rather than once per call.
type logLimiter struct {
	last       atomic.Int64
	suppressed atomic.Int64
}

// allow reports whether a message may be logged now, and how many were
// suppressed since the last one.
func (l *logLimiter) allow(now int64) (bool, int64) {
	last := l.last.Load()
	if now-last < int64(time.Second) || !l.last.CompareAndSwap(last, now) {
		l.suppressed.Add(1)
		return false, 0
	}
	return true, l.suppressed.Swap(0)
}

// trouble counts a failure in namespace n (nil for a namespace this cache
// has no state for, named name) and logs it, at most once per second for
// each kind of operation.
func (c *Cache) trouble(n *namespace, name string, o op, err error) {
	breakerOpen := false
	if n != nil {
		if o == opMismatch {
			n.stats.mismatches.Add(1)
		} else {
			n.stats.errors.Add(1)
		}
		breakerOpen = n.breakerOpen()
	}
	ok, suppressed := c.logs[o].allow(time.Now().UnixNano())
	if !ok {
		return
	}
	c.cfg.Logger.Warn(opMessages[o],
		slog.String("op", o.String()),
		slog.String("namespace", name),
		slog.Any("err", err),
		slog.Int64("suppressed", suppressed),
		slog.Bool("breaker_open", breakerOpen))
}
