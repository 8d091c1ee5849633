package cachetoolz

import (
	"context"
	"sync/atomic"
	"time"
	"unsafe"
)

// sharedDeadlines bounds the backend operations of calls whose context
// cannot end (context.Background, or what context.WithoutCancel makes):
// rather than a context with a timer of its own per operation, the calls
// that start within Config.Timeout/16 of each other share one deadline, so
// that each is bounded by between 15/16 of Config.Timeout and all of it,
// at the cost of a clock reading.
type sharedDeadlines struct {
	cur atomic.Pointer[sharedDeadline]
}

// sharedDeadline is one shared deadline: a context that ends at it, and the
// time (since clockBase) until which new operations may take it.
type sharedDeadline struct {
	ctx    context.Context
	cancel context.CancelFunc // never called: the context ends at its deadline, which frees its timer
	until  time.Duration
}

// clockBase is the time that shared deadlines count from: the time since
// it reads the monotonic clock alone, where time.Now reads the wall clock
// too.
var clockBase = time.Now()

// get returns the shared deadline for an operation starting now, the time
// since clockBase.
func (s *sharedDeadlines) get(now, timeout time.Duration) *sharedDeadline {
	if d := s.cur.Load(); d != nil && now < d.until {
		return d
	}
	ctx, cancel := context.WithDeadline(context.Background(), clockBase.Add(now+timeout))
	d := &sharedDeadline{ctx: ctx, cancel: cancel, until: now + timeout/16}
	s.cur.Store(d) // racing refreshes each store a valid deadline
	return d
}

// bounded is a context that cannot end, bounded by a shared deadline: it
// keeps the values of the context it was made from.
type bounded struct {
	context.Context // for its values
	d               *sharedDeadline
}

func (b *bounded) Deadline() (time.Time, bool) { return b.d.ctx.Deadline() }
func (b *bounded) Done() <-chan struct{}       { return b.d.ctx.Done() }
func (b *bounded) Err() error                  { return b.d.ctx.Err() }

// timeout bounds a backend operation by Config.Timeout. A context that ends
// sooner is used as it is; one that cannot end shares a deadline with the
// operations that start at about the same time (see sharedDeadlines); any
// other gets a deadline of its own, which the caller releases by passing
// the returned cancel to release (nil when there is nothing to release,
// which spares the commonest operations a call).
func (c *Cache) timeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if isBackground(ctx) { // the commonest, recognised without a call
		return c.deadlines.get(time.Since(clockBase), c.cfg.Timeout).ctx, nil
	}
	if ctx.Done() == nil {
		return &bounded{ctx, c.deadlines.get(time.Since(clockBase), c.cfg.Timeout)}, nil
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= c.cfg.Timeout {
		return ctx, nil
	}
	return context.WithTimeout(ctx, c.cfg.Timeout)
}

// background is context.Background() as the two words of an interface
// value, which are the same for every call of it.
var background = ifaceWords(context.Background())

// isBackground reports whether ctx is context.Background(), which has no
// values for a bounded context to carry and cannot end. It compares the
// interface's words, where ctx == context.Background() costs a call into
// the runtime, and ctx.Done() another; a context it did not recognise
// would only be bounded as another that cannot end is.
func isBackground(ctx context.Context) bool { return ifaceWords(ctx) == background }

// ifaceWords returns the two words of the interface value ctx: its type's
// and its data's.
func ifaceWords(ctx context.Context) [2]unsafe.Pointer {
	return *(*[2]unsafe.Pointer)(unsafe.Pointer(&ctx))
}

// release calls cancel, what timeout returned, unless it is nil.
func release(cancel context.CancelFunc) {
	if cancel != nil {
		cancel()
	}
}
