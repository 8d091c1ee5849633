package cachetoolz

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"time"
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
	m  map[string]*call[R]
}

// call is one load.
type call[R any] struct {
	done   chan struct{} // closed when the load has ended
	cancel context.CancelFunc

	// Guarded by group.mu.
	leavers int  // waiting callers that may still leave
	pinned  bool // a caller that cannot leave is waiting

	// Written before done is closed.
	val    R
	err    error
	panic  *PanicError
	goexit bool
}

// do returns the result of the load for key, starting one with load if none
// is in progress. The load gets a context with ctx's values, no cancellation
// of ctx's, and a deadline timeout from now; load reports whether its
// result may be kept.
//
// If ctx is done before the result is ready and canLeave is set, do returns
// ctx.Err(). If load panicked, do panics with a *PanicError; if it called
// runtime.Goexit, do calls runtime.Goexit too.
func (g *group[R]) do(ctx context.Context, key string, canLeave bool, timeout time.Duration, load func(context.Context) (R, error)) (R, error) {
	canLeave = canLeave && ctx.Done() != nil
	g.mu.Lock()
	c, ok := g.m[key]
	if ok {
		c.join(canLeave)
		g.mu.Unlock()
		return g.wait(ctx, key, c, canLeave)
	}
	if g.m == nil {
		g.m = make(map[string]*call[R])
	}
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	c = &call[R]{done: make(chan struct{}), cancel: cancel}
	c.join(canLeave)
	g.m[key] = c
	g.mu.Unlock()
	if !canLeave {
		// Nobody can leave before the load ends: run it here and spare a
		// goroutine.
		g.run(key, c, lctx, load)
		return c.result()
	}
	go g.run(key, c, lctx, load)
	return g.wait(ctx, key, c, true)
}

// join counts a caller in. The caller holds g.mu.
func (c *call[R]) join(canLeave bool) {
	if canLeave {
		c.leavers++
	} else {
		c.pinned = true
	}
}

func (g *group[R]) wait(ctx context.Context, key string, c *call[R], canLeave bool) (R, error) {
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
		c.cancel()
		g.forget(key, c)
	}
	g.mu.Unlock()
	var zero R
	return zero, ctx.Err()
}

// forget removes c from the group if it is still the load for key. The
// caller holds g.mu.
func (g *group[R]) forget(key string, c *call[R]) {
	if g.m[key] == c {
		delete(g.m, key)
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

func (g *group[R]) run(key string, c *call[R], ctx context.Context, load func(context.Context) (R, error)) {
	normal := false
	defer func() {
		if !normal && c.panic == nil {
			c.goexit = true
		}
		c.cancel()
		// Forget the call before waking anyone, so that no caller joins
		// it once its result is out.
		g.mu.Lock()
		g.forget(key, c)
		g.mu.Unlock()
		close(c.done)
	}()
	func() {
		defer func() {
			if !normal {
				if r := recover(); r != nil {
					c.panic = &PanicError{Value: r, Stack: debug.Stack()}
				}
			}
		}()
		c.val, c.err = load(ctx)
		normal = true
	}()
}
