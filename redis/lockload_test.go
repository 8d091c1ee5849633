package rediscache_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
)

// The tests in this file run wrapped functions with Options.Lock in one
// test process, each cache on a backend of its own standing for a process
// of its own.

// lockWaits is an Observer that reports each wait for a load lock.
type lockWaits chan struct{}

func (w lockWaits) StartLoad(ctx context.Context, _ cachetoolz.Load) (context.Context, func(error)) {
	return ctx, func(error) {}
}

func (w lockWaits) StartOp(ctx context.Context, o cachetoolz.Op) (context.Context, func(error)) {
	if o.Kind == cachetoolz.OpLockWait {
		select {
		case w <- struct{}{}:
		default:
		}
	}
	return ctx, func(error) {}
}

// waitFor fails the test if ch says nothing within a generous bound.
func waitFor[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(30 * time.Second):
		t.Fatalf("no %s after 30s", what)
		panic("unreachable")
	}
}

// lockedCache returns a cache on a backend of its own on url, with cfg.
func lockedCache(t *testing.T, url string, cfg *cachetoolz.Config) *cachetoolz.Cache {
	t.Helper()
	c, err := cachetoolz.New(newBackend(t, url, nil), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// lockedFunc wraps fn in c under the name and namespace the tests share.
func lockedFunc(t *testing.T, c *cachetoolz.Cache, opts cachetoolz.Options, fn func(context.Context, int) (string, error)) func(context.Context, int) (string, error) {
	t.Helper()
	opts.Name, opts.Namespace, opts.Lock = "locked", "ns", true
	f, err := cachetoolz.Wrap1(c, fn, &opts)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

type result struct {
	v   string
	err error
}

// A clear while a holder loads: a caller after the clear does not wait for
// that holder, a caller that was waiting for it does not get its result,
// and the holder's result is not stored.
func TestLockClearDuringLoad(t *testing.T) {
	srv := testserver.Redis(t)
	opts := cachetoolz.Options{LockTTL: time.Minute} // the lock never expires during the test
	started, unblock := make(chan struct{}), make(chan struct{})
	holder := lockedFunc(t, lockedCache(t, srv.URL(), nil), opts, func(context.Context, int) (string, error) {
		close(started)
		<-unblock
		return "from before the clear", nil
	})
	waits := make(lockWaits, 1)
	waiterCache := lockedCache(t, srv.URL(), &cachetoolz.Config{Observer: waits})
	waiter := lockedFunc(t, waiterCache, opts, func(context.Context, int) (string, error) {
		return "from the waiter", nil
	})
	var laterRuns atomic.Int32
	later := lockedFunc(t, lockedCache(t, srv.URL(), nil), opts, func(context.Context, int) (string, error) {
		laterRuns.Add(1)
		return "from after the clear", nil
	})

	holderDone := make(chan result, 1)
	go func() {
		v, err := holder(bg, 1)
		holderDone <- result{v, err}
	}()
	waitFor(t, started, "start of the holder's load")
	waiterDone := make(chan result, 1)
	go func() {
		v, err := waiter(bg, 1)
		waiterDone <- result{v, err}
	}()
	waitFor(t, waits, "wait for the holder's lock")

	if err := waiterCache.Clear(bg, "ns"); err != nil {
		t.Fatal(err)
	}
	// The holder still runs; a caller after the clear loads at once.
	ctx, cancel := context.WithTimeout(bg, 10*time.Second)
	defer cancel()
	if v, err := later(ctx, 1); err != nil || v != "from after the clear" {
		t.Fatalf("call after the clear = %q, %v; want its own load, not a wait for the holder", v, err)
	}
	close(unblock)
	if r := waitFor(t, holderDone, "holder's answer"); r.err != nil || r.v != "from before the clear" {
		t.Fatalf("holder got %q, %v; want its own result", r.v, r.err)
	}
	if r := waitFor(t, waiterDone, "waiter's answer"); r.err != nil || r.v == "from before the clear" {
		t.Fatalf("waiter got %q, %v; want a result loaded after the clear", r.v, r.err)
	}
	if v, err := later(bg, 1); err != nil || v != "from after the clear" || laterRuns.Load() != 1 {
		t.Fatalf("call at the end = %q, %v after %d runs; want the result stored after the clear, cached", v, err, laterRuns.Load())
	}
}

// A holder keeps its lock while its function runs longer than the lock's
// time to live, by renewing it.
func TestLockHolderRenews(t *testing.T) {
	srv := testserver.Redis(t)
	const ttl = 600 * time.Millisecond
	started, unblock := make(chan struct{}), make(chan struct{})
	f := lockedFunc(t, lockedCache(t, srv.URL(), nil), cachetoolz.Options{LockTTL: ttl}, func(context.Context, int) (string, error) {
		close(started)
		<-unblock
		return "v", nil
	})
	done := make(chan result, 1)
	go func() {
		v, err := f(bg, 1)
		done <- result{v, err}
	}()
	waitFor(t, started, "start of the load")
	other := newBackend(t, srv.URL(), nil)
	key := lockedKey
	for start := time.Now(); time.Since(start) < 5*ttl; {
		st, err := other.TryLock(bg, "ns", key, ttl)
		if err != nil {
			t.Fatal(err)
		}
		if st.Held != nil || st.Left <= 0 {
			t.Fatalf("after %v the lock was %+v, want it still held by the loading holder", time.Since(start), st)
		}
		if err := other.WaitLock(bg, "ns", key, st, st.Left); err != nil {
			t.Fatal(err)
		}
	}
	close(unblock)
	if r := waitFor(t, done, "answer"); r.err != nil || r.v != "v" {
		t.Fatalf("got %q, %v", r.v, r.err)
	}
	st, err := other.TryLock(bg, "ns", key, ttl)
	if err != nil || !st.Found {
		t.Fatalf("TryLock after the load = %+v, %v; want the result found", st, err)
	}
}

// lockedKey is the backend key of lockedFunc's call with argument 1.
var lockedKey = keyOfLocked()

// keyOfLocked finds the backend key of lockedFunc's call with argument 1
// through a cache on a backend that records the keys it is asked for.
func keyOfLocked() string {
	rec := &keyRecorder{}
	c := cachetoolz.Must(cachetoolz.New(rec, nil))
	f := cachetoolz.Must(cachetoolz.Wrap1(c, func(context.Context, int) (string, error) { return "", nil },
		&cachetoolz.Options{Name: "locked", Namespace: "ns"}))
	_, _ = f(context.Background(), 1)
	return rec.key
}

// keyRecorder is a Backend that misses, and remembers the last key asked
// for.
type keyRecorder struct{ key string }

func (r *keyRecorder) Get(_ context.Context, _, key string) ([]byte, uint64, error) {
	r.key = key
	return nil, 0, cachetoolz.ErrNotFound
}
func (r *keyRecorder) Set(context.Context, string, string, []byte, time.Duration, uint64) error {
	return nil
}
func (r *keyRecorder) Clear(context.Context, ...string) error { return nil }
func (r *keyRecorder) Close() error                           { return nil }

// A holder whose function fails stores nothing and releases its lock: a
// waiter then takes it at once and runs the function itself.
func TestLockHolderFails(t *testing.T) {
	srv := testserver.Redis(t)
	opts := cachetoolz.Options{LockTTL: time.Minute}
	started, unblock := make(chan struct{}), make(chan struct{})
	holder := lockedFunc(t, lockedCache(t, srv.URL(), nil), opts, func(context.Context, int) (string, error) {
		close(started)
		<-unblock
		return "", errors.New("the database is down")
	})
	waits := make(lockWaits, 1)
	waiter := lockedFunc(t, lockedCache(t, srv.URL(), &cachetoolz.Config{Observer: waits}), opts, func(context.Context, int) (string, error) {
		return "from the waiter", nil
	})
	holderDone := make(chan result, 1)
	go func() {
		v, err := holder(bg, 1)
		holderDone <- result{v, err}
	}()
	waitFor(t, started, "start of the holder's load")
	waiterDone := make(chan result, 1)
	go func() {
		v, err := waiter(bg, 1)
		waiterDone <- result{v, err}
	}()
	waitFor(t, waits, "wait for the holder's lock")
	close(unblock)
	if r := waitFor(t, holderDone, "holder's answer"); r.err == nil {
		t.Fatalf("holder got %q, want its error", r.v)
	}
	start := time.Now()
	if r := waitFor(t, waiterDone, "waiter's answer"); r.err != nil || r.v != "from the waiter" {
		t.Fatalf("waiter got %q, %v; want its own load", r.v, r.err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("waiter answered %v after the holder failed, want it woken by the release, long before the lock's minute", d)
	}
}

// A caller that has waited Options.LockWait runs the function itself.
func TestLockWaitBound(t *testing.T) {
	srv := testserver.Redis(t)
	other := newBackend(t, srv.URL(), nil)
	generation(t, other, "ns")
	st, err := other.TryLock(bg, "ns", lockedKey, time.Minute) // held by a process that never finishes
	if err != nil || st.Held == nil {
		t.Fatalf("TryLock = %+v, %v", st, err)
	}
	const wait = 200 * time.Millisecond
	f := lockedFunc(t, lockedCache(t, srv.URL(), nil), cachetoolz.Options{LockWait: wait}, func(context.Context, int) (string, error) {
		return "its own", nil
	})
	start := time.Now()
	v, err := f(bg, 1)
	d := time.Since(start)
	if err != nil || v != "its own" {
		t.Fatalf("got %q, %v; want its own load", v, err)
	}
	if d < wait || d > 10*time.Second {
		t.Fatalf("answered after %v, want after LockWait (%v), long before the lock's minute", d, wait)
	}
}

// Errors of the backend in TryLock or WaitLock make a call run its
// function at once, counted in Stats.Errors; the result is still stored.
// The errors are made by a user whose ACL forbids the command the step
// needs, which also fails it inside a script.
func TestLockErrorsFallBack(t *testing.T) {
	srv := testserver.Redis(t)
	if srv.External() {
		t.Skip("needs a server of its own, to add users")
	}
	other := newBackend(t, srv.URL(), nil)
	for _, step := range []struct{ name, command string }{
		{"TryLock", "pttl"},
		{"WaitLock", "xread"},
	} {
		t.Run(step.name, func(t *testing.T) {
			user := "no" + step.command
			if _, err := srv.Do(bg, "ACL", "SETUSER", user, "on", ">pw", "~*", "&*", "+@all", "-"+step.command); err != nil {
				t.Fatal(err)
			}
			ns := "errors-" + step.name
			generation(t, other, ns)
			held, err := other.TryLock(bg, ns, lockedKey, time.Minute)
			if err != nil || held.Held == nil {
				t.Fatalf("TryLock = %+v, %v", held, err)
			}
			url := strings.Replace(srv.URL(), "redis://", fmt.Sprintf("redis://%s:pw@", user), 1)
			c := lockedCache(t, url, nil)
			runs := 0
			f, err := cachetoolz.Wrap1(c, func(context.Context, int) (string, error) {
				runs++
				return "v", nil
			}, &cachetoolz.Options{Name: "locked", Namespace: ns, Lock: true, LockTTL: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(bg, 10*time.Second)
			defer cancel()
			if v, err := f(ctx, 1); err != nil || v != "v" {
				t.Fatalf("got %q, %v; want the function's result", v, err)
			}
			if e := c.Stats()[ns].Errors; e != 1 {
				t.Errorf("Stats.Errors = %d, want 1", e)
			}
			if v, err := f(ctx, 1); err != nil || v != "v" || runs != 1 {
				t.Fatalf("second call got %q, %v after %d runs; want the stored result", v, err, runs)
			}
		})
	}
}

// A backend that is not a Locker ignores Options.Lock.
func TestLockNeedsLocker(t *testing.T) {
	rec := &keyRecorder{}
	c := cachetoolz.Must(cachetoolz.New(rec, nil))
	runs := 0
	f := cachetoolz.Must(cachetoolz.Wrap1(c, func(context.Context, int) (string, error) {
		runs++
		return "v", nil
	}, &cachetoolz.Options{Name: "locked", Lock: true}))
	for range 2 {
		if v, err := f(bg, 1); err != nil || v != "v" {
			t.Fatalf("got %q, %v", v, err)
		}
	}
	if runs != 2 {
		t.Fatalf("%d runs on a backend that stores nothing, want 2", runs)
	}
}

// A server that stops answering while a call waits for a lock costs the
// call at most the lock's time left and one Timeout: then it runs its
// function, and the failure is counted.
func TestLockServerPaused(t *testing.T) {
	srv := testserver.Redis(t)
	if srv.External() {
		t.Skip("pauses a server of its own")
	}
	const ttl = time.Second
	other := newBackend(t, srv.URL(), nil)
	generation(t, other, "ns")
	held, err := other.TryLock(bg, "ns", lockedKey, ttl) // never renewed, never released
	if err != nil || held.Held == nil {
		t.Fatalf("TryLock = %+v, %v", held, err)
	}
	waits := make(lockWaits, 1)
	const timeout = 100 * time.Millisecond
	c := lockedCache(t, srv.URL(), &cachetoolz.Config{Observer: waits, Timeout: timeout})
	f := lockedFunc(t, c, cachetoolz.Options{LockTTL: ttl}, func(context.Context, int) (string, error) {
		return "its own", nil
	})
	done := make(chan result, 1)
	go func() {
		v, err := f(bg, 1)
		done <- result{v, err}
	}()
	waitFor(t, waits, "wait for the lock")
	if err := srv.Pause(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = srv.Resume() }()
	paused := time.Now()
	r := waitFor(t, done, "answer")
	d := time.Since(paused)
	if r.err != nil || r.v != "its own" {
		t.Fatalf("got %q, %v; want its own load", r.v, r.err)
	}
	if bound := ttl + 3*timeout + time.Second; d > bound {
		t.Fatalf("answered %v after the pause, want at most the lock's time and the timeouts (%v, with 1s to spare)", d, ttl+3*timeout)
	}
	if e := c.Stats()["ns"].Errors; e == 0 {
		t.Fatal("Stats.Errors = 0, want the failure counted")
	}
	t.Logf("answered %v after the server paused", d)
}
