package cachetoolz

import (
	"context"
	"math"
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
	parent   context.Context // the starting caller's: its values are read through more.values only
	deadline int64           // on the monotonic clock: nanoseconds since loadEpoch

	// ended is the context's state: live, or the reason it ended. It is
	// written under mu and read without it.
	ended atomic.Uint32

	mu   sync.Mutex
	more atomic.Pointer[loadExtras] // written once, under mu
}

// loadExtras is what a loadContext makes when it is first asked for it.
type loadExtras struct {
	// values is context.WithoutCancel(parent): the context package's own
	// lookups (the cause of a cancellation) do not reach the starting
	// caller's context through it.
	values context.Context

	// Guarded by loadContext.mu.
	done  chan struct{}           // made on the first call of Done
	timer *time.Timer             // fires at the deadline, once Done has been made
	after map[*afterFunc]struct{} // functions to run when the context ends
}

// loadEpoch is the origin of loadContext deadlines: a reading of the
// monotonic clock.
var loadEpoch = time.Now()

// sinceEpoch reads the monotonic clock.
func sinceEpoch() int64 { return int64(time.Since(loadEpoch)) }

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
	now := sinceEpoch()
	c.deadline = math.MaxInt64
	if int64(timeout) < math.MaxInt64-now {
		c.deadline = now + int64(timeout)
	}
}

// Deadline returns the load's deadline.
func (c *loadContext) Deadline() (time.Time, bool) {
	return loadEpoch.Add(time.Duration(c.deadline)), true
}

// extras returns c's extras, making them if need be.
func (c *loadContext) extras() *loadExtras {
	if e := c.more.Load(); e != nil {
		return e
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.extrasLocked()
}

// extrasLocked is extras for a caller that holds c.mu.
func (c *loadContext) extrasLocked() *loadExtras {
	e := c.more.Load()
	if e == nil {
		e = &loadExtras{values: context.WithoutCancel(c.parent)}
		c.more.Store(e)
	}
	return e
}

// Value returns the value the starting caller's context holds for key.
func (c *loadContext) Value(key any) any { return c.extras().values.Value(key) }

// Done returns a channel that is closed when the load is cancelled or its
// deadline passes.
func (c *loadContext) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.extrasLocked()
	if e.done == nil {
		e.done = make(chan struct{})
		if c.ended.Load() != live {
			close(e.done)
		} else if !c.expireLocked() {
			e.timer = time.AfterFunc(time.Duration(c.deadline-sinceEpoch()), func() { c.cancel(expired) })
		}
	}
	return e.done
}

// Err returns context.Canceled once the load has been cancelled,
// context.DeadlineExceeded once its deadline has passed, and nil before.
func (c *loadContext) Err() error {
	if s := c.ended.Load(); s != live {
		return stateErr(s)
	}
	if sinceEpoch() < c.deadline {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expireLocked()
	return stateErr(c.ended.Load())
}

// endedBy reports whether the context has been cancelled, or, if clock is
// true, has ended in any way: without clock, a deadline that has passed is
// noticed only if something noticed it before.
func (c *loadContext) endedBy(clock bool) bool {
	if !clock {
		return c.ended.Load() != live
	}
	return c.Err() != nil
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
	if c.ended.Load() == live && sinceEpoch() >= c.deadline {
		c.endLocked(expired)
	}
	return c.ended.Load() != live
}

// cancel ends the context in state s (cancelled or expired), unless it
// has ended already, and releases its timer.
func (c *loadContext) cancel(s uint32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.endLocked(s)
}

// endLocked ends the context in state s unless it has ended already: it
// closes Done, starts the functions given to AfterFunc and stops the
// timer. c.mu is held.
func (c *loadContext) endLocked(s uint32) {
	e := c.more.Load()
	if e != nil && e.timer != nil {
		e.timer.Stop()
	}
	if c.ended.Load() != live {
		return
	}
	c.ended.Store(s)
	if e == nil {
		return
	}
	if e.done != nil {
		close(e.done)
	}
	for a := range e.after {
		go a.f()
	}
	e.after = nil
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
	e := c.extrasLocked()
	if e.after == nil {
		e.after = make(map[*afterFunc]struct{})
	}
	e.after[a] = struct{}{}
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, waiting := e.after[a]
		delete(e.after, a)
		return waiting
	}
}

// String names the context, as the context package's own do.
func (c *loadContext) String() string { return "cachetoolz.loadContext" }
