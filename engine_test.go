package cachetoolz_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/codec"
	"github.com/cachetoolz/cachetoolz/memory"
)

// A nil result of an interface type with no methods comes back nil from a
// hit, not as whatever stands for it inside the cache.
func TestNilAnyResult(t *testing.T) {
	each(t, func(t *testing.T, c *cachetoolz.Cache) {
		var runs atomic.Int64
		get := cachetoolz.Must(cachetoolz.Wrap1Plain(c, func(id int) any { runs.Add(1); return nil }, nil))
		for i := range 3 {
			if v := get(1); v != nil {
				t.Fatalf("call %d returned %#v, want nil", i, v)
			}
		}
		if runs.Load() != 1 {
			t.Fatalf("%d runs, want 1", runs.Load())
		}
	})
}

// TTLs too long to add to the clock are clamped, never born expired.
func TestHugeTTL(t *testing.T) {
	for _, ttl := range []time.Duration{math.MaxInt64, 250 * 365 * 24 * time.Hour, cachetoolz.MaxTTL + 1} {
		each(t, func(t *testing.T, c *cachetoolz.Cache) {
			var runs atomic.Int64
			get := cachetoolz.Must(cachetoolz.Wrap1Plain(c, func(id int) int { runs.Add(1); return id },
				&cachetoolz.Options{TTL: ttl, Name: fmt.Sprint("huge-", ttl)}))
			get(1)
			get(1)
			if runs.Load() != 1 {
				t.Fatalf("TTL %v: %d runs, want 1 (the entry was born expired)", ttl, runs.Load())
			}
		})
	}
}

// Clearing names no wrapped function uses leaves no state behind, however
// many there are.
func TestClearLeavesNoState(t *testing.T) {
	each(t, func(t *testing.T, c *cachetoolz.Cache) {
		get := cachetoolz.Must(cachetoolz.Wrap1Plain(c, func(id int) int { return id }, &cachetoolz.Options{Namespace: "kept"}))
		get(1)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		const names = 100_000
		for i := range names {
			if err := c.Clear(bg, fmt.Sprint("gone-", i)); err != nil {
				t.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		if s := c.Stats(); len(s) != 1 {
			t.Fatalf("Stats lists %d namespaces after clearing %d unused names, want only the wrapped one", len(s), names)
		}
		// Each cleared name kept nothing: far less than a byte a name stays.
		if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > names {
			t.Fatalf("heap grew by %d bytes over %d clears of unused names", grew, names)
		}
	})
}

// A panic reaches callers as the exported *PanicError, with the original
// value and the stack.
func TestPanicError(t *testing.T) {
	boom := errors.New("boom")
	get := cachetoolz.Must(cachetoolz.Wrap0(nil, func(context.Context) (int, error) { panic(boom) }, &cachetoolz.Options{Name: t.Name()}))
	defer func() {
		r := recover()
		pe, ok := r.(*cachetoolz.PanicError)
		if !ok {
			t.Fatalf("recovered %T, want *cachetoolz.PanicError", r)
		}
		if pe.Value != boom || !errors.Is(pe, boom) || !strings.Contains(string(pe.Stack), "engine_test.go") {
			t.Fatalf("PanicError = %v, %q", pe.Value, pe.Stack)
		}
	}()
	_, _ = get(bg)
	t.Fatal("call did not panic")
}

// One namespace's backend failures open that namespace's breaker only: the
// others keep their hits.
func TestBreakerIsPerNamespace(t *testing.T) {
	f, c, _ := newFaulty(t, &cachetoolz.Config{FailureThreshold: 3, Cooldown: time.Hour})
	sick := cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, id int) (int, error) { return id, nil }, &cachetoolz.Options{Namespace: "sick"}))
	var wellRuns atomic.Int64
	well := cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, id int) (int, error) { wellRuns.Add(1); return id, nil }, &cachetoolz.Options{Namespace: "well"}))
	for i := range 10 {
		_, _ = well(bg, i)
	}
	name := "sick"
	f.only.Store(&name)
	f.mode.Store(1)
	for i := range 100 {
		if v, err := sick(bg, i); err != nil || v != i {
			t.Fatal(v, err)
		}
	}
	for i := range 10 {
		_, _ = well(bg, i)
	}
	if wellRuns.Load() != 10 {
		t.Fatalf("the healthy namespace ran its function %d times, want 10: its hits were lost to the other's outage", wellRuns.Load())
	}
	s := c.Stats()
	if s["well"].Hits != 10 || s["sick"].Errors != 3 {
		t.Fatalf("Stats = %+v", s)
	}
}

// Each kind of trouble has its own log limit: a stream of encode errors
// does not hide a get outage.
func TestLogLimitIsPerKind(t *testing.T) {
	f, c, logs := newFaulty(t, &cachetoolz.Config{FailureThreshold: 1000})
	enc := cachetoolz.Must(cachetoolz.Wrap1Plain(c, func(id int) any { return func() {} }, &cachetoolz.Options{Namespace: "enc"}))
	for i := range 10 {
		enc(i)
	}
	get := cachetoolz.Must(cachetoolz.Wrap1Plain(c, func(id int) int { return id }, &cachetoolz.Options{Namespace: "get"}))
	f.mode.Store(1)
	get(1)
	out := logs.String()
	if !strings.Contains(out, "op=encode") || !strings.Contains(out, "op=get") {
		t.Fatalf("want one encode and one get line:\n%s", out)
	}
}

// An entry stored for another result type, by another deploy sharing the
// backend, is never served: the call runs its function, and the entry is
// counted, logged and overwritten. So is one stored under another
// Options.Version.
func TestResultTypeChangeIsAMiss(t *testing.T) {
	b := memory.Must(memory.New(&memory.Options{Isolate: true}))
	logs := &syncBuffer{}
	v1c := cachetoolz.Must(cachetoolz.New(b, nil))
	v2c := cachetoolz.Must(cachetoolz.New(b, &cachetoolz.Config{Logger: newLogger(logs)}))
	type v1 struct{ A int }
	type v2 struct{ B string }
	old := cachetoolz.Must(cachetoolz.Wrap1Plain(v1c, func(id int) v1 { return v1{A: id} }, &cachetoolz.Options{Name: "get"}))
	var runs atomic.Int64
	cur := cachetoolz.Must(cachetoolz.Wrap1Plain(v2c, func(id int) v2 { runs.Add(1); return v2{B: fmt.Sprint("b", id)} }, &cachetoolz.Options{Name: "get"}))
	old(7)
	if got := cur(7); got.B != "b7" || runs.Load() != 1 {
		t.Fatalf("after a deploy changed the result type, call = %+v after %d runs", got, runs.Load())
	}
	if got := cur(7); got.B != "b7" || runs.Load() != 1 {
		t.Fatalf("the entry was not overwritten: %+v after %d runs", got, runs.Load())
	}
	if s := v2c.Stats()[cachetoolz.DefaultNamespace]; s.Mismatches != 1 || s.Hits != 1 {
		t.Fatalf("Stats = %+v, want 1 mismatch and 1 hit", s)
	}
	if !strings.Contains(logs.String(), "op=mismatch") {
		t.Fatalf("mismatch not logged:\n%s", logs)
	}
	// Same type, another Version: a mismatch too.
	bumped := cachetoolz.Must(cachetoolz.Wrap1Plain(v2c, func(id int) v2 { runs.Add(1); return v2{B: "new"} }, &cachetoolz.Options{Name: "get", Version: "2"}))
	if got := bumped(7); got.B != "new" {
		t.Fatalf("a bumped Version served %+v", got)
	}
}

func newLogger(w *syncBuffer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// A function that takes no context cannot see its run's deadline pass, so
// its result is stored however long it took.
func TestSlowFunctionWithoutContextIsCached(t *testing.T) {
	each(t, func(t *testing.T, c *cachetoolz.Cache) {
		var runs atomic.Int64
		get := cachetoolz.Must(cachetoolz.Wrap1NoCtx(c, func(id int) (int, error) { runs.Add(1); return id, nil },
			&cachetoolz.Options{LoadTimeout: time.Nanosecond}))
		_, _ = get(1)
		_, _ = get(1)
		if runs.Load() != 1 {
			t.Fatalf("%d runs, want 1: the result of a function without a context was dropped after its deadline", runs.Load())
		}
	})
}

// Two wrappers of one identity on one memory cache of Go values, whose
// results are stored with their entries: one's entry is never served to the
// other as a hit, on the path of a hit that reads the result in place.
func TestResultTypeChangeIsAMissInPlace(t *testing.T) {
	c := cachetoolz.Must(cachetoolz.New(memory.Must(memory.New(nil)), nil))
	type v1 struct{ A, B int }
	type v2 struct {
		S string
		N int
	}
	old := cachetoolz.Must(cachetoolz.Wrap1Plain(c, func(id int) v1 { return v1{A: id, B: id} }, &cachetoolz.Options{Name: "get"}))
	var runs atomic.Int64
	cur := cachetoolz.Must(cachetoolz.Wrap1Plain(c, func(id int) v2 { runs.Add(1); return v2{S: fmt.Sprint("s", id), N: id} }, &cachetoolz.Options{Name: "get"}))
	if got := old(7); got != (v1{7, 7}) {
		t.Fatalf("old(7) = %+v", got)
	}
	if got := cur(7); got != (v2{"s7", 7}) || runs.Load() != 1 {
		t.Fatalf("call after another type was stored = %+v after %d runs", got, runs.Load())
	}
	if got := cur(7); got != (v2{"s7", 7}) || runs.Load() != 1 {
		t.Fatalf("the entry was not overwritten: %+v after %d runs", got, runs.Load())
	}
	if s := c.Stats()[cachetoolz.DefaultNamespace]; s.Mismatches != 1 || s.Hits != 1 {
		t.Fatalf("Stats = %+v, want 1 mismatch and 1 hit", s)
	}
}

// Two deploys whose result types share a name but not a shape: the type's
// name is no fingerprint.
func TestSameNamedResultTypeChangeIsAMiss(t *testing.T) {
	b := memory.Must(memory.New(&memory.Options{Isolate: true}))
	opts := &cachetoolz.Options{Name: "get"}
	v1 := func() func(int) int {
		type Result struct{ A int }
		f := cachetoolz.Must(cachetoolz.Wrap1Plain(cachetoolz.Must(cachetoolz.New(b, nil)), func(id int) Result { return Result{A: id} }, opts))
		return func(id int) int { return f(id).A }
	}()
	var runs atomic.Int64
	c := cachetoolz.Must(cachetoolz.New(b, nil))
	v2 := func() func(int) string {
		type Result struct{ A string }
		f := cachetoolz.Must(cachetoolz.Wrap1Plain(c, func(id int) Result { runs.Add(1); return Result{A: fmt.Sprint("a", id)} }, opts))
		return func(id int) string { return f(id).A }
	}()
	v1(3)
	if got := v2(3); got != "a3" || runs.Load() != 1 {
		t.Fatalf("v2 got %q after %d runs", got, runs.Load())
	}
	if s := c.Stats()[cachetoolz.DefaultNamespace]; s.Mismatches != 1 {
		t.Fatalf("Stats = %+v, want 1 mismatch", s)
	}
}

// A result type whose fields a byte-storing backend would drop is refused
// when wrapping, with the field named; the memory backend keeps Go values
// and takes it.
func TestResultTypeTheCodecCannotCarryIsRefused(t *testing.T) {
	type account struct {
		ID     int
		secret string
	}
	fn := func(id int) account { return account{ID: id, secret: "s"} }
	for name, c := range caches(t) {
		_, err := cachetoolz.Wrap1Plain(c, fn, nil)
		switch name {
		case "values":
			if err != nil {
				t.Fatalf("memory backend refused the type: %v", err)
			}
		case "bytes":
			if !errors.Is(err, codec.ErrIncomplete) || !strings.Contains(err.Error(), "secret") {
				t.Fatalf("byte-storing backend: %v, want codec.ErrIncomplete naming the field", err)
			}
		}
	}
}

// A caller whose context is already done starts nothing: no run of the
// function for nobody, and no second run of a key that is cached.
func TestDoneCallerStartsNothing(t *testing.T) {
	each(t, func(t *testing.T, c *cachetoolz.Cache) {
		var runs atomic.Int64
		get := cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, id int) (int, error) { runs.Add(1); return id, nil }, nil))
		ctx, cancel := context.WithCancel(bg)
		cancel()
		if _, err := get(ctx, 1); !errors.Is(err, context.Canceled) {
			t.Fatalf("done caller got %v", err)
		}
		if n := c.Stats()[cachetoolz.DefaultNamespace].Loads; n != 0 || runs.Load() != 0 {
			t.Fatalf("a caller that had gone started %d loads", n)
		}
		_, _ = get(bg, 2)
		if v, err := get(ctx, 2); runs.Load() != 1 || (err == nil && v != 2) {
			t.Fatalf("done caller on a cached key = %d, %v after %d runs", v, err, runs.Load())
		}
	})
}

// A nil stored for an interface result is no hit for a wrapper of the same
// identity whose result is not an interface.
func TestNilMarkerAnswersInterfacesOnly(t *testing.T) {
	each(t, func(t *testing.T, c *cachetoolz.Cache) {
		o := &cachetoolz.Options{Name: "shared"}
		nilAny := cachetoolz.Must(cachetoolz.Wrap0Plain(c, func() any { return nil }, o))
		seven := cachetoolz.Must(cachetoolz.Wrap0Plain(c, func() int { return 7 }, o))
		_ = nilAny()
		if got := seven(); got != 7 {
			t.Fatalf("int wrapper got %d from another wrapper's nil", got)
		}
	})
}

// A load past its deadline is not joined: a caller that comes after it
// starts its own, and gets an answer.
func TestExpiredLoadIsNotJoined(t *testing.T) {
	each(t, func(t *testing.T, c *cachetoolz.Cache) {
		gate, expired := make(chan struct{}), make(chan struct{})
		var runs atomic.Int64
		get := cachetoolz.Must(cachetoolz.Wrap1(c, func(ctx context.Context, id int) (int, error) {
			if runs.Add(1) == 1 {
				<-ctx.Done()
				close(expired)
				<-gate // work that ignores the context
				return 0, ctx.Err()
			}
			return id, nil
		}, &cachetoolz.Options{LoadTimeout: 10 * time.Millisecond}))
		first := make(chan error, 1)
		go func() { _, err := get(bg, 1); first <- err }()
		<-expired
		if v, err := get(bg, 1); err != nil || v != 1 {
			t.Fatalf("caller after the load's deadline got %d, %v", v, err)
		}
		close(gate)
		if err := <-first; !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("the timed-out caller got %v", err)
		}
	})
}

// A panic in a load that every caller has left is counted and logged, not
// lost.
func TestOrphanPanicIsReported(t *testing.T) {
	logs := &syncBuffer{}
	c := cachetoolz.Must(cachetoolz.New(nil, &cachetoolz.Config{Logger: newLogger(logs)}))
	started, release := make(chan struct{}), make(chan struct{})
	get := cachetoolz.Must(cachetoolz.Wrap1(c, func(ctx context.Context, id int) (int, error) {
		close(started)
		<-release
		panic("boom")
	}, nil))
	ctx, cancel := context.WithCancel(bg)
	left := make(chan error, 1)
	go func() { _, err := get(ctx, 1); left <- err }()
	<-started
	cancel()
	<-left
	close(release)
	waitFor(t, func() bool { return c.Stats()[cachetoolz.DefaultNamespace].Errors == 1 })
	waitFor(t, func() bool { return strings.Contains(logs.String(), "op=panic") })
}

// Stats reports the evictions of the memory backend, per namespace.
func TestStatsEvictions(t *testing.T) {
	c := cachetoolz.Must(cachetoolz.New(memory.Must(memory.New(&memory.Options{MaxEntries: 100})), nil))
	get := cachetoolz.Must(cachetoolz.Wrap1Plain(c, func(id int) int { return id }, &cachetoolz.Options{Namespace: "full"}))
	for i := range 10_000 {
		get(i)
	}
	waitFor(t, func() bool { return c.Stats()["full"].Evictions > 0 })
	if s := c.Stats()["full"]; s.Evictions > s.Misses {
		t.Fatalf("Stats = %+v: more evictions than entries stored", s)
	}
}

// A memory miss whose function never looks at its context allocates what
// the key, the load and the stored result need, and no more: the key, the
// load (its context included), the boxed result, the store's entry, and
// otter's node and write task. The load's channel, timer and view of the
// caller's values are made only when asked for.
func TestMissAllocations(t *testing.T) {
	c := cachetoolz.Must(cachetoolz.New(nil, nil))
	defer func() { _ = c.Close() }()
	get := cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, id int) (int, error) {
		return id + 1000, nil // past the integers Go boxes without allocating
	}, nil))
	id := 0
	n := testing.AllocsPerRun(1000, func() {
		if v, err := get(bg, id); err != nil || v != id+1000 {
			t.Fatalf("get(%d) = %d, %v", id, v, err)
		}
		id++
	})
	if n > 6 {
		t.Fatalf("a miss allocates %v times, want at most 6", n)
	}
}

// A memory hit allocates nothing for an argument of a type defined on a
// predeclared scalar type, as for the predeclared type itself, and keys it
// by its value alike: userID(7) and 7 are one call.
func TestDefinedScalarArgumentHitAllocatesNothing(t *testing.T) {
	type userID int
	type region string
	c := cachetoolz.Must(cachetoolz.New(nil, nil))
	defer func() { _ = c.Close() }()
	runs := 0
	get := cachetoolz.Must(cachetoolz.Wrap2(c, func(_ context.Context, id userID, r region) (string, error) {
		runs++
		return string(r) + strconv.Itoa(int(id)), nil
	}, &cachetoolz.Options{Name: "defined-scalars"}))
	if _, err := get(bg, 7000, "eu"); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(1000, func() {
		if v, err := get(bg, 7000, "eu"); err != nil || v != "eu7000" {
			t.Fatalf("get = %q, %v", v, err)
		}
	}); n != 0 {
		t.Errorf("a hit with defined scalar arguments allocates %v times, want 0", n)
	}
	plain := cachetoolz.Must(cachetoolz.Wrap2(c, func(_ context.Context, id int, r string) (string, error) {
		runs++
		return "", nil
	}, &cachetoolz.Options{Name: "defined-scalars"}))
	if v, err := plain(bg, 7000, "eu"); err != nil || v != "eu7000" || runs != 1 {
		t.Fatalf("the same call through the predeclared types = %q, %v after %d runs; want the stored eu7000", v, err, runs)
	}
}
