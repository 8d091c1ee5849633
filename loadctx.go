package cachetoolz

import (
	"context"
	"sync"
	"time"
)

// loadContext is the context a function runs under when the cache loads its
// result: the values of the context of the caller that started the load,
// none of that caller's cancellation, a deadline (Options.LoadTimeout), and
// a cancellation of its own for when every waiting caller has gone.
//
// It does what context.WithTimeout(context.WithoutCancel(ctx), d) does, but
// makes its Done channel and its timer only when somebody asks for Done, so
// that a load whose function never looks at its context (most in-memory
// computations) costs one allocation instead of four and no timer.
type loadContext struct {
	values   context.Context
	deadline time.Time

	mu    sync.Mutex
	done  chan struct{} // made on the first call of Done
	err   error
	timer *time.Timer
}

func newLoadContext(parent context.Context, timeout time.Duration) *loadContext {
	return &loadContext{values: parent, deadline: time.Now().Add(timeout)}
}

// Deadline returns the load's deadline.
func (c *loadContext) Deadline() (time.Time, bool) { return c.deadline, true }

// Value returns the value the starting caller's context holds for key.
func (c *loadContext) Value(key any) any { return c.values.Value(key) }

// Done returns a channel that is closed when the load is cancelled or its
// deadline passes.
func (c *loadContext) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		c.done = make(chan struct{})
		c.expireLocked()
		if c.err != nil {
			close(c.done)
		} else {
			c.timer = time.AfterFunc(time.Until(c.deadline), func() { c.cancel(context.DeadlineExceeded) })
		}
	}
	return c.done
}

// Err returns context.Canceled once the load has been cancelled,
// context.DeadlineExceeded once its deadline has passed, and nil before.
func (c *loadContext) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.expireLocked()
		if c.err != nil && c.done != nil {
			close(c.done)
		}
	}
	return c.err
}

// expireLocked sets err if the deadline has passed. c.mu is held.
func (c *loadContext) expireLocked() {
	if c.err == nil && !time.Now().Before(c.deadline) {
		c.err = context.DeadlineExceeded
	}
}

// cancel ends the context with err, unless it has ended already, and
// releases its timer.
func (c *loadContext) cancel(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.timer != nil {
		c.timer.Stop()
	}
	if c.err != nil {
		return
	}
	c.err = err
	if c.done != nil {
		close(c.done)
	}
}

// String names the context, as the context package's own do.
func (c *loadContext) String() string { return "cachetoolz.loadContext" }
