package cachetoolz

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
)

// PanicError is what the callers of a cached function panic with when the
// function panicked: the value it panicked with, and the stack of the
// goroutine that ran it. Every caller that was waiting for that run panics
// with the same *PanicError; recover it and use errors.As, or Value, to get
// at the original value.
type PanicError struct {
	// Value is the value the function panicked with.
	Value any
	// Stack is the stack of the goroutine that ran the function, as
	// runtime/debug.Stack formats it.
	Stack []byte
}

// Error formats the panic value and the stack.
func (p *PanicError) Error() string {
	return fmt.Sprintf("cachetoolz: panic in cached function: %v\n\n%s", p.Value, p.Stack)
}

// Unwrap returns the panic value if it is an error.
func (p *PanicError) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}

// group runs one load per key at a time, like golang.org/x/sync/singleflight,
// with two differences that keep a shared load from outliving its use:
//
//   - A caller that can leave (its wrapper reports errors, and its context can
//     end) waits in select with its context: when its context is done it
//     returns at once and the load goes on for the others. When the last
//     caller that could leave has gone and none that cannot is waiting, the
//     load's context is cancelled and the load is forgotten, so that a new
//     caller starts afresh instead of joining it.
//   - Every load runs under a deadline, so a function that waits on its
//     context always ends.
//
// A load runs in the goroutine of the caller that started it when that
// caller cannot leave, and in a goroutine of its own otherwise.
type group[R any] struct {
	mu sync.Mutex
	m  map[flightID]*call[R]
}

// flightID names a load: the cache key, and the clear epoch and backend
// generation it began under, so that no call made after a clear joins a
// load that began before it.
type flightID struct {
	epoch, gen uint64
	key        string
}

// call is one load.
type call[R any] struct {
	done chan struct{} // closed when the load has ended
	ctx  *loadContext

	// What the load needs: the lookup that missed, and the function.
	probe probe
	fn    func(context.Context) (R, error)

	// Guarded by group.mu.
	leavers int  // waiting callers that may still leave
	pinned  bool // a caller that cannot leave is waiting

	// Written before done is closed.
	val    R
	err    error
	panic  *PanicError
	goexit bool
}

// do returns the result of the load id, starting one that runs w.loadBody
// if none is in progress. The load's context has ctx's values, none of its
// cancellation, and w's load timeout.
//
// If ctx is done before the result is ready and w's callers can leave, do
// returns ctx.Err(). If the load panicked, do panics with a *PanicError; if it
// called runtime.Goexit, do calls runtime.Goexit too.
func (g *group[R]) do(ctx context.Context, w *wrapper[R], id flightID, p probe, fn func(context.Context) (R, error)) (R, error) {
	canLeave := w.shape&leaves != 0 && ctx.Done() != nil
	g.mu.Lock()
	c, ok := g.m[id]
	if ok && c.ctx.Err() == nil { // a load past its deadline is not joined: one starts afresh
		c.join(canLeave)
		g.mu.Unlock()
		return g.wait(ctx, id, c, canLeave)
	}
	if g.m == nil {
		g.m = make(map[flightID]*call[R])
	}
	c = &call[R]{done: make(chan struct{}), ctx: newLoadContext(ctx, w.loadTimeout), probe: p, fn: fn}
	c.join(canLeave)
	g.m[id] = c
	g.mu.Unlock()
	if !canLeave {
		// Nobody can leave before the load ends: run it here and spare a
		// goroutine.
		g.run(w, id, c)
		return c.result()
	}
	go g.run(w, id, c)
	return g.wait(ctx, id, c, true)
}

// join counts a caller in. The caller holds g.mu.
func (c *call[R]) join(canLeave bool) {
	if canLeave {
		c.leavers++
	} else {
		c.pinned = true
	}
}

func (g *group[R]) wait(ctx context.Context, id flightID, c *call[R], canLeave bool) (R, error) {
	if !canLeave {
		<-c.done
		return c.result()
	}
	select {
	case <-c.done:
		return c.result()
	case <-ctx.Done():
	}
	g.mu.Lock()
	c.leavers--
	if c.leavers == 0 && !c.pinned {
		// Nobody wants the result any more: stop the load, and let the
		// next caller start a new one.
		c.ctx.cancel(context.Canceled)
		g.forget(id, c)
	}
	g.mu.Unlock()
	var zero R
	return zero, ctx.Err()
}

// forget removes c from the group if it is still the load id. The caller
// holds g.mu.
func (g *group[R]) forget(id flightID, c *call[R]) {
	if g.m[id] == c {
		delete(g.m, id)
	}
}

func (c *call[R]) result() (R, error) {
	switch {
	case c.panic != nil:
		panic(c.panic)
	case c.goexit:
		runtime.Goexit()
	}
	return c.val, c.err
}

func (g *group[R]) run(w *wrapper[R], id flightID, c *call[R]) {
	normal := false
	defer func() {
		if !normal && c.panic == nil {
			c.goexit = true
		}
		c.ctx.cancel(context.Canceled) // releases its timer, if any
		// Forget the call before waking anyone, so that no caller joins
		// it once its result is out.
		g.mu.Lock()
		g.forget(id, c)
		orphan := c.leavers == 0 && !c.pinned
		g.mu.Unlock()
		close(c.done)
		if orphan && c.panic != nil {
			// Every caller left before the panic: nobody will re-panic
			// with it, so it is counted and logged here.
			w.c.trouble(w.ns, w.ns.name, opPanic, c.panic)
		}
	}()
	func() {
		defer func() {
			if !normal {
				if r := recover(); r != nil {
					c.panic = &PanicError{Value: r, Stack: debug.Stack()}
				}
			}
		}()
		c.val, c.err = w.loadBody(c.ctx, id.key, c.probe, c.fn)
		normal = true
	}()
}
