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

// flights runs the loads of one wrapped function, one per key at a time,
// like golang.org/x/sync/singleflight, with two differences that keep a
// shared load from outliving its use:
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
// caller cannot leave, and in a goroutine of its own otherwise. T is the
// type that carries a call's arguments to fn, the function in its fullest
// form.
type flights[T, R any] struct {
	w  *wrapper[R]
	fn func(context.Context, T) (R, error)

	mu     sync.Mutex
	m      map[flightID]*call[R]
	failed map[string]failure // keys whose last load failed, while their stale values stand in (freshflight.go)
}

func newFlights[T, R any](w *wrapper[R], fn func(context.Context, T) (R, error)) *flights[T, R] {
	return &flights[T, R]{w: w, fn: fn}
}

// flightID names a load: the cache key, and the clear epoch and backend
// generation it began under, so that no call made after a clear joins a
// load that began before it.
type flightID struct {
	epoch, gen uint64
	key        string
}

// call is one load: its context, and what its waiting callers need, in
// one allocation of 64 bytes. What the load needs (the lookup that missed,
// the arguments) is passed to run, and is not kept once the function has
// it; its outcome is kept only for callers that wait for it, in what is
// made for the first of them, so that a load nobody waits for (the usual
// miss) carries no room for it.
type call[R any] struct {
	ctx loadContext // the load's context

	// Guarded by flights.mu.
	leavers int32       // waiting callers that may still leave
	pinned  bool        // a caller that cannot leave is waiting
	gone    bool        // no longer in the map: while it is not, the map holds it under its id
	waiting *waiting[R] // made for the first caller that waits
}

// waiting is what the callers that wait for a load share.
type waiting[R any] struct {
	done chan struct{} // closed when the load has ended
	out  outcome[R]    // set before done is closed
}

// outcome is how a load ended.
type outcome[R any] struct {
	val    R
	err    error
	panic  *PanicError
	goexit bool
}

// lookupOrMiss answers a call that the memory hit path (wrapper.hit) did
// not, nor the remote one (see remoteFirst): if hit looked and missed
// (looked, with what it returned, gen and sets), or else the lookup finds
// nothing, by miss. The call's key and backend key are key and bk.
func (f *flights[T, R]) lookupOrMiss(ctx context.Context, key []byte, bk backendKey, looked bool, gen, sets uint64, args T) (R, error) {
	p := probe{backendKey: bk}
	if looked {
		p.missed(gen, sets)
	} else if r, ok := f.w.lookup(ctx, key, lookCall, &p); ok {
		return r, nil
	}
	return f.miss(ctx, key, p, args)
}

// miss answers a call whose lookup, p, found nothing: it loads the result,
// once for every concurrent call with the same key, and stores it unless the
// load failed, before any caller returns: once a call has returned, the next
// one with the same arguments is a hit. It does not retain key.
//
// The load's context has ctx's values, none of its cancellation, and the
// wrapper's load timeout. If ctx is done before the result is ready and the
// wrapper's callers can leave, miss returns ctx.Err(). If the load panicked,
// miss panics with a *PanicError; if it called runtime.Goexit, miss calls
// runtime.Goexit too.
func (f *flights[T, R]) miss(ctx context.Context, key []byte, p probe, args T) (R, error) {
	w := f.w
	if p.x != nil || w.fresh != nil {
		return f.missFresh(ctx, key, p, args)
	}
	canLeave := false
	if w.shape&leaves != 0 {
		// A caller that has already gone starts nothing on its way out.
		if err := ctx.Err(); err != nil {
			var zero R
			return zero, err
		}
		canLeave = ctx.Done() != nil
	}
	n := w.ns
	n.stats.misses.Add(1)
	id := flightID{epoch: n.epoch.Load(), gen: p.gen, key: string(key)}
	c, done, made := f.enter(ctx, id, canLeave, canLeave, false)
	if !made {
		return f.wait(ctx, id, c, done, canLeave)
	}
	if !canLeave {
		// Nobody can leave before the load ends: run it here and spare a
		// goroutine.
		o := f.run(id, c, p, args)
		return o.result()
	}
	go f.run(id, c, p, args)
	return f.wait(ctx, id, c, done, true)
}

// enter joins the caller to the load of id in flight, or, when there is
// none (or only one past its deadline, which is not joined: one starts
// afresh), puts a new one in its place and reports made: the caller then
// runs it. A joining caller always gets a done channel, the maker of a new
// load when wantDone. With onlyNew, a load in flight is not joined: enter
// returns nil.
func (f *flights[T, R]) enter(ctx context.Context, id flightID, canLeave, wantDone, onlyNew bool) (c *call[R], done chan struct{}, made bool) {
	f.mu.Lock()
	if len(f.m) > 0 { // spares a hash when no load is in flight
		c = f.m[id]
	}
	if c != nil && c.ctx.Err() == nil {
		if onlyNew {
			f.mu.Unlock()
			return nil, nil, false
		}
		c.join(canLeave)
		done = c.waitingLocked().done
		f.mu.Unlock()
		return c, done, false
	}
	if c != nil {
		c.gone = true // replaced below
	}
	if f.m == nil {
		f.m = make(map[flightID]*call[R])
	}
	c = new(call[R])
	c.ctx.init(ctx, f.w.loadTimeout)
	c.join(canLeave)
	if wantDone {
		done = c.waitingLocked().done
	}
	f.m[id] = c
	f.mu.Unlock()
	return c, done, true
}

// waitingLocked returns what c's waiting callers share, making it for the
// first. The caller holds flights.mu.
func (c *call[R]) waitingLocked() *waiting[R] {
	if c.waiting == nil {
		c.waiting = &waiting[R]{done: make(chan struct{})}
	}
	return c.waiting
}

// outcome returns how c ended, once its done channel is closed.
func (c *call[R]) outcome() *outcome[R] { return &c.waiting.out }

// join counts a caller in. The caller holds flights.mu.
func (c *call[R]) join(canLeave bool) {
	if canLeave {
		c.leavers++
	} else {
		c.pinned = true
	}
}

// wait waits for c, which done is closed after, to end.
func (f *flights[T, R]) wait(ctx context.Context, id flightID, c *call[R], done chan struct{}, canLeave bool) (R, error) {
	if !canLeave {
		<-done
		return c.outcome().result()
	}
	select {
	case <-done:
		return c.outcome().result()
	case <-ctx.Done():
	}
	f.leave(id, c)
	var zero R
	return zero, ctx.Err()
}

// leave counts out a caller that could leave, and has.
func (f *flights[T, R]) leave(id flightID, c *call[R]) {
	f.mu.Lock()
	c.leavers--
	if c.leavers == 0 && !c.pinned {
		// Nobody wants the result any more: stop the load, and let the
		// next caller start a new one.
		c.ctx.cancel(cancelled)
		f.forget(id, c)
	}
	f.mu.Unlock()
}

// forget removes c from the map if it is still there, as id. The caller
// holds f.mu.
func (f *flights[T, R]) forget(id flightID, c *call[R]) {
	if !c.gone {
		delete(f.m, id)
		c.gone = true
	}
}

func (o *outcome[R]) result() (R, error) {
	switch {
	case o.panic != nil:
		panic(o.panic)
	case o.goexit:
		runtime.Goexit()
	}
	return o.val, o.err
}

// run runs the load c, and returns its outcome; callers that wait for it
// find that in c.outcome().
func (f *flights[T, R]) run(id flightID, c *call[R], p probe, args T) (o outcome[R]) {
	w := f.w
	normal := false
	defer func() {
		if !normal {
			// A panic, which ends here, or runtime.Goexit, which goes on.
			if r := recover(); r != nil {
				o.panic = &PanicError{Value: r, Stack: debug.Stack()}
			} else {
				o.goexit = true
			}
		}
		c.ctx.cancel(cancelled) // releases its timer, if any
		// Forget the call before waking anyone, so that no caller joins
		// it once its outcome is out.
		f.mu.Lock()
		f.forget(id, c)
		orphan := c.leavers == 0 && !c.pinned
		wt := c.waiting
		if wt != nil {
			wt.out = o
		}
		f.mu.Unlock()
		if wt != nil {
			close(wt.done)
		}
		if orphan && o.panic != nil {
			// Every caller left before the panic: nobody will re-panic
			// with it, so it is counted and logged here.
			w.c.trouble(w.ns, w.ns.name, opPanic, o.panic)
		}
	}()
	o.val, o.err = loadBody(w, &c.ctx, id.key, p, f.fn, args)
	normal = true
	return o
}
