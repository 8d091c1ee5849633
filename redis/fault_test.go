package rediscache_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
)

// TestFaultKillRestart runs a wrapped function under load through the core
// cache while redis-server is killed and restarted three times, then paused
// and resumed: every call must return
// the function's own result, within a bounded time, and the cache must go
// back to serving hits from Redis by itself.
func TestFaultKillRestart(t *testing.T) {
	srv := testserver.Redis(t)
	if srv.External() {
		t.Skip("needs a server it can kill")
	}
	goroutinesBefore := runtime.NumGoroutine()
	b, err := rediscache.New(srv.URL(), &rediscache.Options{Prefix: "fault:"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := cachetoolz.New(b, &cachetoolz.Config{
		Timeout:          200 * time.Millisecond,
		FailureThreshold: 3,
		Cooldown:         50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	var runs atomic.Int64
	fn := func(_ context.Context, id int) (string, error) {
		runs.Add(1)
		return fmt.Sprintf("user-%d", id), nil
	}
	get, err := cachetoolz.Wrap1(c, fn, &cachetoolz.Options{Name: "fault.get", Namespace: "users", TTL: time.Minute})
	if err != nil {
		t.Fatal(err)
	}

	// Load: 8 goroutines, 50 ids, until told to stop (bounded).
	const workers, ids, maxCalls = 8, 50, 200_000
	stop := make(chan struct{})
	var calls atomic.Int64
	var slowest atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := w; calls.Add(1) < maxCalls; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := i % ids
				start := time.Now()
				got, err := get(context.Background(), id)
				d := time.Since(start)
				for old := slowest.Load(); int64(d) > old && !slowest.CompareAndSwap(old, int64(d)); old = slowest.Load() {
				}
				if err != nil || got != fmt.Sprintf("user-%d", id) {
					errs <- fmt.Errorf("get(%d) = %q, %v", id, got, err)
					return
				}
			}
		})
	}
	defer func() {
		close(stop)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if d := time.Duration(slowest.Load()); d > 2*time.Second {
			t.Errorf("slowest call took %v, want the timeout's order (200ms)", d)
		}
		t.Logf("calls %d, function runs %d, slowest call %v", calls.Load(), runs.Load(), time.Duration(slowest.Load()))
		_ = c.Close()
		eventually(t, 5*time.Second, "goroutines to stop", func() bool {
			return runtime.NumGoroutine() <= goroutinesBefore
		})
	}()

	hitsNow := func() uint64 { return c.Stats()["users"].Hits }
	waitHits := func(what string) {
		t.Helper()
		from := hitsNow()
		eventually(t, 20*time.Second, what, func() bool { return hitsNow() > from+1000 })
	}
	waitHits("hits before the outage")
	for round := range 3 {
		if err := srv.Kill(); err != nil {
			t.Fatal(err)
		}
		from := calls.Load()
		eventually(t, 20*time.Second, "calls during the outage", func() bool { return calls.Load() > from+500 })
		if err := srv.Restart(); err != nil {
			t.Fatal(err)
		}
		waitHits(fmt.Sprintf("hits after restart %d", round+1))
	}
	// A server that accepts but does not answer: calls wait for the cache's
	// timeout at most, then the breaker skips Redis until it answers again.
	if err := srv.Pause(); err != nil {
		t.Fatal(err)
	}
	from := calls.Load()
	eventually(t, 20*time.Second, "calls while paused", func() bool { return calls.Load() > from+500 })
	if err := srv.Resume(); err != nil {
		t.Fatal(err)
	}
	waitHits("hits after resume")
}
