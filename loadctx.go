package cachetoolz

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// loadContext is the context a function runs under when the cache loads its
// result: the values of the context of the caller that started the load,
// none of that caller's cancellation, a deadline (Options.LoadTimeout), and
// a cancellation of its own for when every waiting caller has gone.
//
// It does what context.WithTimeout(context.WithoutCancel(ctx), d) does, but
// makes nothing until it is asked for: its Done channel and timer on the
// first call of Done, its view of the starting caller's values on the first
// call of Value. A load whose function never looks at its context (most
// in-memory computations) costs no allocation beyond the load's own, which
// embeds the loadContext, and no timer.
type loadContext struct {
	parent   context.Context // the starting caller's: read through values only
	deadline time.Time

	// ended is the context's state: live, or the reason it ended. It is
	// written under mu and read without it.
	ended atomic.Uint32

	madeValues atomic.Bool     // values is set
	values     context.Context // context.WithoutCancel(parent); written once, under mu

	mu    sync.Mutex
	done  chan struct{} // made on the first call of Done
	timer *time.Timer
	after map[*afterFunc]struct{} // functions to run when it ends
}

// The states of a loadContext.
const (
	live uint32 = iota
	cancelled
	expired
)

// afterFunc is a function registered with AfterFunc.
type afterFunc struct{ f func() }

func newLoadContext(parent context.Context, timeout time.Duration) *loadContext {
	c := new(loadContext)
	c.init(parent, timeout)
	return c
}

// init readies a zero loadContext, as newLoadContext does.
func (c *loadContext) init(parent context.Context, timeout time.Duration) {
	c.parent = parent
	c.deadline = time.Now().Add(timeout)
}

// Deadline returns the load's deadline.
func (c *loadContext) Deadline() (time.Time, bool) { return c.deadline, true }

// Value returns the value the starting caller's context holds for key.
func (c *loadContext) Value(key any) any {
	if !c.madeValues.Load() {
		// WithoutCancel, so that the context package's own lookups (the
		// cause of a cancellation) do not reach the starting caller's
		// context.
		c.mu.Lock()
		if c.values == nil {
			c.values = context.WithoutCancel(c.parent)
			c.madeValues.Store(true)
		}
		c.mu.Unlock()
	}
	return c.values.Value(key)
}

// Done returns a channel that is closed when the load is cancelled or its
// deadline passes.
func (c *loadContext) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		c.done = make(chan struct{})
		if c.ended.Load() != live {
			close(c.done)
		} else if !c.expireLocked() {
			c.timer = time.AfterFunc(time.Until(c.deadline), func() { c.cancel(context.DeadlineExceeded) })
		}
	}
	return c.done
}

// Err returns context.Canceled once the load has been cancelled,
// context.DeadlineExceeded once its deadline has passed, and nil before.
func (c *loadContext) Err() error {
	if s := c.ended.Load(); s != live {
		return stateErr(s)
	}
	if time.Now().Before(c.deadline) {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expireLocked()
	return stateErr(c.ended.Load())
}

// stateErr is the error of state s.
func stateErr(s uint32) error {
	switch s {
	case cancelled:
		return context.Canceled
	case expired:
		return context.DeadlineExceeded
	}
	return nil
}

// expireLocked ends the context if its deadline has passed, and reports
// whether it has ended. c.mu is held.
func (c *loadContext) expireLocked() bool {
	if c.ended.Load() == live && !time.Now().Before(c.deadline) {
		c.endLocked(context.DeadlineExceeded)
	}
	return c.ended.Load() != live
}

// cancel ends the context with err, unless it has ended already, and
// releases its timer.
func (c *loadContext) cancel(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.endLocked(err)
}

// endLocked ends the context with err (context.Canceled or
// context.DeadlineExceeded) unless it has ended already: it closes Done,
// starts the functions given to AfterFunc and stops the timer. c.mu is held.
func (c *loadContext) endLocked(err error) {
	if c.timer != nil {
		c.timer.Stop()
	}
	if c.ended.Load() != live {
		return
	}
	s := cancelled
	if errors.Is(err, context.DeadlineExceeded) {
		s = expired
	}
	c.ended.Store(s)
	if c.done != nil {
		close(c.done)
	}
	for a := range c.after {
		go a.f()
	}
	c.after = nil
}

// AfterFunc arranges for f to run in its own goroutine once the context
// has ended, and returns a function that cancels that if it has not run
// yet. The context package uses it for child contexts, which then need no
// goroutine of their own to follow this one.
func (c *loadContext) AfterFunc(f func()) (stop func() bool) {
	c.Done() // the deadline's timer runs from now on
	c.mu.Lock()
	defer c.mu.Unlock()
	a := &afterFunc{f: f}
	if c.ended.Load() != live {
		go f()
		return func() bool { return false }
	}
	if c.after == nil {
		c.after = make(map[*afterFunc]struct{})
	}
	c.after[a] = struct{}{}
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, waiting := c.after[a]
		delete(c.after, a)
		return waiting
	}
}

// String names the context, as the context package's own do.
func (c *loadContext) String() string { return "cachetoolz.loadContext" }
