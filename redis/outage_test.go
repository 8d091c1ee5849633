package rediscache_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
)

// bounded runs op and fails the test if it takes longer than limit: the
// backend must never hang, whatever the server does.
func bounded(t *testing.T, limit time.Duration, what string, op func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- op() }()
	select {
	case err := <-done:
		return err
	case <-time.After(limit):
		t.Fatalf("%s: still running after %v", what, limit)
		return nil
	}
}

func TestOutageKilledServer(t *testing.T) {
	srv := testserver.Redis(t)
	if srv.External() {
		t.Skip("needs a server it can kill")
	}
	// A timeout that a loaded test machine meets while the server is up;
	// on a dead server calls fail at once anyway.
	b := newBackend(t, srv.URL(), &rediscache.Options{Timeout: time.Second})
	roundTrip(t, b)
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	// With a deadline, and without one (the backend's Timeout applies).
	ctx, cancel := context.WithTimeout(bg, 200*time.Millisecond)
	defer cancel()
	for _, c := range []context.Context{ctx, bg} {
		err := bounded(t, 3*time.Second, "Get on a dead server", func() error {
			_, _, err := b.Get(c, "ns", "k")
			return err
		})
		if err == nil || errors.Is(err, cachetoolz.ErrNotFound) {
			t.Fatalf("Get on a dead server: %v, want an error", err)
		}
		err = bounded(t, 3*time.Second, "Set on a dead server", func() error {
			return b.Set(c, "ns", "k", []byte("v"), 0, 0)
		})
		if err == nil {
			t.Fatal("Set on a dead server: no error")
		}
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	// The same backend recovers by itself.
	eventually(t, 10*time.Second, "recovery", func() bool {
		_, _, err := b.Get(bg, "ns", "k")
		return errors.Is(err, cachetoolz.ErrNotFound)
	})
	roundTrip(t, b)
}

func TestOutagePausedServer(t *testing.T) {
	srv := testserver.Redis(t)
	if srv.External() {
		t.Skip("needs a server it can pause")
	}
	b := newBackend(t, srv.URL(), &rediscache.Options{Timeout: 300 * time.Millisecond})
	roundTrip(t, b)
	if err := srv.Pause(); err != nil {
		t.Fatal(err)
	}
	resumed := false
	defer func() {
		if !resumed {
			_ = srv.Resume()
		}
	}()
	ctx, cancel := context.WithTimeout(bg, 100*time.Millisecond)
	defer cancel()
	for _, c := range []context.Context{ctx, bg} {
		err := bounded(t, 3*time.Second, "Get on a paused server", func() error {
			_, _, err := b.Get(c, "ns", "k")
			return err
		})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Get on a paused server: %v, want a deadline error", err)
		}
		err = bounded(t, 3*time.Second, "Clear on a paused server", func() error {
			return b.Clear(c, "ns")
		})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Clear on a paused server: %v, want a deadline error", err)
		}
	}
	if err := srv.Resume(); err != nil {
		t.Fatal(err)
	}
	resumed = true
	eventually(t, 10*time.Second, "recovery", func() bool {
		return b.Clear(bg, "ns") == nil
	})
	roundTrip(t, b)
}

func TestCloseLeavesNoGoroutines(t *testing.T) {
	srv := testserver.Redis(t)
	before := runtime.NumGoroutine()
	for i := range 5 {
		b, err := rediscache.New(srv.URL(), &rediscache.Options{ReclaimBatch: 1})
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 1 { // a tracking client has goroutines of its own
			if err := b.Track(newRecordingSink()); err != nil {
				t.Fatal(err)
			}
		}
		fill(t, b, "ns", 200, 0)
		if err := b.Clear(bg, "ns"); err != nil { // starts a background reclaim
			t.Fatal(err)
		}
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
		if _, _, err := b.Get(bg, "ns", "k"); !errors.Is(err, cachetoolz.ErrClosed) {
			t.Fatalf("Get after Close: %v", err)
		}
	}
	// Client goroutines finish shortly after Close returns.
	eventually(t, 5*time.Second, "goroutines to stop", func() bool {
		return runtime.NumGoroutine() <= before
	})
}

// TestNoDeadlineIsBounded: with no Options.Timeout and a context without a
// deadline, a call on a server that stopped answering still returns, once the
// client's write timeout (1s here, from the URL) gives up on the connection;
// on a dead server it returns at once, without retrying.
func TestNoDeadlineIsBounded(t *testing.T) {
	srv := testserver.Redis(t)
	if srv.External() {
		t.Skip("needs a server it can pause")
	}
	b := newBackend(t, srv.URL()+"?write_timeout=1s", nil)
	roundTrip(t, b)
	if err := srv.Pause(); err != nil {
		t.Fatal(err)
	}
	err := bounded(t, 10*time.Second, "Get on a paused server", func() error {
		_, _, err := b.Get(bg, "ns", "k")
		return err
	})
	if err == nil || errors.Is(err, cachetoolz.ErrNotFound) {
		t.Fatalf("Get on a paused server: %v, want an error", err)
	}
	if err := srv.Resume(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	for _, op := range []func() error{
		func() error { _, _, err := b.Get(bg, "ns", "k"); return err },
		func() error { return b.Set(bg, "ns", "k", []byte("v"), 0, 0) },
		func() error { return b.Clear(bg, "ns") },
	} {
		if err := bounded(t, 3*time.Second, "an operation on a dead server", op); err == nil {
			t.Fatal("operation on a dead server: no error")
		}
	}
}

// TestFirstCallsAfterRestart: after a server restart, no call fails for
// having been sent on a connection the old server closed.
func TestFirstCallsAfterRestart(t *testing.T) {
	srv := testserver.Redis(t)
	if srv.External() {
		t.Skip("needs a server it can restart")
	}
	b := newBackend(t, srv.URL(), &rediscache.Options{Timeout: 5 * time.Second})
	const keys = 64 // spread over every connection of the client
	check := func(when string) {
		t.Helper()
		for i := range keys {
			if _, _, err := b.Get(bg, fmt.Sprint("ns", i), "k"); !errors.Is(err, cachetoolz.ErrNotFound) {
				t.Fatalf("Get %d %s: %v, want ErrNotFound", i, when, err)
			}
			if err := b.Set(bg, fmt.Sprint("set", i), "k", []byte("v"), time.Minute, 0); err != nil {
				t.Fatalf("Set %d %s: %v", i, when, err)
			}
			if err := b.Clear(bg, fmt.Sprint("clear", i)); err != nil {
				t.Fatalf("Clear %d %s: %v", i, when, err)
			}
		}
	}
	check("before the restart")
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	check("after the restart")
	// Once more, with a Clear of many namespaces as the first call.
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	many := make([]string, keys)
	for i := range many {
		many[i] = fmt.Sprint("many", i)
	}
	if err := b.Clear(bg, many...); err != nil {
		t.Fatalf("the first Clear after a restart: %v", err)
	}
	check("after the second restart")
}
