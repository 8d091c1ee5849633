package cachetest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cachetoolz/cachetoolz"
)

// The cases below check the freshness options (early refresh, fail-safe,
// load timeouts) and the per-call controls through a cachetoolz.Cache on
// the backend, with a fake clock: what they check does not depend on how
// fast the backend is, except where a timeout is the point. Their TTLs are
// long, since the backend expires entries by its own clock: an entry must
// not vanish in real time while the fake clock says it is fresh.

// fakeClock is a clock that moves only when told to.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Unix(1_700_000_000, 0)} }

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// source is a function to cache whose answers, failures and duration the
// test sets.
type source struct {
	clock   *fakeClock
	delta   time.Duration // how far each run moves the clock: its load time
	val     atomic.Int64  // what a run returns
	fail    atomic.Bool   // runs fail
	block   atomic.Pointer[chan struct{}]
	started chan struct{} // a run has started (buffered; not waited on)
	runs    atomic.Int64
}

var errSourceDown = errors.New("cachetest: source down")

func newSource(clock *fakeClock, delta time.Duration, val int64) *source {
	src := &source{clock: clock, delta: delta, started: make(chan struct{}, 1000)}
	src.val.Store(val)
	return src
}

// load is the function: it waits for block to close (or its context to
// end) when block is set.
func (src *source) load(ctx context.Context, _ int) (int64, error) {
	src.runs.Add(1)
	src.started <- struct{}{}
	if b := src.block.Load(); b != nil {
		select {
		case <-*b:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	src.clock.advance(src.delta)
	if src.fail.Load() {
		return 0, errSourceDown
	}
	return src.val.Load(), nil
}

// hold makes the runs that start from now on wait; the returned function
// lets them go.
func (src *source) hold() (release func()) {
	ch := make(chan struct{})
	src.block.Store(&ch)
	return func() { src.block.Store(nil); close(ch) }
}

// freshConfig is the configuration of the caches of these cases: the fake
// clock, and a backend timeout long enough that a slow server (a loaded
// machine) never turns a store into a skipped one, which the cases would
// take for a wrong answer.
func freshConfig(clock *fakeClock) *cachetoolz.Config {
	return &cachetoolz.Config{Now: clock.now, Timeout: 30 * time.Second}
}

// freshWrap returns a cache on the suite's backend with clock, and src
// wrapped in it under opts, in the namespace ns; or nils, once it has
// checked the refusal, when the backend cannot carry what opts need (see
// refusesMeta), which ends the caller's case.
func (s *suite) freshWrap(clock *fakeClock, src *source, ns string, opts cachetoolz.Options) (*cachetoolz.Cache, func(context.Context, int) (int64, error)) {
	s.t.Helper()
	if s.refusesMeta(opts) {
		return nil, nil
	}
	c := s.cache(freshConfig(clock))
	opts.Namespace, opts.Name = ns, "cachetest.fresh"
	f, err := cachetoolz.Wrap1(c, src.load, &opts)
	if err != nil {
		s.t.Fatal(err)
	}
	return c, f
}

// refusesMeta reports whether the suite's backend stores plain values (see
// cachetoolz.PlainBackend), which have no room for an entry's freshness:
// then it checks that the cache refuses to wrap with opts when opts need
// that room (EarlyRefresh, MaxStale), and the caller's case ends there.
func (s *suite) refusesMeta(opts cachetoolz.Options) bool {
	s.t.Helper()
	pb, ok := s.b.(cachetoolz.PlainBackend)
	if !ok || !pb.PlainValues() || (opts.EarlyRefresh == 0 && opts.MaxStale == 0) {
		return false
	}
	c := s.cache(nil)
	if _, err := cachetoolz.Wrap1(c, func(context.Context, int) (int, error) { return 0, nil }, &opts); err == nil {
		s.t.Fatalf("a backend that stores plain values took a wrap with %+v, whose freshness its entries cannot carry", opts)
	}
	return true
}

// want fails unless f(ctx, 7) returns want.
func want(s *suite, f func(context.Context, int) (int64, error), ctx context.Context, want int64) {
	s.t.Helper()
	got, err := f(ctx, 7)
	if err != nil || got != want {
		s.t.Fatalf("call = %d, %v; want %d", got, err, want)
	}
}

func stats(c *cachetoolz.Cache, ns string) cachetoolz.Stats { return c.Stats()[ns] }

// testEarlyRefresh: hits far from expiry do not refresh; hits near it start
// one refresh in the background and keep getting the current value; once
// the refresh has stored, callers get its value.
func testEarlyRefresh(s *suite) {
	clock, ns := newFakeClock(), s.ns("fresh-early")
	src := newSource(clock, 50*time.Millisecond, 1)
	c, get := s.freshWrap(clock, src, ns, cachetoolz.Options{TTL: time.Minute, EarlyRefresh: 1})
	if get == nil {
		return
	}
	want(s, get, bg, 1)
	expiry := clock.now().Add(time.Minute)
	clock.advance(59 * time.Second)
	for range 200 {
		want(s, get, bg, 1)
	}
	if st := stats(c, ns); st.Refreshes != 0 || src.runs.Load() != 1 {
		s.t.Fatalf("a second (20 load times) before expiry: %d refreshes, %d runs; want 0 and 1", st.Refreshes, src.runs.Load())
	}
	<-src.started

	clock.set(expiry.Add(-time.Millisecond))
	src.val.Store(2)
	release := src.hold()
	for i := 0; i < 1000 && stats(c, ns).Refreshes == 0; i++ {
		want(s, get, bg, 1)
	}
	if n := stats(c, ns).Refreshes; n != 1 {
		s.t.Fatalf("1ms before expiry: %d refreshes, want 1", n)
	}
	<-src.started // the refresh runs, and waits
	for range 100 {
		want(s, get, bg, 1) // the current value, at once, while it runs
	}
	if st := stats(c, ns); st.Refreshes != 1 || src.runs.Load() != 2 {
		s.t.Fatalf("while a refresh runs: %d refreshes, %d runs; want 1 and 2", st.Refreshes, src.runs.Load())
	}
	release()
	// Past the old expiry a call joins the refresh, or finds what it
	// stored.
	clock.set(expiry.Add(time.Millisecond))
	want(s, get, bg, 2)
	if n := src.runs.Load(); n != 2 {
		s.t.Fatalf("%d runs, want 2", n)
	}
}

// testRefreshThenClear: a refresh begun before a clear stores nothing; the
// first call after the clear loads.
func testRefreshThenClear(s *suite) {
	clock, ns := newFakeClock(), s.ns("fresh-clear")
	src := newSource(clock, 50*time.Millisecond, 1)
	c, get := s.freshWrap(clock, src, ns, cachetoolz.Options{TTL: time.Minute, EarlyRefresh: 1})
	if get == nil {
		return
	}
	want(s, get, bg, 1)
	<-src.started
	clock.advance(time.Minute - time.Millisecond)
	src.val.Store(2)
	release := src.hold()
	for i := 0; i < 1000 && stats(c, ns).Refreshes == 0; i++ {
		want(s, get, bg, 1)
	}
	<-src.started
	if err := c.Clear(bg, ns); err != nil {
		s.t.Fatal(err)
	}
	src.val.Store(3)
	release()
	want(s, get, bg, 3)
	want(s, get, bg, 3)
	if n := src.runs.Load(); n != 3 {
		s.t.Fatalf("%d runs, want 3 (the first, the refresh, the load after the clear)", n)
	}
}

// testFailSafe: once the function fails, callers get the last value for
// MaxStale past its TTL, with retries StaleRetry apart, and are told; then
// errors. A clear in between makes them get errors at once.
func testFailSafe(s *suite) {
	clock, ns := newFakeClock(), s.ns("fresh-failsafe")
	src := newSource(clock, 0, 1)
	c, get := s.freshWrap(clock, src, ns, cachetoolz.Options{TTL: time.Minute, MaxStale: 10 * time.Minute, StaleRetry: 2 * time.Minute})
	if get == nil {
		return
	}
	want(s, get, bg, 1)
	t0 := clock.now()
	src.fail.Store(true)

	clock.set(t0.Add(90 * time.Second))
	var info cachetoolz.CallInfo
	want(s, get, cachetoolz.WithCallInfo(bg, &info), 1)
	if !info.Stale || !errors.Is(info.Err, errSourceDown) {
		s.t.Fatalf("CallInfo = %+v, want Stale and the load's error", info)
	}
	if st := stats(c, ns); st.Stale != 1 || src.runs.Load() != 2 {
		s.t.Fatalf("after a failed load: Stale %d, %d runs; want 1 and 2", st.Stale, src.runs.Load())
	}
	want(s, get, bg, 1) // within StaleRetry: no run
	if st := stats(c, ns); st.Stale != 2 || src.runs.Load() != 2 {
		s.t.Fatalf("within StaleRetry: Stale %d, %d runs; want 2 and 2", st.Stale, src.runs.Load())
	}
	clock.set(t0.Add(4 * time.Minute))
	want(s, get, bg, 1) // a retry, failing
	if n := src.runs.Load(); n != 3 {
		s.t.Fatalf("after StaleRetry: %d runs, want 3", n)
	}
	clock.set(t0.Add(11*time.Minute + 30*time.Second)) // past TTL + MaxStale
	if v, err := get(bg, 7); !errors.Is(err, errSourceDown) {
		s.t.Fatalf("past MaxStale: %d, %v; want the function's error", v, err)
	}

	// A clear in between: nothing resurrected.
	src.fail.Store(false)
	src.val.Store(5)
	want(s, get, bg, 5)
	src.fail.Store(true)
	clock.advance(90 * time.Second)
	want(s, get, bg, 5) // stale
	if err := c.Clear(bg, ns); err != nil {
		s.t.Fatal(err)
	}
	for range 3 {
		if v, err := get(bg, 7); !errors.Is(err, errSourceDown) {
			s.t.Fatalf("after a clear: %d, %v; want the function's error", v, err)
		}
	}
	// A success ends the fallback: the new value is fresh.
	src.fail.Store(false)
	src.val.Store(6)
	want(s, get, bg, 6)
}

// testFailSafePanic: a panicking load gives way to the stale value too.
func testFailSafePanic(s *suite) {
	if s.refusesMeta(cachetoolz.Options{TTL: time.Minute, MaxStale: time.Hour}) {
		return
	}
	clock, ns := newFakeClock(), s.ns("fresh-panic")
	c := s.cache(freshConfig(clock))
	var panics atomic.Bool
	get, err := cachetoolz.Wrap1(c, func(ctx context.Context, id int) (int, error) {
		if panics.Load() {
			panic("cachetest: boom")
		}
		return id, nil
	}, &cachetoolz.Options{Namespace: ns, Name: "cachetest.panic", TTL: time.Minute, MaxStale: time.Hour})
	if err != nil {
		s.t.Fatal(err)
	}
	if v, err := get(bg, 3); v != 3 || err != nil {
		s.t.Fatalf("= %d, %v", v, err)
	}
	panics.Store(true)
	clock.advance(2 * time.Minute)
	var info cachetoolz.CallInfo
	v, err := get(cachetoolz.WithCallInfo(bg, &info), 3)
	var pe *cachetoolz.PanicError
	if v != 3 || err != nil || !info.Stale || !errors.As(info.Err, &pe) {
		s.t.Fatalf("= %d, %v, %+v; want the stale 3 and the panic in CallInfo", v, err, info)
	}
}

// testSoftTimeout: past SoftTimeout a caller with a stale value gets it, and
// the load goes on and stores.
func testSoftTimeout(s *suite) {
	clock, ns := newFakeClock(), s.ns("fresh-soft")
	src := newSource(clock, 0, 1)
	_, get := s.freshWrap(clock, src, ns, cachetoolz.Options{TTL: time.Minute, MaxStale: time.Hour, SoftTimeout: time.Second})
	if get == nil {
		return
	}
	want(s, get, bg, 1)
	<-src.started
	clock.advance(2 * time.Minute)
	src.val.Store(2)
	release := src.hold()
	var info cachetoolz.CallInfo
	want(s, get, cachetoolz.WithCallInfo(bg, &info), 1)
	if !info.Stale || !errors.Is(info.Err, cachetoolz.ErrTimeout) {
		s.t.Fatalf("CallInfo = %+v, want Stale and ErrTimeout", info)
	}
	<-src.started
	release()
	want(s, get, bg, 2) // the load went on: joined, or stored
	if n := src.runs.Load(); n != 2 {
		s.t.Fatalf("%d runs, want 2", n)
	}
}

// testHardTimeout: past HardTimeout the load is cancelled and the caller
// gets ErrTimeout, or its stale value.
func testHardTimeout(s *suite) {
	clock, ns := newFakeClock(), s.ns("fresh-hard")
	src := newSource(clock, 0, 1)
	_, get := s.freshWrap(clock, src, ns, cachetoolz.Options{TTL: time.Minute, MaxStale: time.Hour, HardTimeout: 500 * time.Millisecond})
	if get == nil {
		return
	}
	release := src.hold()
	if v, err := get(bg, 7); !errors.Is(err, cachetoolz.ErrTimeout) {
		s.t.Fatalf("without a stale value: %d, %v; want ErrTimeout", v, err)
	}
	release()
	want(s, get, bg, 1)
	clock.advance(2 * time.Minute)
	release = src.hold()
	defer release()
	var info cachetoolz.CallInfo
	want(s, get, cachetoolz.WithCallInfo(bg, &info), 1)
	if !info.Stale || !errors.Is(info.Err, cachetoolz.ErrTimeout) {
		s.t.Fatalf("CallInfo = %+v, want Stale and ErrTimeout", info)
	}
}

// testControls: Bypass, Refresh and Forget, on a wrap without freshness
// options and on one with.
func testControls(s *suite) {
	for i, opts := range []cachetoolz.Options{{TTL: time.Minute}, {TTL: time.Minute, MaxStale: time.Minute, EarlyRefresh: 1}} {
		clock, ns := newFakeClock(), s.ns("fresh-controls")+string(rune('a'+i))
		src := newSource(clock, 0, 1)
		_, get := s.freshWrap(clock, src, ns, opts)
		if get == nil {
			continue
		}
		want(s, get, bg, 1)

		src.val.Store(2)
		want(s, get, cachetoolz.WithControl(bg, cachetoolz.Bypass), 2)
		want(s, get, bg, 1) // not stored
		if n := src.runs.Load(); n != 2 {
			s.t.Fatalf("Bypass: %d runs, want 2", n)
		}

		src.val.Store(3)
		want(s, get, cachetoolz.WithControl(bg, cachetoolz.Refresh), 3)
		want(s, get, bg, 3) // stored
		if n := src.runs.Load(); n != 3 {
			s.t.Fatalf("Refresh: %d runs, want 3", n)
		}

		src.val.Store(4)
		v, err := get(cachetoolz.WithControl(bg, cachetoolz.Forget), 7)
		if errors.Is(err, errors.ErrUnsupported) {
			continue // the backend cannot remove one entry
		}
		if v != 0 || err != nil {
			s.t.Fatalf("Forget = %d, %v; want 0, nil", v, err)
		}
		if n := src.runs.Load(); n != 3 {
			s.t.Fatalf("Forget ran the function: %d runs, want 3", n)
		}
		want(s, get, bg, 4) // loaded again
	}
}

// testDelete: a Deleter removes one entry, and nothing else.
func testDelete(s *suite) {
	d, ok := s.b.(cachetoolz.Deleter)
	if !ok {
		s.t.Skip("cachetest: the backend is not a Deleter")
	}
	ns, other := s.ns("del"), s.ns("del-other")
	for _, key := range []string{"a", "b", "*", "{x}"} {
		s.put(ns, key, []byte("v"+key), time.Minute)
	}
	s.put(other, "a", []byte("other"), time.Minute)
	for _, key := range []string{"a", "*"} {
		if err := d.Delete(bg, ns, key); err != nil {
			s.t.Fatalf("Delete(%q): %v", key, err)
		}
		s.wantMiss(ns, key)
	}
	s.wantValue(ns, "b", []byte("vb"))
	s.wantValue(ns, "{x}", []byte("v{x}"))
	s.wantValue(other, "a", []byte("other"))
	if err := d.Delete(bg, ns, "never-stored"); err != nil {
		s.t.Fatalf("Delete of an absent key: %v", err)
	}
	if err := d.Delete(bg, s.ns("del-nothing"), "a"); err != nil {
		s.t.Fatalf("Delete in an empty namespace: %v", err)
	}
	// The namespace goes on as before: a store after the removal is read
	// back, and a clear still hides everything.
	s.put(ns, "a", []byte("again"), time.Minute)
	s.wantValue(ns, "a", []byte("again"))
	s.clear(ns)
	s.wantMiss(ns, "a")
	s.wantMiss(ns, "b")
}
