package cachetest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync/atomic"
	"time"

	"github.com/cachetoolz/cachetoolz"
)

// The cases below drive the backend through a cachetoolz.Cache, as a
// program does, for the promises that involve both.

// cache returns a cache on the suite's backend. The backend is closed by the
// suite, not by the cache.
func (s *suite) cache(cfg *cachetoolz.Config) *cachetoolz.Cache {
	s.t.Helper()
	c, err := cachetoolz.New(s.b, cfg)
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

// counted wraps, in ns, a function of one int that returns its argument and
// counts its runs.
func counted(s *suite, c *cachetoolz.Cache, ns string, opts cachetoolz.Options) (func(int) int, *atomic.Int64) {
	s.t.Helper()
	runs := new(atomic.Int64)
	opts.Namespace = ns
	if opts.Name == "" {
		opts.Name = "cachetest.counted"
	}
	f, err := cachetoolz.Wrap1NoCtx(c, func(id int) (int, error) { runs.Add(1); return id, nil }, &opts)
	if err != nil {
		s.t.Fatal(err)
	}
	return func(id int) int {
		s.t.Helper()
		v, err := f(id)
		if err != nil || v != id {
			s.t.Fatalf("call(%d) = %d, %v", id, v, err)
		}
		return v
	}, runs
}

// testBadGeneration: damaged bookkeeping in one namespace is that
// namespace's miss, never an outage of the others, and a clear repairs it.
func testBadGeneration(s *suite) {
	if s.h.CorruptGeneration == nil {
		s.t.Skip("cachetest: the backend keeps no generation outside the process (Harness.CorruptGeneration is nil)")
	}
	// One failure opens a breaker, so that an error reported for the
	// damage would show at once.
	c := s.cache(&cachetoolz.Config{FailureThreshold: 1, Cooldown: time.Hour})
	bad, good := s.ns("damaged"), s.ns("healthy")
	callBad, _ := counted(s, c, bad, cachetoolz.Options{})
	callGood, goodRuns := counted(s, c, good, cachetoolz.Options{})
	for i := range 3 {
		callBad(i)
		callGood(i)
	}
	s.h.CorruptGeneration(s.t, s.b, bad)
	for i := range 3 {
		callBad(i) // right answers, whatever the damage
		callGood(i)
	}
	if n := goodRuns.Load(); n != 3 {
		s.t.Fatalf("the healthy namespace ran its function %d times, want 3: it lost its hits to another namespace's damage", n)
	}
	if err := c.Clear(bg, bad); err != nil {
		s.t.Fatalf("Clear of the damaged namespace: %v (a clear must repair it)", err)
	}
	// A new cache, so that no breaker opened by the damage stands in the
	// way: the namespace caches again.
	c2 := s.cache(nil)
	callBad2, runs2 := counted(s, c2, bad, cachetoolz.Options{})
	callBad2(1)
	callBad2(1)
	if n := runs2.Load(); n != 1 {
		s.t.Fatalf("after the clear, the repaired namespace ran its function %d times for two equal calls, want 1", n)
	}
}

// testResultTypeChange: an entry stored for another result type (another
// deploy on the same backend) is never served as a hit; it is counted and
// overwritten.
func testResultTypeChange(s *suite) {
	ns := s.ns("deploys")
	type v1 struct{ A int }
	type v2 struct{ B string }
	opts := &cachetoolz.Options{Namespace: ns, Name: "cachetest.deploys"}
	old := cachetoolz.Must(cachetoolz.Wrap1NoCtx(s.cache(nil), func(id int) (v1, error) { return v1{A: id}, nil }, opts))
	c := s.cache(nil)
	var runs atomic.Int64
	cur := cachetoolz.Must(cachetoolz.Wrap1NoCtx(c, func(id int) (v2, error) {
		runs.Add(1)
		return v2{B: fmt.Sprint("b", id)}, nil
	}, opts))
	if _, err := old(7); err != nil {
		s.t.Fatal(err)
	}
	for range 2 {
		if got, err := cur(7); err != nil || got.B != "b7" {
			s.t.Fatalf("after the result type changed, call = %+v, %v", got, err)
		}
	}
	if n := runs.Load(); n != 1 {
		s.t.Fatalf("%d runs, want 1: the old entry must be a miss, then overwritten", n)
	}
	if st := c.Stats()[ns]; st.Mismatches != 1 {
		s.t.Fatalf("Stats = %+v, want 1 mismatch", st)
	}
}

// testHugeTTL: a TTL too long for any clock is clamped, never born expired,
// and never an error.
func testHugeTTL(s *suite) {
	c := s.cache(nil)
	for i, ttl := range []time.Duration{math.MaxInt64, 250 * 365 * 24 * time.Hour} {
		call, runs := counted(s, c, s.ns(fmt.Sprint("huge-ttl-", i)), cachetoolz.Options{TTL: ttl})
		call(1)
		call(1)
		if n := runs.Load(); n != 1 {
			s.t.Fatalf("TTL %v: %d runs for two equal calls, want 1", ttl, n)
		}
		if st := c.Stats()[s.ns(fmt.Sprint("huge-ttl-", i))]; st.Errors != 0 {
			s.t.Fatalf("TTL %v: Stats = %+v, want no errors", ttl, st)
		}
	}
}

// testLoadWaitsOnContext: a function that waits on its context never
// wedges its key, whether its caller leaves or cannot.
func testLoadWaitsOnContext(s *suite) {
	c := s.cache(nil)
	var runs atomic.Int64
	started := make(chan struct{}, 1)
	f := cachetoolz.Must(cachetoolz.Wrap1(c, func(ctx context.Context, id int) (int, error) {
		if runs.Add(1) == 1 {
			started <- struct{}{}
			<-ctx.Done()
			return -1, nil
		}
		return id, nil
	}, &cachetoolz.Options{Namespace: s.ns("waits"), Name: "cachetest.waits"}))
	ctx, cancel := context.WithCancel(bg)
	left := make(chan error, 1)
	go func() {
		_, err := f(ctx, 1)
		left <- err
	}()
	<-started
	cancel()
	if err := <-left; !errors.Is(err, context.Canceled) {
		s.t.Fatalf("the caller that left got %v, want context.Canceled", err)
	}
	ctx2, cancel2 := withTimeout(10 * time.Second)
	defer cancel2()
	if v, err := f(ctx2, 1); err != nil || v != 1 {
		s.t.Fatalf("the next caller got %d, %v: the key is wedged behind the abandoned load", v, err)
	}

	// A caller that cannot leave is freed by the load timeout.
	var runs2 atomic.Int64
	g := cachetoolz.Must(cachetoolz.Wrap1NoErr(c, func(ctx context.Context, id int) int {
		if runs2.Add(1) == 1 {
			<-ctx.Done()
			return -1
		}
		return id
	}, &cachetoolz.Options{Namespace: s.ns("waits"), Name: "cachetest.waits-noerr", LoadTimeout: 10 * time.Millisecond}))
	if v := g(bg, 1); v != -1 {
		s.t.Fatalf("the timed-out run returned %d", v)
	}
	if v := g(bg, 1); v != 1 {
		s.t.Fatalf("after a timed-out run the next call got %d: its result was cached", v)
	}
}
