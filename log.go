package cachetoolz

import (
	"log/slog"
	"sync/atomic"
	"time"
)

// logLimiter lets one message through per second and counts the rest, so
// that an outage is logged once per burst rather than once per call.
type logLimiter struct {
	last       atomic.Int64
	suppressed atomic.Int64
}

// trouble counts a backend or codec failure in n and logs it, rate-limited.
func (c *Cache) trouble(n *namespace, op string, err error) {
	n.stats.errors.Add(1)
	now := time.Now().UnixNano()
	last := c.logs.last.Load()
	if now-last < int64(time.Second) || !c.logs.last.CompareAndSwap(last, now) {
		c.logs.suppressed.Add(1)
		return
	}
	c.cfg.Logger.Warn("cachetoolz: cache unavailable, calling the function instead",
		slog.String("op", op),
		slog.String("namespace", n.name),
		slog.Any("err", err),
		slog.Int64("suppressed", c.logs.suppressed.Swap(0)),
		slog.Bool("breaker_open", c.breaker.open()))
}
