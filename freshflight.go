package cachetoolz

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// failure is a key whose last load failed while a stale value stood in
// for it: until the Unix nanosecond until, its callers get the stale value
// without running the function.
type failure struct {
	until int64
	cause error
}

// maxFailures is how many failed keys flights keep before dropping those
// whose retry time has come.
const maxFailures = 1024

// missFresh is miss for a call that takes a freshness path: a control, a
// hit whose entry is to be refreshed early, a stale value to fall back on,
// or a wrap with timeouts.
func (f *flights[T, R]) missFresh(ctx context.Context, key []byte, p probe, args T) (R, error) {
	w, n := f.w, f.w.ns
	var zero R
	x := p.x
	if x != nil {
		switch {
		case x.ctl == Bypass:
			n.stats.loads.Add(1)
			return observeLoad(w, ctx, f.fn, args)
		case x.ctl == Forget:
			return zero, f.remove(ctx, key, p)
		case x.refresh:
			n.stats.hit()
			f.refresh(ctx, key, p, args)
			return asR[R](x.val), nil
		}
	}
	canLeave := false
	if w.shape&leaves != 0 {
		if err := ctx.Err(); err != nil {
			return zero, err
		}
		canLeave = ctx.Done() != nil
	}
	hasStale := x != nil && x.hasStale
	if hasStale {
		if cause := f.throttled(key); cause != nil {
			return w.serveStale(ctx, x, cause)
		}
	}
	n.stats.misses.Add(1)
	var wait time.Duration // how long the caller waits: HardTimeout, or a shorter SoftTimeout
	soft := false
	if fr := w.fresh; fr != nil {
		wait = fr.hard
		if hasStale && fr.soft > 0 && (wait == 0 || fr.soft < wait) {
			wait, soft = fr.soft, true
		}
	}
	id := flightID{epoch: n.epoch.Load(), gen: p.gen, key: string(key)}
	c, done, made := f.enter(ctx, id, canLeave, canLeave || wait > 0, false)
	if made {
		if !canLeave && wait == 0 {
			o := f.run(id, c, p, args)
			return f.settle(ctx, key, &o, x)
		}
		go f.run(id, c, p, args)
	}
	var timeout <-chan time.Time
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		timeout = t.C
	}
	var left <-chan struct{}
	if canLeave {
		left = ctx.Done()
	}
	select {
	case <-done:
		return f.settle(ctx, key, c.outcome(), x)
	case <-left:
		f.leave(id, c)
		return zero, ctx.Err()
	case <-timeout:
	}
	cause := fmt.Errorf("%w: the caller waited %v", ErrTimeout, wait)
	if soft {
		// The load goes on for the cache, whoever is left waiting.
		f.mu.Lock()
		if canLeave {
			c.leavers--
		}
		c.pinned = true
		f.mu.Unlock()
	} else if canLeave {
		f.leave(id, c)
	}
	if hasStale {
		return w.serveStale(ctx, x, cause)
	}
	return zero, cause
}

// settle answers a caller from o, the outcome of the load it waited for:
// a failed load gives way to the caller's stale value, if it has one, and
// the key's callers get that value without a load for Options.StaleRetry.
func (f *flights[T, R]) settle(ctx context.Context, key []byte, o *outcome[R], x *extra) (R, error) {
	w := f.w
	if o.goexit {
		return o.result()
	}
	var cause error
	switch {
	case o.panic != nil:
		cause = o.panic
	case o.err != nil:
		cause = o.err
		if fr := w.fresh; fr != nil && fr.hard > 0 && errors.Is(o.err, context.DeadlineExceeded) && ctx.Err() == nil {
			cause = fmt.Errorf("%w: the load passed HardTimeout (%v): %w", ErrTimeout, fr.hard, o.err)
		}
	}
	if w.fresh != nil && w.fresh.maxStale > 0 {
		f.note(key, cause, x != nil && x.hasStale)
	}
	if cause != nil && x != nil && x.hasStale {
		return w.serveStale(ctx, x, cause)
	}
	if cause != nil && o.panic == nil {
		var zero R
		return zero, cause
	}
	return o.result()
}

// note records how a load of key ended: a failure with a stale value to
// serve throttles the key's loads; a success ends that.
func (f *flights[T, R]) note(key []byte, cause error, hasStale bool) {
	w := f.w
	f.mu.Lock()
	defer f.mu.Unlock()
	if cause == nil || !hasStale {
		if cause == nil && len(f.failed) > 0 {
			delete(f.failed, string(key))
		}
		return
	}
	now := w.nowNano()
	if f.failed == nil {
		f.failed = make(map[string]failure)
	}
	if len(f.failed) >= maxFailures {
		for k, fl := range f.failed {
			if now >= fl.until {
				delete(f.failed, k)
			}
		}
	}
	f.failed[string(key)] = failure{until: satAdd(now, int64(w.fresh.retry)), cause: cause}
}

// throttled returns why key's last load failed if its callers are to get
// its stale value without a load, else nil.
func (f *flights[T, R]) throttled(key []byte) error {
	f.mu.Lock()
	fl, ok := f.failed[string(key)]
	f.mu.Unlock()
	if ok && f.w.nowNano() < fl.until {
		return fl.cause
	}
	return nil
}

// refresh starts, in the background, an early refresh of key, whose lookup
// was p, unless a load of it is in flight already. It stores under p's
// generation, so a Clear since p stops it from storing.
func (f *flights[T, R]) refresh(ctx context.Context, key []byte, p probe, args T) {
	n := f.w.ns
	id := flightID{epoch: n.epoch.Load(), gen: p.gen, key: string(key)}
	c, _, made := f.enter(ctx, id, false, false, true)
	if !made {
		return
	}
	n.stats.refreshes.Add(1)
	p.force, p.x = true, nil
	go f.run(id, c, p, args)
}

// remove removes key's entry (the Forget control).
func (f *flights[T, R]) remove(ctx context.Context, key []byte, p probe) error {
	w, c, n := f.w, f.w.c, f.w.ns
	f.mu.Lock()
	delete(f.failed, string(key))
	f.mu.Unlock()
	if n.mem != nil {
		c.mem.Delete(n.mem, string(key))
		return nil
	}
	d, ok := c.backend.(Deleter)
	if !ok {
		return fmt.Errorf("cachetoolz: %T cannot remove one entry: %w", c.backend, errors.ErrUnsupported)
	}
	tctx, cancel := c.timeout(ctx)
	defer release(cancel)
	tctx, end := c.startOp(tctx, OpDelete, n.name)
	err := d.Delete(tctx, n.name, p.key)
	endOp(end, err)
	if c.near != nil {
		// After the removal: a read begun before it is killed too.
		c.near.forget(n, string(key), p.key)
	}
	if err != nil {
		return fmt.Errorf("cachetoolz: removing an entry of %s: %w", w.fn.Name, err)
	}
	return nil
}

// serveStale answers a caller with its stale value, and tells it why.
func (w *wrapper[R]) serveStale(ctx context.Context, x *extra, cause error) (R, error) {
	w.ns.stats.stale.Add(1)
	if info := callInfoOf(ctx); info != nil {
		info.Stale, info.Err = true, cause
	}
	return asR[R](x.val), nil
}

// asR returns v as an R; a nil interface R was boxed as nil.
func asR[R any](v any) R {
	r, _ := v.(R)
	return r
}
