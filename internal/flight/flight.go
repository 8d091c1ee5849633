// Package flight runs one load per key at a time, like
// golang.org/x/sync/singleflight, except that the load runs in a goroutine of
// its own, so that a caller whose context is done returns at once while the
// load goes on for the others.
package flight

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
)

// Group is a set of calls by key. The zero value is ready to use.
type Group struct {
	mu sync.Mutex
	m  map[string]*Call
}

// Call is one load.
type Call struct {
	done   chan struct{}
	val    any
	err    error
	panic  *PanicError
	goexit bool
}

// PanicError is what a load's callers panic with when the load panicked: the
// value it panicked with and the stack of the goroutine that ran it.
type PanicError struct {
	Value any
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

// Do returns the result of the call for key, starting one with load if none
// is in progress. load runs in a new goroutine; once it returns, the call is
// forgotten and its result goes to every caller.
//
// If ctx is done before the result is ready, Do returns ctx.Err() and the
// load goes on. If load panicked, Do panics with a *PanicError; if it called
// runtime.Goexit, Do calls runtime.Goexit too.
func (g *Group) Do(ctx context.Context, key string, load func() (any, error)) (any, error) {
	g.mu.Lock()
	c, ok := g.m[key]
	if !ok {
		if g.m == nil {
			g.m = make(map[string]*Call)
		}
		c = &Call{done: make(chan struct{})}
		g.m[key] = c
		go g.run(key, c, load)
	}
	g.mu.Unlock()
	return c.wait(ctx)
}

func (c *Call) wait(ctx context.Context) (any, error) {
	select {
	case <-c.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	switch {
	case c.panic != nil:
		panic(c.panic)
	case c.goexit:
		runtime.Goexit()
	}
	return c.val, c.err
}

func (g *Group) run(key string, c *Call, load func() (any, error)) {
	normal := false
	defer func() {
		if !normal && c.panic == nil {
			c.goexit = true
		}
		// Forget the call before waking anyone, so that no caller joins
		// it once its result is out.
		g.mu.Lock()
		delete(g.m, key)
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
		c.val, c.err = load()
		normal = true
	}()
}
