package cachetoolz_test

import (
	"context"
	"errors"
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/memory"
)

func TestFreshOptionsOutOfRange(t *testing.T) {
	for _, o := range []cachetoolz.Options{
		{EarlyRefresh: -1}, {EarlyRefresh: math.NaN()}, {EarlyRefresh: math.Inf(1)},
		{MaxStale: -1}, {StaleRetry: -1}, {SoftTimeout: -1}, {HardTimeout: -1},
	} {
		if _, err := cachetoolz.Wrap1(nil, func(context.Context, int) (int, error) { return 0, nil }, &o); err == nil {
			t.Errorf("Options %+v accepted", o)
		}
	}
}

// A hit allocates nothing, with freshness options and without, and once
// controls are in use.
func TestFreshHitAllocatesNothing(t *testing.T) {
	_ = cachetoolz.WithControl(bg, cachetoolz.Bypass) // controls are in use from now on
	for _, o := range []*cachetoolz.Options{nil, {TTL: time.Hour, EarlyRefresh: 1, MaxStale: time.Hour}} {
		c := cachetoolz.Must(cachetoolz.New(nil, nil))
		get := cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, id int) (int, error) { return id + 1000, nil }, o))
		_, _ = get(bg, 1)
		if n := testing.AllocsPerRun(1000, func() { _, _ = get(bg, 1) }); n != 0 {
			t.Errorf("Options %+v: a hit allocates %v times", o, n)
		}
		_ = c.Close()
	}
}

// Entries with freshness metadata and entries without are mismatches for
// each other's wrappers, in a byte-storing backend and in the memory one.
func TestFreshFormatsDoNotMix(t *testing.T) {
	for _, isolate := range []bool{false, true} {
		b := memory.Must(memory.New(&memory.Options{Isolate: isolate}))
		c := cachetoolz.Must(cachetoolz.New(b, nil))
		var runs atomic.Int64
		fn := func(_ context.Context, id int) (int, error) { runs.Add(1); return id, nil }
		plain := cachetoolz.Must(cachetoolz.Wrap1(c, fn, &cachetoolz.Options{Name: "f", TTL: time.Hour}))
		fresh := cachetoolz.Must(cachetoolz.Wrap1(c, fn, &cachetoolz.Options{Name: "f", TTL: time.Hour, MaxStale: time.Hour}))
		for i, get := range []func(context.Context, int) (int, error){plain, fresh, plain, fresh, fresh} {
			if v, err := get(bg, 3); v != 3 || err != nil {
				t.Fatalf("isolate %v, call %d: %d, %v", isolate, i, v, err)
			}
		}
		if s := c.Stats()[cachetoolz.DefaultNamespace]; runs.Load() != 4 || s.Mismatches != 3 || s.Hits != 1 {
			t.Errorf("isolate %v: %d runs, %+v; want 4 runs, 3 mismatches, 1 hit", isolate, runs.Load(), s)
		}
		_ = c.Close()
	}
}

// A function that takes no context cannot be stopped at HardTimeout: its
// caller gets ErrTimeout, and its result is stored when it comes.
func TestHardTimeoutWithoutContext(t *testing.T) {
	stored := make(chan struct{}, 1)
	c := cachetoolz.Must(cachetoolz.New(memory.Must(memory.New(&memory.Options{Isolate: true})),
		&cachetoolz.Config{Observer: setSignal(stored)}))
	defer func() { _ = c.Close() }()
	release := make(chan struct{})
	var runs atomic.Int64
	get := cachetoolz.Must(cachetoolz.Wrap1NoCtx(c, func(id int) (int, error) {
		runs.Add(1)
		<-release
		return id, nil
	}, &cachetoolz.Options{Name: "slow", HardTimeout: 20 * time.Millisecond}))
	if v, err := get(5); !errors.Is(err, cachetoolz.ErrTimeout) {
		t.Fatalf("= %d, %v; want ErrTimeout", v, err)
	}
	close(release)
	<-stored
	if v, err := get(5); v != 5 || err != nil || runs.Load() != 1 {
		t.Fatalf("= %d, %v after %d runs; want 5 from the first run", v, err, runs.Load())
	}
}

// setSignal is an Observer that sends on ch when a backend Set ends.
type setSignal chan struct{}

func (s setSignal) StartLoad(ctx context.Context, _ cachetoolz.Load) (context.Context, func(error)) {
	return ctx, func(error) {}
}

func (s setSignal) StartOp(ctx context.Context, o cachetoolz.Op) (context.Context, func(error)) {
	if o.Kind != cachetoolz.OpSet {
		return ctx, func(error) {}
	}
	return ctx, func(error) { s <- struct{}{} }
}

// notDeleter is a backend that cannot remove one entry.
type notDeleter struct{ cachetoolz.Backend }

func TestForgetNeedsADeleter(t *testing.T) {
	c := cachetoolz.Must(cachetoolz.New(notDeleter{memory.Must(memory.New(&memory.Options{Isolate: true}))}, nil))
	defer func() { _ = c.Close() }()
	get := cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, id int) (int, error) { return id, nil }, nil))
	if _, err := get(cachetoolz.WithControl(bg, cachetoolz.Forget), 1); !errors.Is(err, errors.ErrUnsupported) {
		t.Fatalf("Forget on a backend that cannot delete: %v, want errors.ErrUnsupported", err)
	}
}

// The retry throttle is per key: a failure of one key's load does not keep
// another key's callers from loading; and a wrapper without an error
// result gets the stale value too. Time is a fake clock.
func TestStaleRetryIsPerKey(t *testing.T) {
	each(t, func(t *testing.T, c0 *cachetoolz.Cache) {
		now := time.Unix(1_700_000_000, 0)
		var mu sync.Mutex
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		c := cachetoolz.Must(cachetoolz.New(c0.Backend(), &cachetoolz.Config{Now: clock}))
		var runs [3]atomic.Int64
		var fail atomic.Bool
		get := cachetoolz.Must(cachetoolz.Wrap1NoErr(c, func(_ context.Context, id int) int {
			runs[id].Add(1)
			if fail.Load() {
				panic("down")
			}
			return id * 10
		}, &cachetoolz.Options{Name: "perkey", TTL: time.Minute, MaxStale: time.Hour, StaleRetry: 10 * time.Second}))
		for id := 1; id <= 2; id++ {
			if v := get(bg, id); v != id*10 {
				t.Fatalf("get(%d) = %d", id, v)
			}
		}
		fail.Store(true)
		mu.Lock()
		now = now.Add(2 * time.Minute)
		mu.Unlock()
		if v := get(bg, 1); v != 10 || runs[1].Load() != 2 {
			t.Fatalf("key 1 after a failed load: %d after %d runs, want the stale 10 after 2", v, runs[1].Load())
		}
		if v := get(bg, 1); v != 10 || runs[1].Load() != 2 {
			t.Fatalf("key 1 within StaleRetry: %d after %d runs, want the stale 10 after 2", v, runs[1].Load())
		}
		fail.Store(false)
		if v := get(bg, 2); v != 20 || runs[2].Load() != 2 {
			t.Fatalf("key 2: %d after %d runs; key 1's failure must not throttle it", v, runs[2].Load())
		}
		if v := get(bg, 1); v != 10 || runs[1].Load() != 2 {
			t.Fatalf("key 1, still within StaleRetry: %d after %d runs", v, runs[1].Load())
		}
		mu.Lock()
		now = now.Add(11 * time.Second)
		mu.Unlock()
		if v := get(bg, 1); v != 10 || runs[1].Load() != 3 {
			t.Fatalf("key 1 after StaleRetry: %d after %d runs, want a fresh 10 after 3", v, runs[1].Load())
		}
		if s := c.Stats()[cachetoolz.DefaultNamespace]; s.Stale != 3 {
			t.Fatalf("Stats.Stale = %d, want 3", s.Stale)
		}
	})
}
