package cachetoolz

import (
	"context"
	"errors"
	"time"
)

// lockOptions are a wrap's Options.Lock settings, kept only when its cache's
// backend is a Locker.
type lockOptions struct {
	locker Locker // nil: no lock
	ttl    time.Duration
	wait   time.Duration // zero: no bound of its own
}

// lockOptions returns the lock settings of a wrap with options o.
func (c *Cache) lockOptions(o *Options) lockOptions {
	if !o.Lock || c.mem != nil {
		return lockOptions{}
	}
	l, ok := c.backend.(Locker)
	if !ok {
		return lockOptions{}
	}
	return lockOptions{locker: l, ttl: o.LockTTL, wait: o.LockWait}
}

// noUnlock is the unlock of a load that holds no lock.
func noUnlock() {}

// lockLoad runs before the function of a load whose wrap set Options.Lock:
// it takes the key's load lock, or waits for the process that holds it and
// takes the result that process stored. When done is true the load is
// over: r is the stored result, or err says why the load ended (its context
// did, and its function could see it). Otherwise the load runs the
// function and stores under p, which lockLoad updated to the generation it
// locked under, and calls unlock once it has stored.
//
// Every failure of the backend, and the end of Options.LockWait, makes the
// load run its function without a lock: the lock saves loads, it never
// costs a call its answer.
func (w *wrapper[R]) lockLoad(ctx context.Context, p *probe) (r R, done bool, unlock func(), err error) {
	c, n, l := w.c, w.ns, w.lock
	br := n.breakerFor(p.key)
	var deadline time.Time
	if l.wait > 0 {
		deadline = time.Now().Add(l.wait)
	}
	for {
		if !br.allow() {
			return r, false, noUnlock, nil
		}
		tctx, cancel := c.timeout(ctx)
		tctx, end := c.startOp(tctx, OpLock, n.name)
		st, err := l.locker.TryLock(tctx, n.name, p.key, l.ttl)
		endOp(end, err)
		release(cancel)
		if err != nil {
			return w.lockFailed(ctx, br, err)
		}
		br.success()
		p.gen = st.Gen
		switch {
		case st.Held != nil:
			return r, false, w.holdLock(ctx, st.Held), nil
		case st.Found:
			m, err := w.decode(st.Value, &r)
			if err != nil {
				w.mismatch(err) // the load overwrites it
				return r, false, noUnlock, nil
			}
			if w.metaOK() && w.fresh.judge(w.nowNano(), m, false) != fresh {
				// Kept past its TTL (Options.MaxStale): the load
				// replaces it.
				var zero R
				return zero, false, noUnlock, nil
			}
			return r, true, nil, nil
		case st.Left <= 0: // the key cannot be locked now
			return r, false, noUnlock, nil
		}
		wait := st.Left
		if !deadline.IsZero() {
			left := time.Until(deadline)
			if left <= 0 {
				return r, false, noUnlock, nil
			}
			wait = min(wait, left)
		}
		// The backend answers a wait when it ends, so the operation's
		// own timeout is added to the wait, not taken from it.
		wctx, cancel := context.WithTimeout(ctx, wait+c.cfg.Timeout)
		wctx, end = c.startOp(wctx, OpLockWait, n.name)
		err = l.locker.WaitLock(wctx, n.name, p.key, st, wait)
		endOp(end, err)
		cancel()
		if err != nil && (ctx.Err() != nil || !errors.Is(err, context.DeadlineExceeded)) {
			return w.lockFailed(ctx, br, err)
		}
		// A wait that outlived its own deadline only ran late (a busy
		// server ends a blocked read some time after its timeout): the
		// next TryLock, under the usual timeout, tells whether the
		// backend still answers.
	}
}

// lockFailed ends lockLoad after TryLock or WaitLock failed with err, br
// being the breaker of the key's part. If the load's context ended, a
// function that sees its context is not started; otherwise the function
// runs without a lock, and a failure of the backend is counted.
func (w *wrapper[R]) lockFailed(ctx context.Context, br *breaker, err error) (r R, done bool, unlock func(), _ error) {
	n := w.ns
	if ctx.Err() != nil {
		br.abandon()
		if w.shape&seesCtx != 0 {
			return r, true, nil, ctx.Err()
		}
		return r, false, noUnlock, nil
	}
	br.failure()
	w.c.trouble(n, n.name, opLock, err)
	return r, false, noUnlock, nil
}

// holdLock keeps l, a lock the load holds, from expiring while the load
// runs: it renews it every third of its time to live. It returns the
// function that stops renewing and releases the lock, which the load calls
// once it has stored its result, or failed.
func (w *wrapper[R]) holdLock(ctx context.Context, l Lock) (unlock func()) {
	c, n, ttl := w.c, w.ns, w.lock.ttl
	stop := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(max(ttl/3, time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			tctx, cancel := c.timeout(context.WithoutCancel(ctx))
			tctx, end := c.startOp(tctx, OpLock, n.name)
			err := l.Extend(tctx, ttl)
			endOp(end, err)
			release(cancel)
			if errors.Is(err, ErrLockLost) {
				return // expired, perhaps taken over: the load goes on without it
			}
			if err != nil {
				c.trouble(n, n.name, opLock, err)
			}
		}
	}()
	return func() {
		close(stop)
		<-stopped
		// Like the store before it, the release is done for every waiter,
		// whatever is left of the load's time.
		tctx, cancel := c.timeout(context.WithoutCancel(ctx))
		defer release(cancel)
		tctx, end := c.startOp(tctx, OpLock, n.name)
		err := l.Release(tctx)
		endOp(end, err)
		if err != nil {
			c.trouble(n, n.name, opLock, err)
		}
	}
}
