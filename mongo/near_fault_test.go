package mongocache

import (
	"context"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	"github.com/cachetoolz/cachetoolz/memory"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// TestNearKillAndRestart runs three caches with local tiers, as three
// processes, on a server of their own: A clears and reads while B and C
// read, and the server is killed mid-run and restarted. No read may return
// a result made obsolete by a clear that finished more than the documented
// bound (TrackInterval plus twice TrackTimeout) before the read began.
func TestNearKillAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts, kills and restarts a server")
	}
	srv := testserver.MongoOwn(t)
	opts := &Options{
		Database:      "near",
		Timeout:       time.Second,
		Logger:        slog.New(slog.DiscardHandler),
		Client:        options.Client().SetServerSelectionTimeout(300 * time.Millisecond),
		TrackInterval: 20 * time.Millisecond,
		TrackTimeout:  300 * time.Millisecond,
	}
	bound := opts.TrackInterval + 2*opts.TrackTimeout

	// Every run of the function returns a new number; runStart[n] is when
	// the run that returned n began.
	var (
		mu       sync.Mutex
		runStart = []time.Time{{}}
	)
	fn := func(context.Context, int) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		runStart = append(runStart, time.Now())
		return len(runStart) - 1, nil
	}
	const procs = 3
	var (
		fns    [procs]func(context.Context, int) (int, error)
		clearA func(context.Context) error // A's Clear
	)
	for i := range procs {
		b, err := New(srv.URI(), opts)
		if err != nil {
			t.Fatal(err)
		}
		c, err := cachetoolz.New(b, &cachetoolz.Config{Local: &memory.Options{MaxEntries: 1024}, Logger: opts.Logger})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		if fns[i], err = cachetoolz.Wrap1(c, fn, &cachetoolz.Options{Name: "near", Namespace: "near", TTL: time.Minute}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			clearA = func(ctx context.Context) error { return c.Clear(ctx, "near") }
		}
	}

	type read struct {
		start time.Time
		value int
	}
	type span struct{ start, end time.Time }
	var (
		reads   [procs][]read
		clears  []span
		cleared atomic.Int64 // successful clears
		failed  atomic.Int64 // failed clears
		stop    = make(chan struct{})
		wg      sync.WaitGroup
	)
	for p := range procs {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if p == 0 && i%4 == 0 {
					start := time.Now()
					if err := clearA(context.Background()); err != nil {
						failed.Add(1)
						continue
					}
					clears = append(clears, span{start, time.Now()})
					cleared.Add(1)
					continue
				}
				start := time.Now()
				if v, err := fns[p](context.Background(), i%4); err == nil {
					reads[p] = append(reads[p], read{start, v})
				}
			}
		})
	}
	// awaitCount waits until c reaches n, failing after a minute.
	awaitCount := func(what string, c *atomic.Int64, n int64) {
		t.Helper()
		deadline := time.Now().Add(time.Minute)
		for c.Load() < n {
			if time.Now().After(deadline) {
				t.Fatalf("%s: %d of %d within a minute", what, c.Load(), n)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	awaitCount("clears before the kill", &cleared, 30)
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	awaitCount("failed clears while down", &failed, 5)
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	awaitCount("clears after the restart", &cleared, cleared.Load()+30)
	close(stop)
	wg.Wait()

	// A result is obsolete once a clear that began after its run began has
	// finished; a read may return it only within bound of that finish.
	var late time.Duration // the latest read of an obsolete result, after its clear
	n := 0
	for p := range procs {
		for _, r := range reads[p] {
			n++
			made := runStart[r.value]
			// The first clear that began after the run and finished
			// before the read.
			i := sort.Search(len(clears), func(i int) bool { return !clears[i].start.Before(made) })
			if i == len(clears) || !clears[i].end.Before(r.start) {
				continue
			}
			after := r.start.Sub(clears[i].end)
			late = max(late, after)
			if after > bound {
				t.Errorf("process %d read result %d %v after a clear that made it obsolete (bound %v)", p, r.value, after, bound)
			}
		}
	}
	t.Logf("%d reads, %d clears (%d failed while down); obsolete results read at most %v after their clear (bound %v)",
		n, len(clears), failed.Load(), late, bound)
}
