package mongocache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// result is the outcome of one operation of the fault test's load.
type result struct {
	err   error
	wrong string // non-empty: a value that does not belong to its key
	took  time.Duration
}

// TestKillAndRestart runs a load against a server of its own, kills the
// server mid-load, restarts it on the same port with the same data, and
// checks that no operation returns a wrong value or hangs, that the
// backend recovers by itself, and that Close leaves no goroutine behind.
func TestKillAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts, kills and restarts a server")
	}
	srv := testserver.MongoOwn(t)
	baseline := runtime.NumGoroutine()

	b, err := New(srv.URI(), &Options{
		Database: "fault",
		Timeout:  2 * time.Second,
		Logger:   slog.New(slog.DiscardHandler),
		Client:   options.Client().SetServerSelectionTimeout(300 * time.Millisecond),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	const workers, keys = 4, 20
	results := make(chan result, 64)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				key := fmt.Sprint(i % keys)
				results <- op(b, "fault", key)
			}
		})
	}
	var wrong []string
	// await consumes results until enough satisfy ok, failing after limit
	// results or on a hang.
	await := func(phase string, enough int, ok func(result) bool, limit int) {
		t.Helper()
		n := 0
		for range limit {
			r := <-results
			if r.wrong != "" {
				wrong = append(wrong, r.wrong)
			}
			if r.took > 10*time.Second {
				t.Fatalf("%s: an operation took %v", phase, r.took)
			}
			if ok(r) {
				if n++; n == enough {
					return
				}
			}
		}
		t.Fatalf("%s: %d of %d wanted results in %d operations", phase, n, enough, limit)
	}
	succeeded := func(r result) bool { return r.err == nil }
	failed := func(r result) bool { return r.err != nil }

	await("before the kill", 200, succeeded, 2000)
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	await("server down", 20, failed, 2000)
	clearCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	if err := b.Clear(clearCtx, "elsewhere"); err == nil {
		t.Error("Clear with the server down succeeded")
	}
	cancel()
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	// The driver finds the server again by itself: within a bounded number
	// of operations (each bounded in time) they succeed again.
	await("after the restart", 200, succeeded, 20000)
	close(stop)
	go func() { wg.Wait(); close(results) }()
	for r := range results {
		if r.wrong != "" {
			wrong = append(wrong, r.wrong)
		}
	}
	if len(wrong) > 0 {
		t.Fatalf("%d wrong values, first: %s", len(wrong), wrong[0])
	}

	// The data survived the restart, and a clear works.
	ctx := context.Background()
	if _, _, err := b.Get(ctx, "fault", "0"); err != nil && !errors.Is(err, cachetoolz.ErrNotFound) {
		t.Fatal(err)
	}
	if err := b.Clear(ctx, "fault"); err != nil {
		t.Fatal(err)
	}
	wantMiss(t, b, "fault", "0")

	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	waitGoroutines(t, baseline)
}

// waitGoroutines fails unless the goroutines the test started end within
// ten seconds of Close, leaving no more than baseline.
func waitGoroutines(t *testing.T, baseline int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > baseline {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines after Close, %d before New:\n%s",
				runtime.NumGoroutine(), baseline, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// op is one step of a cache's life for key: a hit must hold the key's own
// value; a miss stores it.
func op(b *Backend, ns, key string) result {
	start := time.Now()
	value := "value of " + key
	got, gen, err := b.Get(context.Background(), ns, key)
	switch {
	case err == nil:
		if string(got) != value {
			return result{wrong: fmt.Sprintf("Get(%q) = %q", key, got), took: time.Since(start)}
		}
	case errors.Is(err, cachetoolz.ErrNotFound):
		err = b.Set(context.Background(), ns, key, []byte(value), time.Minute, gen)
	}
	return result{err: err, took: time.Since(start)}
}
