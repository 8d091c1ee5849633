package otel_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/otel"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

// scripted is a cache observed through a manual reader, with wrapped
// functions in two namespaces.
type scripted struct {
	reader  *sdkmetric.ManualReader
	backend *faultyBackend
	cache   *cachetoolz.Cache
	reg     *otel.Registration
	users   func(context.Context, int) (int, error)    // 2 fails, 3 panics
	names   func(context.Context, int) (string, error) // same name as users: another result type
}

var errBoom = errors.New("boom")

func newScripted(t *testing.T, opts *otel.Options) *scripted {
	t.Helper()
	s := &scripted{reader: sdkmetric.NewManualReader()}
	s.setUp(t, s.reader, opts)
	return s
}

// setUp makes the cache, with an Observer whose meter provider has reader.
func (s *scripted) setUp(t *testing.T, reader sdkmetric.Reader, opts *otel.Options) {
	t.Helper()
	s.backend = newFaulty()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(bg) })
	o := otel.Options{NoSpans: true}
	if opts != nil {
		o = *opts
	}
	o.MeterProvider = mp
	obs, err := otel.New(&o)
	if err != nil {
		t.Fatal(err)
	}
	s.cache, err = cachetoolz.New(s.backend, &cachetoolz.Config{Logger: quiet, Observer: obs, FailureThreshold: 2, Cooldown: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.cache.Close() })
	if s.reg, err = obs.Observe(s.cache); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.reg.Unregister() })
	s.users = cachetoolz.Must(cachetoolz.Wrap1(s.cache, func(_ context.Context, id int) (int, error) {
		switch id {
		case 2:
			return 0, errBoom
		case 3:
			panic("kaput")
		}
		return id * 10, nil
	}, &cachetoolz.Options{Namespace: "users", Name: "user"}))
	s.names = cachetoolz.Must(cachetoolz.Wrap1(s.cache, func(_ context.Context, id int) (string, error) {
		return strconv.Itoa(id), nil
	}, &cachetoolz.Options{Namespace: "users", Name: "user"}))
	// A namespace that a function is wrapped in, and that sees no call.
	_ = cachetoolz.Must(cachetoolz.Wrap0(s.cache, func(context.Context) (int, error) { return 0, nil },
		&cachetoolz.Options{Namespace: "orders"}))
}

// run plays hits, misses, function errors and a panic, a result type
// mismatch, backend errors that open the users breaker, and clears of a
// used, an unused and an unknown namespace.
func (s *scripted) run(t *testing.T) {
	t.Helper()
	call := func(id int, want int, wantErr error) {
		t.Helper()
		v, err := s.users(bg, id)
		if v != want || !errors.Is(err, wantErr) {
			t.Fatalf("users(%d) = %d, %v; want %d, %v", id, v, err, want, wantErr)
		}
	}
	call(1, 10, nil)    // miss: get, get again in the load, load, set
	call(1, 10, nil)    // hit: get
	call(2, 0, errBoom) // miss: get, get, load that fails
	func() {            // miss: get, get, load that panics
		defer func() { _ = recover() }()
		_, _ = s.users(bg, 3)
		t.Fatal("users(3) did not panic")
	}()
	call(7, 70, nil) // miss: get, get, load, set
	if v, err := s.names(bg, 7); v != "7" || err != nil {
		// mismatch: get (an int), get again in the load, load, set
		t.Fatalf("names(7) = %q, %v", v, err)
	}
	s.backend.failing.Store(true)
	call(4, 40, nil) // get fails, load
	call(5, 50, nil) // get fails and the breaker opens, load
	call(6, 60, nil) // no backend operation, load
	if err := s.cache.Clear(bg, "users", "orders", "typo"); err != nil {
		t.Fatal(err)
	}
}

// Every instrument after the scripted sequence.
func TestInstruments(t *testing.T) {
	s := newScripted(t, &otel.Options{
		NoSpans:    true,
		Attributes: []attribute.KeyValue{attribute.String("cache", "main")},
	})
	s.run(t)
	p := collect(t, s.reader)
	want := map[string]float64{
		"cachetoolz.hits{cache=main,cachetoolz.namespace=users}":          1,
		"cachetoolz.local_hits{cache=main,cachetoolz.namespace=users}":    0,
		"cachetoolz.remote_hits{cache=main,cachetoolz.namespace=users}":   1,
		"cachetoolz.invalidations{cache=main,cachetoolz.namespace=users}": 0,
		"cachetoolz.stale{cache=main,cachetoolz.namespace=users}":         0,
		"cachetoolz.refreshes{cache=main,cachetoolz.namespace=users}":     0,
		"cachetoolz.misses{cache=main,cachetoolz.namespace=users}":        8,
		"cachetoolz.loads{cache=main,cachetoolz.namespace=users}":         8,
		"cachetoolz.errors{cache=main,cachetoolz.namespace=users}":        2,
		"cachetoolz.mismatches{cache=main,cachetoolz.namespace=users}":    1,
		"cachetoolz.evictions{cache=main,cachetoolz.namespace=users}":     0,
		"cachetoolz.breaker.open{cache=main,cachetoolz.namespace=users}":  1,

		"cachetoolz.hits{cache=main,cachetoolz.namespace=orders}":          0,
		"cachetoolz.local_hits{cache=main,cachetoolz.namespace=orders}":    0,
		"cachetoolz.remote_hits{cache=main,cachetoolz.namespace=orders}":   0,
		"cachetoolz.invalidations{cache=main,cachetoolz.namespace=orders}": 0,
		"cachetoolz.stale{cache=main,cachetoolz.namespace=orders}":         0,
		"cachetoolz.refreshes{cache=main,cachetoolz.namespace=orders}":     0,
		"cachetoolz.misses{cache=main,cachetoolz.namespace=orders}":        0,
		"cachetoolz.loads{cache=main,cachetoolz.namespace=orders}":         0,
		"cachetoolz.errors{cache=main,cachetoolz.namespace=orders}":        0,
		"cachetoolz.mismatches{cache=main,cachetoolz.namespace=orders}":    0,
		"cachetoolz.evictions{cache=main,cachetoolz.namespace=orders}":     0,
		"cachetoolz.breaker.open{cache=main,cachetoolz.namespace=orders}":  0,

		"cachetoolz.load.duration:count{cache=main,cachetoolz.namespace=users,cachetoolz.outcome=ok}":      6,
		"cachetoolz.load.duration:count{cache=main,cachetoolz.namespace=users,cachetoolz.outcome=error}":   1,
		"cachetoolz.load.duration:count{cache=main,cachetoolz.namespace=users,cachetoolz.outcome=aborted}": 1,
		"cachetoolz.load.errors{cache=main,cachetoolz.namespace=users,cachetoolz.outcome=error}":           1,
		"cachetoolz.load.errors{cache=main,cachetoolz.namespace=users,cachetoolz.outcome=aborted}":         1,

		"cachetoolz.backend.duration:count{cache=main,cachetoolz.namespace=users,cachetoolz.operation=get,cachetoolz.outcome=not_found}": 8,
		"cachetoolz.backend.duration:count{cache=main,cachetoolz.namespace=users,cachetoolz.operation=get,cachetoolz.outcome=ok}":        3,
		"cachetoolz.backend.duration:count{cache=main,cachetoolz.namespace=users,cachetoolz.operation=get,cachetoolz.outcome=error}":     2,
		"cachetoolz.backend.duration:count{cache=main,cachetoolz.namespace=users,cachetoolz.operation=set,cachetoolz.outcome=ok}":        3,
		"cachetoolz.backend.duration:count{cache=main,cachetoolz.namespace=users,cachetoolz.operation=clear,cachetoolz.outcome=ok}":      1,
		"cachetoolz.backend.duration:count{cache=main,cachetoolz.namespace=orders,cachetoolz.operation=clear,cachetoolz.outcome=ok}":     1,
		"cachetoolz.backend.duration:count{cache=main,cachetoolz.namespace=_other,cachetoolz.operation=clear,cachetoolz.outcome=ok}":     1,
		"cachetoolz.backend.errors{cache=main,cachetoolz.namespace=users,cachetoolz.operation=get,cachetoolz.outcome=error}":             2,
	}
	if d := diff(p.values, want); d != "" {
		t.Fatalf("after the script:\n%s", d)
	}
	wantKinds := map[string][2]string{
		"cachetoolz.hits":             {"counter", "{hit}"},
		"cachetoolz.misses":           {"counter", "{miss}"},
		"cachetoolz.loads":            {"counter", "{load}"},
		"cachetoolz.errors":           {"counter", "{error}"},
		"cachetoolz.mismatches":       {"counter", "{entry}"},
		"cachetoolz.evictions":        {"counter", "{entry}"},
		"cachetoolz.local_hits":       {"counter", "{hit}"},
		"cachetoolz.remote_hits":      {"counter", "{hit}"},
		"cachetoolz.invalidations":    {"counter", "{report}"},
		"cachetoolz.stale":            {"counter", "{hit}"},
		"cachetoolz.refreshes":        {"counter", "{load}"},
		"cachetoolz.breaker.open":     {"gauge", "{breaker}"},
		"cachetoolz.load.duration":    {"histogram", "s"},
		"cachetoolz.load.errors":      {"counter", "{error}"},
		"cachetoolz.backend.duration": {"histogram", "s"},
		"cachetoolz.backend.errors":   {"counter", "{error}"},
	}
	for name, w := range wantKinds {
		if got := [2]string{p.kinds[name], p.units[name]}; got != w {
			t.Errorf("%s is a %s in %q, want a %s in %q", name, got[0], got[1], w[0], w[1])
		}
	}
	if len(p.kinds) != len(wantKinds) {
		t.Errorf("instruments %v, want %d", p.kinds, len(wantKinds))
	}
	if !slices.Equal(p.bounds["cachetoolz.load.duration"], otel.DefaultLoadBuckets) ||
		!slices.Equal(p.bounds["cachetoolz.backend.duration"], otel.DefaultOperationBuckets) {
		t.Errorf("histogram bounds %v", p.bounds)
	}
}

// Unregistering stops the Stats instruments; the events go on.
func TestUnregister(t *testing.T) {
	s := newScripted(t, nil)
	_, _ = s.users(bg, 1)
	if err := s.reg.Unregister(); err != nil {
		t.Fatal(err)
	}
	if err := s.reg.Unregister(); err != nil {
		t.Fatalf("second Unregister: %v", err)
	}
	p := collect(t, s.reader)
	want := map[string]float64{
		"cachetoolz.load.duration:count{cachetoolz.namespace=users,cachetoolz.outcome=ok}":                                    1,
		"cachetoolz.backend.duration:count{cachetoolz.namespace=users,cachetoolz.operation=get,cachetoolz.outcome=not_found}": 2,
		"cachetoolz.backend.duration:count{cachetoolz.namespace=users,cachetoolz.operation=set,cachetoolz.outcome=ok}":        1,
	}
	if d := diff(p.values, want); d != "" {
		t.Fatalf("after Unregister:\n%s", d)
	}
}

// An observed memory hit does no backend operation, and allocates nothing.
func TestMemoryHitAllocatesNothing(t *testing.T) {
	obs, err := otel.New(&otel.Options{MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))})
	if err != nil {
		t.Fatal(err)
	}
	c := cachetoolz.Must(cachetoolz.New(nil, &cachetoolz.Config{Logger: quiet, Observer: obs}))
	defer c.Close()
	reg, err := obs.Observe(c)
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Unregister()
	get := cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, id int) (int, error) { return id, nil }, nil))
	_, _ = get(bg, 1)
	if n := testing.AllocsPerRun(100, func() { _, _ = get(bg, 1) }); n != 0 {
		t.Fatalf("an observed memory hit allocates %v times", n)
	}
}
