package cachetoolz_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
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
