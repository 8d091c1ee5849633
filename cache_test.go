package cachetoolz_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/memory"
)

var bg = context.Background()

type user struct {
	ID   int
	Name string
	Tags []string
}

// backends returns a cache on each path the core has: Go values (memory)
// and encoded bytes (memory with Isolate, which goes through the codec and
// the Backend interface exactly as a remote backend does).
func caches(t *testing.T) map[string]*cachetoolz.Cache {
	t.Helper()
	out := map[string]*cachetoolz.Cache{}
	for name, opts := range map[string]*memory.Options{"values": nil, "bytes": {Isolate: true}} {
		b, err := memory.New(opts)
		if err != nil {
			t.Fatal(err)
		}
		c, err := cachetoolz.New(b, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		out[name] = c
	}
	return out
}

func each(t *testing.T, f func(t *testing.T, c *cachetoolz.Cache)) {
	for name, c := range caches(t) {
		t.Run(name, func(t *testing.T) { f(t, c) })
	}
}

func TestHitAndMiss(t *testing.T) {
	each(t, func(t *testing.T, c *cachetoolz.Cache) {
		var runs atomic.Int64
		get, err := cachetoolz.Wrap1(c, func(ctx context.Context, id int) (user, error) {
			runs.Add(1)
			return user{ID: id, Name: fmt.Sprint("u", id), Tags: []string{"a", "b"}}, nil
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			for id := range 10 {
				u, err := get(bg, id)
				if err != nil || u.ID != id || u.Name != fmt.Sprint("u", id) || len(u.Tags) != 2 {
					t.Fatalf("get(%d) = %+v, %v", id, u, err)
				}
			}
		}
		if n := runs.Load(); n != 10 {
			t.Fatalf("function ran %d times for 10 keys", n)
		}
		s := c.Stats()[cachetoolz.DefaultNamespace]
		if s.Hits != 20 || s.Misses != 10 || s.Loads != 10 || s.Errors != 0 {
			t.Fatalf("Stats = %+v, want 20 hits, 10 misses, 10 loads", s)
		}
	})
}

func TestEveryShapeKeepsItsSignature(t *testing.T) {
	c := cachetoolz.Must(cachetoolz.New(nil, nil))
	var runs atomic.Int64
	count := func() { runs.Add(1) }
	f0 := cachetoolz.Must(cachetoolz.Wrap0(c, func(context.Context) (int, error) { count(); return 7, nil }, nil))
	f0n := cachetoolz.Must(cachetoolz.Wrap0NoCtx(c, func() (int, error) { count(); return 7, nil }, nil))
	f0e := cachetoolz.Must(cachetoolz.Wrap0NoErr(c, func(context.Context) int { count(); return 7 }, nil))
	f0p := cachetoolz.Must(cachetoolz.Wrap0Plain(c, func() int { count(); return 7 }, nil))
	f2 := cachetoolz.Must(cachetoolz.Wrap2(c, func(_ context.Context, a, b int) (int, error) { count(); return a - b, nil }, nil))
	f2p := cachetoolz.Must(cachetoolz.Wrap2Plain(c, func(a, b int) int { count(); return a - b }, nil))
	f3 := cachetoolz.Must(cachetoolz.Wrap3NoCtx(c, func(a string, b int, d bool) (string, error) {
		count()
		return fmt.Sprint(a, b, d), nil
	}, nil))
	f3e := cachetoolz.Must(cachetoolz.Wrap3NoErr(c, func(_ context.Context, a, b, d float64) float64 { count(); return a + b + d }, nil))
	for range 2 {
		for _, got := range []any{
			cachetoolz.Must(f0(bg)), cachetoolz.Must(f0n()), f0e(bg), f0p(),
			cachetoolz.Must(f2(bg, 5, 3)), f2p(5, 3), cachetoolz.Must(f3("x", 1, true)), f3e(bg, 1, 2, 3.5),
		} {
			switch got {
			case 7, 2, "x1 true", 6.5:
			default:
				t.Fatalf("unexpected result %v", got)
			}
		}
	}
	if n := runs.Load(); n != 8 {
		t.Fatalf("8 functions ran %d times in two rounds, want 8", n)
	}
}

func TestStampedeRunsOnce(t *testing.T) {
	each(t, func(t *testing.T, c *cachetoolz.Cache) {
		var runs atomic.Int64
		release := make(chan struct{})
		get := cachetoolz.Must(cachetoolz.Wrap1(c, func(ctx context.Context, id int) (int, error) {
			runs.Add(1)
			<-release
			return id * 2, nil
		}, nil))
		const callers = 1000
		var started, done sync.WaitGroup
		started.Add(callers)
		errs := make(chan error, callers)
		for range callers {
			done.Go(func() {
				started.Done()
				v, err := get(bg, 21)
				if err != nil || v != 42 {
					errs <- fmt.Errorf("get = %d, %v", v, err)
				}
			})
		}
		started.Wait()
		close(release)
		done.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if n := runs.Load(); n != 1 {
			t.Fatalf("1000 concurrent callers on a cold key ran the function %d times, want 1", n)
		}
	})
}

// A caller that leaves does not stop the load for the callers still
// waiting, and its result is cached.
func TestCancelledCallerDoesNotCancelSharedLoad(t *testing.T) {
	each(t, func(t *testing.T, c *cachetoolz.Cache) {
		release := make(chan struct{})
		started := make(chan struct{})
		loadCtxErr := make(chan error, 1)
		var runs atomic.Int64
		get := cachetoolz.Must(cachetoolz.Wrap1(c, func(ctx context.Context, id int) (int, error) {
			runs.Add(1)
			close(started)
			<-release
			loadCtxErr <- ctx.Err()
			return id, nil
		}, nil))
		ctx, cancel := context.WithCancel(bg)
		left := make(chan error, 1)
		go func() {
			_, err := get(ctx, 1)
			left <- err
		}()
		<-started
		stayed := make(chan error, 1)
		go func() {
			_, err := get(bg, 1) // joins the load, and stays
			stayed <- err
		}()
		waitFor(t, func() bool { return c.Stats()[cachetoolz.DefaultNamespace].Misses == 2 })
		cancel()
		if err := <-left; !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled caller got %v, want context.Canceled", err)
		}
		close(release)
		if err := <-loadCtxErr; err != nil {
			t.Fatalf("the load saw its context done while a caller waited: %v", err)
		}
		if err := <-stayed; err != nil {
			t.Fatalf("the caller that stayed got %v", err)
		}
		if v, err := get(bg, 1); err != nil || v != 1 {
			t.Fatalf("get after the load = %d, %v", v, err)
		}
		if n := runs.Load(); n != 1 {
			t.Fatalf("function ran %d times, want 1", n)
		}
	})
}

// When the last waiting caller leaves, the load is cancelled, stores
// nothing, and the next caller starts a new one instead of joining it: a
// function that waits on its context never wedges its key.
func TestLoadEndsWhenLastCallerLeaves(t *testing.T) {
	each(t, func(t *testing.T, c *cachetoolz.Cache) {
		var runs atomic.Int64
		ended := make(chan error, 2)
		get := cachetoolz.Must(cachetoolz.Wrap1(c, func(ctx context.Context, id int) (int, error) {
			if runs.Add(1) == 1 {
				<-ctx.Done() // waits for its context, and nothing else
				ended <- ctx.Err()
				return -1, nil // a result after the context ended is never stored
			}
			return id, nil
		}, nil))
		ctx, cancel := context.WithCancel(bg)
		left := make(chan error, 1)
		go func() {
			_, err := get(ctx, 1)
			left <- err
		}()
		waitFor(t, func() bool { return runs.Load() == 1 })
		cancel()
		if err := <-left; !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled caller got %v", err)
		}
		if err := <-ended; !errors.Is(err, context.Canceled) {
			t.Fatalf("the abandoned load's context ended with %v, want context.Canceled", err)
		}
		if v, err := get(bg, 1); err != nil || v != 1 {
			t.Fatalf("next call = %d, %v, want a new run's 1", v, err)
		}
		if v, err := get(bg, 1); err != nil || v != 1 || runs.Load() != 2 {
			t.Fatalf("third call = %d, %v after %d runs, want a hit after 2", v, err, runs.Load())
		}
	})
}

// A caller that cannot leave (no error to report) keeps its load alive, and
// the load timeout ends a function that waits on its context.
func TestLoadTimeoutEndsLoad(t *testing.T) {
	each(t, func(t *testing.T, c *cachetoolz.Cache) {
		var runs atomic.Int64
		get := cachetoolz.Must(cachetoolz.Wrap1NoErr(c, func(ctx context.Context, id int) int {
			if runs.Add(1) == 1 {
				<-ctx.Done()
				return -1
			}
			return id
		}, &cachetoolz.Options{LoadTimeout: 100 * time.Millisecond})) // time for the load to reach the function on a loaded machine
		if v := get(bg, 1); v != -1 {
			t.Fatalf("first call = %d, want the timed-out run's -1", v)
		}
		if v := get(bg, 1); v != 1 || runs.Load() != 2 {
			t.Fatalf("second call = %d after %d runs: the timed-out result was cached", v, runs.Load())
		}
	})
}

// waitFor polls cond until it holds, for conditions no channel can signal
// (another goroutine blocked inside the cache).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 10s")
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}

func TestErrorsAreNotCached(t *testing.T) {
	each(t, func(t *testing.T, c *cachetoolz.Cache) {
		var runs atomic.Int64
		boom := errors.New("boom")
		get := cachetoolz.Must(cachetoolz.Wrap1NoCtx(c, func(id int) (int, error) {
			if runs.Add(1) == 1 {
				return 0, boom
			}
			return id, nil
		}, nil))
		if _, err := get(3); !errors.Is(err, boom) {
			t.Fatalf("first call: %v, want boom", err)
		}
		if v, err := get(3); err != nil || v != 3 {
			t.Fatalf("second call = %d, %v", v, err)
		}
		if v, err := get(3); err != nil || v != 3 || runs.Load() != 2 {
			t.Fatalf("third call = %d, %v after %d runs, want a hit after 2", v, err, runs.Load())
		}
	})
}

func TestPanicReachesCallersAndIsNotCached(t *testing.T) {
	each(t, func(t *testing.T, c *cachetoolz.Cache) {
		var runs atomic.Int64
		get := cachetoolz.Must(cachetoolz.Wrap1(c, func(ctx context.Context, id int) (int, error) {
			if runs.Add(1) == 1 {
				panic("kaput")
			}
			return id, nil
		}, nil))
		func() {
			defer func() {
				r := recover()
				err, ok := r.(error)
				if !ok || !strings.Contains(err.Error(), "kaput") || !strings.Contains(err.Error(), "cache_test.go") {
					t.Fatalf("recovered %v, want an error with the panic value and the stack", r)
				}
			}()
			_, _ = get(bg, 1)
			t.Fatal("call did not panic")
		}()
		if v, err := get(bg, 1); err != nil || v != 1 {
			t.Fatalf("call after the panic = %d, %v", v, err)
		}
	})
}

func TestGoexitInFunction(t *testing.T) {
	c := cachetoolz.Must(cachetoolz.New(nil, nil))
	get := cachetoolz.Must(cachetoolz.Wrap0(c, func(context.Context) (int, error) {
		runtime.Goexit()
		return 0, nil
	}, nil))
	done := make(chan bool)
	go func() {
		returned := false
		defer func() { done <- returned }()
		_, _ = get(bg)
		returned = true
	}()
	if <-done {
		t.Fatal("caller returned normally from a function that called Goexit")
	}
}

func TestNamespacesWithGlobCharacters(t *testing.T) {
	each(t, func(t *testing.T, c *cachetoolz.Cache) {
		var runs atomic.Int64
		wrap := func(ns string) func(int) (int, error) {
			return cachetoolz.Must(cachetoolz.Wrap1NoCtx(c, func(id int) (int, error) {
				runs.Add(1)
				return id, nil
			}, &cachetoolz.Options{Namespace: ns, Name: "f-" + ns}))
		}
		star, users, colon := wrap("user*"), wrap("users"), wrap("a:b")
		for _, f := range []func(int) (int, error){star, users, colon} {
			_, _ = f(1)
			_, _ = f(1)
		}
		if runs.Load() != 3 {
			t.Fatalf("%d runs, want 3", runs.Load())
		}
		if err := c.Clear(bg, "user*"); err != nil {
			t.Fatal(err)
		}
		_, _ = users(1)
		_, _ = colon(1)
		if runs.Load() != 3 {
			t.Fatal("clearing user* evicted another namespace")
		}
		_, _ = star(1)
		if runs.Load() != 4 {
			t.Fatal("clearing user* did not clear it")
		}
	})
}

func TestClearDuringLoadIsNotCached(t *testing.T) {
	each(t, func(t *testing.T, c *cachetoolz.Cache) {
		var version atomic.Int64
		entered, release := make(chan struct{}), make(chan struct{})
		var first atomic.Bool
		get := cachetoolz.Must(cachetoolz.Wrap0(c, func(context.Context) (int64, error) {
			v := version.Load()
			if first.CompareAndSwap(false, true) {
				close(entered)
				<-release
			}
			return v, nil
		}, nil))
		stale := make(chan int64)
		go func() {
			v, _ := get(bg)
			stale <- v
		}()
		<-entered // the load has read version 0
		version.Store(1)
		if err := c.Clear(bg); err != nil {
			t.Fatal(err)
		}
		// A call after the clear must not join the load that began before it.
		if v, err := get(bg); err != nil || v != 1 {
			t.Fatalf("call after clear = %d, %v, want 1", v, err)
		}
		close(release)
		if v := <-stale; v != 0 {
			t.Fatalf("the old load returned %d", v)
		}
		// Once the old load has finished, its stale result is not served.
		if v, err := get(bg); err != nil || v != 1 {
			t.Fatalf("call after the old load = %d, %v, want 1", v, err)
		}
	})
}

func TestTTL(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1_000_000, 0)}
	b := memory.Must(memory.New(&memory.Options{Clock: clock}))
	c := cachetoolz.Must(cachetoolz.New(b, nil))
	defer c.Close()
	var runs atomic.Int64
	get := cachetoolz.Must(cachetoolz.Wrap0Plain(c, func() int64 { return runs.Add(1) }, &cachetoolz.Options{TTL: time.Minute}))
	for range 2 {
		if v := get(); v != 1 {
			t.Fatalf("within its TTL: %d, want the cached 1", v)
		}
	}
	clock.Advance(time.Minute)
	if v := get(); v != 2 {
		t.Fatalf("after the TTL: %d, want a new run", v)
	}
}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestClearAfter(t *testing.T) {
	each(t, func(t *testing.T, c *cachetoolz.Cache) {
		var version atomic.Int64
		get := cachetoolz.Must(cachetoolz.Wrap0(c, func(context.Context) (int64, error) { return version.Load(), nil }, &cachetoolz.Options{Namespace: "users"}))
		keep := cachetoolz.Must(cachetoolz.Wrap0(c, func(context.Context) (int64, error) { return version.Load(), nil }, &cachetoolz.Options{Namespace: "other"}))
		fail := errors.New("refused")
		update := cachetoolz.Must(cachetoolz.ClearAfter(c, func(ctx context.Context, v int64, ok bool) (string, error) {
			if !ok {
				return "", fail
			}
			version.Store(v)
			return "done", nil
		}, "users"))
		_, _ = get(bg)
		_, _ = keep(bg)
		if _, err := update(bg, 5, false); !errors.Is(err, fail) {
			t.Fatal(err)
		}
		if v, _ := get(bg); v != 0 {
			t.Fatal("a failed call cleared the namespace")
		}
		if s, err := update(bg, 5, true); s != "done" || err != nil {
			t.Fatalf("update = %q, %v", s, err)
		}
		if v, _ := get(bg); v != 5 {
			t.Fatalf("after ClearAfter: %d, want 5", v)
		}
		if v, _ := keep(bg); v != 0 {
			t.Fatal("ClearAfter cleared another namespace")
		}
		if _, err := cachetoolz.ClearAfter(c, 42); err == nil {
			t.Fatal("ClearAfter accepted a non-function")
		}
	})
}

func TestUnsupportedArguments(t *testing.T) {
	c := cachetoolz.Must(cachetoolz.New(nil, nil))
	if _, err := cachetoolz.Wrap1(c, func(context.Context, func()) (int, error) { return 0, nil }, nil); !errors.Is(err, cachetoolz.ErrUnsupportedArgument) {
		t.Fatalf("wrapping a func argument: %v, want ErrUnsupportedArgument", err)
	}
	if _, err := cachetoolz.Wrap1(c, func(context.Context, struct{ C chan int }) (int, error) { return 0, nil }, nil); !errors.Is(err, cachetoolz.ErrUnsupportedArgument) {
		t.Fatalf("wrapping a chan field: %v, want ErrUnsupportedArgument", err)
	}
	// A value that cannot be keyed at call time runs the function
	// uncached, in every shape, and is counted.
	var runs int
	get := cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, v any) (int, error) { runs++; return runs, nil }, nil))
	if v, err := get(bg, make(chan int)); err != nil || v != 1 {
		t.Fatalf("calling with a chan behind any = %d, %v, want an uncached run", v, err)
	}
	plain := cachetoolz.Must(cachetoolz.Wrap1Plain(c, func(v any) int { runs++; return runs }, nil))
	if plain(func() {}) != 2 || plain(func() {}) != 3 {
		t.Fatal("a wrapper without an error result must run the function uncached")
	}
	if c.Stats()[cachetoolz.DefaultNamespace].Errors != 3 {
		t.Fatalf("Stats = %+v, want 3 errors", c.Stats()[cachetoolz.DefaultNamespace])
	}
}

func TestOptionsValidated(t *testing.T) {
	if _, err := cachetoolz.New(nil, &cachetoolz.Config{Timeout: -1}); err == nil {
		t.Error("New accepted a negative Timeout")
	}
	if _, err := cachetoolz.Wrap0Plain(nil, func() int { return 1 }, &cachetoolz.Options{TTL: -time.Second}); err == nil {
		t.Error("Wrap accepted a negative TTL")
	}
	var nilFn func() int
	if _, err := cachetoolz.Wrap0Plain(nil, nilFn, nil); err == nil {
		t.Error("Wrap accepted a nil function")
	}
}

func TestNilInterfaceResultIsCached(t *testing.T) {
	each(t, func(t *testing.T, c *cachetoolz.Cache) {
		var runs atomic.Int64
		get := cachetoolz.Must(cachetoolz.Wrap0Plain(c, func() error { runs.Add(1); return nil }, nil))
		for range 3 {
			if err := get(); err != nil {
				t.Fatal(err)
			}
		}
		if runs.Load() != 1 {
			t.Fatalf("nil result: %d runs, want 1", runs.Load())
		}
	})
}

func TestInterfaceResultsRoundTrip(t *testing.T) {
	each(t, func(t *testing.T, c *cachetoolz.Cache) {
		runs := 0
		get := cachetoolz.Must(cachetoolz.Wrap1Plain(c, func(n int) any { runs++; return map[string]any{"n": n, "list": []any{"a", 1.5}} }, nil))
		for range 2 {
			v, ok := get(3).(map[string]any)
			if !ok || v["n"] != 3 {
				t.Fatalf("any result = %#v", get(3))
			}
		}
		if runs != 1 {
			t.Fatalf("%d runs, want 1", runs)
		}
	})
}
