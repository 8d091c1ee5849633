package cachetoolz_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/cachetest"
	"github.com/cachetoolz/cachetoolz/internal/remotetest"
	"github.com/cachetoolz/cachetoolz/memory"
)

func TestNearConformance(t *testing.T) {
	srv := remotetest.NewServer(nil)
	cachetest.RunNear(t, cachetest.NearHarness{New: func(*testing.T) cachetoolz.Backend { return srv.Client() }})
}

// nearProc is one process of a near test: a cache with a local tier on its
// own client of a shared server, and a wrapped function that returns a new
// number at every run.
type nearProc struct {
	c      *cachetoolz.Cache
	client *remotetest.Client
	get    func(context.Context, int) (int64, error)
}

// nearProcs returns n processes on srv, their functions wrapped with opts,
// counting their runs in next. A nil clock means the system clock.
func nearProcs(t *testing.T, srv *remotetest.Server, n int, clock *fakeClock, opts *cachetoolz.Options, next *atomic.Int64) []*nearProc {
	t.Helper()
	out := make([]*nearProc, n)
	for i := range out {
		p := &nearProc{client: srv.Client()}
		cfg := &cachetoolz.Config{Local: &memory.Options{MaxEntries: 1000}}
		if clock != nil {
			cfg.Now = clock.Now
		}
		var err error
		if p.c, err = cachetoolz.New(p.client, cfg); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = p.c.Close() })
		p.get = cachetoolz.Must(cachetoolz.Wrap1(p.c, func(context.Context, int) (int64, error) {
			return next.Add(1), nil
		}, opts))
		out[i] = p
	}
	return out
}

func (p *nearProc) call(t *testing.T, ctx context.Context, arg int) int64 {
	t.Helper()
	v, err := p.get(ctx, arg)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (p *nearProc) stats(ns string) cachetoolz.Stats { return p.c.Stats()[ns] }

// wantLocal fails unless a call of arg returns want from the local tier.
func (p *nearProc) wantLocal(t *testing.T, arg int, want int64) {
	t.Helper()
	gets := p.client.Gets()
	if v := p.call(t, bg, arg); v != want || p.client.Gets() != gets {
		t.Fatalf("call(%d) = %d with %d remote reads, want %d from the local tier", arg, v, p.client.Gets()-gets, want)
	}
}

// wantRemote fails unless a call of arg reads the backend and returns want
// (0: anything), and returns what it got.
func (p *nearProc) wantRemote(t *testing.T, arg int, want int64) int64 {
	t.Helper()
	gets := p.client.Gets()
	v := p.call(t, bg, arg)
	if p.client.Gets() == gets || (want != 0 && v != want) {
		t.Fatalf("call(%d) = %d with %d remote reads, want %d read remotely", arg, v, p.client.Gets()-gets, want)
	}
	return v
}

var nearOpts = &cachetoolz.Options{Name: "near.get", Namespace: "near", TTL: time.Hour}

func TestNearHitsLocally(t *testing.T) {
	cachetoolz.WithoutControls(t) // so that lookups take the wrappers' own path
	var next atomic.Int64
	ps := nearProcs(t, remotetest.NewServer(nil), 2, nil, nearOpts, &next)
	a, b := ps[0], ps[1]
	v := a.call(t, bg, 1) // a load, stored remotely and locally
	a.wantLocal(t, 1, v)  // its own store
	b.wantRemote(t, 1, v) // a remote hit
	for range 10 {
		b.wantLocal(t, 1, v)
	}
	st := b.stats("near")
	if st.LocalHits != 10 || st.RemoteHits != 1 || st.Hits != 11 || st.Misses != 0 {
		t.Fatalf("B's Stats = %+v, want 10 local hits and 1 remote", st)
	}
}

// TestNearReports checks that each kind of report kills what it concerns.
func TestNearReports(t *testing.T) {
	for _, tc := range []struct {
		name   string
		report func(t *testing.T, a, b *nearProc)
	}{
		{"Changed", func(t *testing.T, a, _ *nearProc) { a.call(t, cachetoolz.WithControl(bg, cachetoolz.Refresh), 1) }},
		{"Deleted", func(t *testing.T, a, _ *nearProc) { a.get(cachetoolz.WithControl(bg, cachetoolz.Forget), 1) }},
		{"Cleared", func(t *testing.T, a, _ *nearProc) {
			if err := a.c.Clear(bg, "near"); err != nil {
				t.Fatal(err)
			}
		}},
		{"Lost", func(_ *testing.T, _, b *nearProc) { b.client.Lose() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var next atomic.Int64
			ps := nearProcs(t, remotetest.NewServer(nil), 2, nil, nearOpts, &next)
			a, b := ps[0], ps[1]
			v := a.call(t, bg, 1)
			a.call(t, bg, 2)
			b.wantRemote(t, 1, v)
			b.wantLocal(t, 1, v)
			before := b.stats("near").Invalidations
			tc.report(t, a, b)
			if got := b.stats("near").Invalidations; got != before+1 {
				t.Fatalf("Invalidations = %d after one report, want %d", got, before+1)
			}
			if got := b.wantRemote(t, 1, 0); got == v && tc.name != "Lost" {
				t.Fatalf("call(1) = %d, the result before the change", got)
			}
		})
	}
}

// TestNearReportDuringRead sends a report between a remote read and its
// answer: what the read found must not be kept.
func TestNearReportDuringRead(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, a *nearProc)
	}{
		{"Changed", func(t *testing.T, a *nearProc) { a.call(t, cachetoolz.WithControl(bg, cachetoolz.Refresh), 1) }},
		{"Cleared", func(t *testing.T, a *nearProc) {
			if err := a.c.Clear(bg, "near"); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var next atomic.Int64
			srv := remotetest.NewServer(nil)
			a := nearProcs(t, srv, 1, nil, nearOpts, &next)[0]
			var armed atomic.Bool
			b := nearProcs(t, srv, 1, nil, nearOpts, &next)[0]
			b.client.AfterRead = func(string, string) {
				if armed.CompareAndSwap(true, false) {
					tc.change(t, a)
				}
			}
			v := a.call(t, bg, 1)
			armed.Store(true)
			if got := b.wantRemote(t, 1, v); got != v {
				t.Fatalf("B's read = %d, want %d, what was there when it read", got, v)
			}
			if got := b.wantRemote(t, 1, 0); got == v {
				t.Fatalf("call(1) = %d, what the read found before the change", got)
			}
		})
	}
}

// TestNearSetRefused holds B's reports while A clears during B's load: the
// backend refuses B's store and tells B's tier before Set returns, so that
// nothing B loaded is served.
func TestNearSetRefused(t *testing.T) {
	var next atomic.Int64
	srv := remotetest.NewServer(nil)
	a := nearProcs(t, srv, 1, nil, nearOpts, &next)[0]
	b := &nearProc{client: srv.Client()}
	b.c = cachetoolz.Must(cachetoolz.New(b.client, &cachetoolz.Config{Local: &memory.Options{}}))
	t.Cleanup(func() { _ = b.c.Close() })
	var first atomic.Bool
	b.get = cachetoolz.Must(cachetoolz.Wrap1(b.c, func(context.Context, int) (int64, error) {
		if !first.CompareAndSwap(false, true) {
			return next.Add(1), nil
		}
		b.client.Hold()
		if err := a.c.Clear(bg, "near"); err != nil {
			t.Error(err)
		}
		return -1, nil
	}, nearOpts))
	if v := b.call(t, bg, 1); v != -1 {
		t.Fatalf("B's load = %d", v)
	}
	// Before the report of the Clear arrives:
	if v := b.wantRemote(t, 1, 0); v == -1 {
		t.Fatal("B served the result of a load begun before A's Clear")
	}
	b.client.Release()
}

func TestNearExpiry(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1_000_000, 0)}
	var next atomic.Int64
	ps := nearProcs(t, remotetest.NewServer(clock.Now), 2, clock, &cachetoolz.Options{Name: "near.get", Namespace: "near", TTL: time.Minute}, &next)
	a, b := ps[0], ps[1]
	v := a.call(t, bg, 1) // stored for a minute
	clock.Advance(40 * time.Second)
	b.wantRemote(t, 1, v) // 20 seconds left
	clock.Advance(19 * time.Second)
	b.wantLocal(t, 1, v)
	a.wantLocal(t, 1, v)
	clock.Advance(time.Second)
	if got := b.wantRemote(t, 1, 0); got == v {
		t.Fatal("B served its entry past the remote entry's expiry")
	}
	if got := a.wantRemote(t, 1, 0); got == v {
		t.Fatal("A served its entry past the remote entry's expiry")
	}
}

// TestNearFreshness checks that with freshness options a local entry lives
// until its result stops being fresh, and the remote path then judges it.
func TestNearFreshness(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1_000_000, 0)}
	var next atomic.Int64
	opts := &cachetoolz.Options{Name: "near.get", Namespace: "near", TTL: time.Minute, MaxStale: time.Hour}
	ps := nearProcs(t, remotetest.NewServer(clock.Now), 2, clock, opts, &next)
	a, b := ps[0], ps[1]
	v := a.call(t, bg, 1)
	b.wantRemote(t, 1, v)
	clock.Advance(59 * time.Second)
	b.wantLocal(t, 1, v)
	clock.Advance(time.Second)
	if got := b.wantRemote(t, 1, 0); got == v {
		t.Fatal("B served a result past its TTL")
	}
}

func TestNearClearAndForgetAreLocalAtOnce(t *testing.T) {
	var next atomic.Int64
	a := nearProcs(t, remotetest.NewServer(nil), 1, nil, nearOpts, &next)[0]
	a.client.Hold() // no report helps
	v := a.call(t, bg, 1)
	a.wantLocal(t, 1, v)
	if _, err := a.get(cachetoolz.WithControl(bg, cachetoolz.Forget), 1); err != nil {
		t.Fatal(err)
	}
	v = a.wantRemote(t, 1, 0)
	a.wantLocal(t, 1, v)
	if err := a.c.Clear(bg, "near"); err != nil {
		t.Fatal(err)
	}
	if got := a.wantRemote(t, 1, 0); got == v {
		t.Fatal("served after Clear")
	}
}

func TestNearLostCountsEveryNamespace(t *testing.T) {
	srv := remotetest.NewServer(nil)
	client := srv.Client()
	c := cachetoolz.Must(cachetoolz.New(client, &cachetoolz.Config{Local: &memory.Options{}}))
	defer c.Close()
	for _, ns := range []string{"x", "y"} {
		cachetoolz.Must(cachetoolz.Wrap0Plain(c, func() int { return 1 }, &cachetoolz.Options{Name: ns, Namespace: ns}))
	}
	client.Lose()
	for ns, st := range c.Stats() {
		if st.Invalidations != 1 {
			t.Errorf("%s: Invalidations = %d after Lost, want 1", ns, st.Invalidations)
		}
	}
}

// TestNearEveryShape checks that every shape of wrapper answers from the
// local tier.
func TestNearEveryShape(t *testing.T) {
	cachetoolz.WithoutControls(t) // so that lookups take the wrappers' own path
	srv := remotetest.NewServer(nil)
	client := srv.Client()
	c := cachetoolz.Must(cachetoolz.New(client, &cachetoolz.Config{Local: &memory.Options{}}))
	defer c.Close()
	o := func(name string) *cachetoolz.Options { return &cachetoolz.Options{Name: name, Namespace: "shapes"} }
	calls := []func(){
		func() { cachetoolz.Must(cachetoolz.Wrap0Plain(c, func() int { return 1 }, o("0p")))() },
		func() {
			f := cachetoolz.Must(cachetoolz.Wrap1NoCtx(c, func(a string) (string, error) { return a, nil }, o("1c")))
			_, _ = f("x")
		},
		func() {
			f := cachetoolz.Must(cachetoolz.Wrap2NoErr(c, func(_ context.Context, a, b int) int { return a + b }, o("2e")))
			f(bg, 1, 2)
		},
		func() {
			f := cachetoolz.Must(cachetoolz.Wrap3(c, func(_ context.Context, a, b, c int) (*int, error) { return nil, nil }, o("3")))
			_, _ = f(bg, 1, 2, 3)
		},
	}
	for i, call := range calls {
		// Each wraps anew, as another process would: the first call
		// loads, the second is local.
		call()
		gets := client.Gets()
		call()
		if client.Gets() != gets {
			t.Errorf("shape %d: second call read the backend", i)
		}
	}
	if st := c.Stats()["shapes"]; st.LocalHits != uint64(len(calls)) {
		t.Errorf("Stats = %+v, want %d local hits", st, len(calls))
	}
}

// notTracking is a backend that cannot keep a local tier coherent.
type notTracking struct{ cachetoolz.Backend }

// failingTracker refuses to track.
type failingTracker struct{ *remotetest.Client }

func (failingTracker) Track(cachetoolz.TrackSink) error { return errors.New("no tracking here") }

func TestNearNewRefuses(t *testing.T) {
	srv := remotetest.NewServer(nil)
	for _, tc := range []struct {
		name    string
		backend cachetoolz.Backend
		local   *memory.Options
		want    string
	}{
		{"nil backend", nil, &memory.Options{}, "remote backends"},
		{"memory", memory.Must(memory.New(nil)), &memory.Options{}, "remote backends"},
		{"memory isolate", memory.Must(memory.New(&memory.Options{Isolate: true})), &memory.Options{}, "remote backends"},
		{"no Tracker", notTracking{srv.Client()}, &memory.Options{}, "Tracker and TTLGetter"},
		{"Isolate", srv.Client(), &memory.Options{Isolate: true}, "Isolate"},
		{"Clock", srv.Client(), &memory.Options{Clock: memory.ClockFunc(time.Now)}, "Clock"},
		{"bad bound", srv.Client(), &memory.Options{MaxEntries: -1}, "MaxEntries"},
		{"Track fails", failingTracker{srv.Client()}, &memory.Options{}, "no tracking here"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := cachetoolz.New(tc.backend, &cachetoolz.Config{Local: tc.local})
			if err == nil {
				_ = c.Close()
				t.Fatal("New accepted it")
			}
			if !strings.HasPrefix(err.Error(), "cachetoolz:") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New: %v, want a cachetoolz: error about %s", err, tc.want)
			}
		})
	}
}

// TestNearConcurrent runs reads, stores and every kind of report at once,
// for the race detector, and checks that a cleared result is never served
// once its Clear has returned (the double reports before it returns): a
// call that begins after a Clear returned never gets a result that a run
// made before the Clear began.
func TestNearConcurrent(t *testing.T) {
	var next atomic.Int64
	srv := remotetest.NewServer(nil)
	ps := nearProcs(t, srv, 3, nil, nearOpts, &next)
	done := make(chan struct{})
	var errs, stale atomic.Int64
	var cleared atomic.Int64 // the last run before the last Clear that has returned
	for _, p := range ps[1:] {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 2000 {
				floor := cleared.Load()
				v, err := p.get(bg, i%7)
				if err != nil {
					errs.Add(1)
				}
				if v <= floor {
					stale.Add(1)
				}
			}
		}()
	}
	for i := range 200 {
		switch i % 4 {
		case 0:
			floor := next.Load()
			_ = ps[0].c.Clear(bg, "near")
			cleared.Store(floor)
		case 1:
			ps[0].call(t, cachetoolz.WithControl(bg, cachetoolz.Refresh), i%7)
		case 2:
			ps[1+i%2].client.Lose()
		default:
			ps[0].call(t, bg, i%7)
		}
	}
	// A final clear, after which no result from before it is served.
	floor := next.Load()
	if err := ps[0].c.Clear(bg, "near"); err != nil {
		t.Fatal(err)
	}
	for range ps[1:] {
		<-done
	}
	if errs.Load() != 0 || stale.Load() != 0 {
		t.Fatalf("%d calls failed, %d got a result from before a Clear that returned before they began", errs.Load(), stale.Load())
	}
	for _, p := range ps {
		for i := range 7 {
			if v := p.call(t, bg, i); v <= floor {
				t.Fatalf("call(%d) = %d, a result from before the last Clear (runs up to %d)", i, v, floor)
			}
		}
	}
}

// TestNearVersion checks that a wrapper does not take the local entry of a
// wrapper with the same identity and another Options.Version, as it would
// not take its remote entry.
func TestNearVersion(t *testing.T) {
	client := remotetest.NewServer(nil).Client()
	c := cachetoolz.Must(cachetoolz.New(client, &cachetoolz.Config{Local: &memory.Options{}}))
	defer c.Close()
	v1 := cachetoolz.Must(cachetoolz.Wrap0Plain(c, func() int { return 1 }, &cachetoolz.Options{Name: "f", Version: "1"}))
	v2 := cachetoolz.Must(cachetoolz.Wrap0Plain(c, func() int { return 2 }, &cachetoolz.Options{Name: "f", Version: "2"}))
	for range 2 { // a load, then a local hit
		if got := v1(); got != 1 {
			t.Fatalf("version 1 got %d", got)
		}
	}
	if got := v2(); got != 2 {
		t.Fatalf("version 2 got %d, version 1's result", got)
	}
}

// TestNearOwnStoreDuringRead stores a new result through the same cache
// while one of its calls reads the former one remotely: the backend does
// not report a change made through itself, and the read must not keep
// the former result after the store.
func TestNearOwnStoreDuringRead(t *testing.T) {
	var next atomic.Int64
	ps := nearProcs(t, remotetest.NewServer(nil), 2, nil, nearOpts, &next)
	a, b := ps[0], ps[1]
	a.call(t, bg, 1)
	old := b.call(t, cachetoolz.WithControl(bg, cachetoolz.Refresh), 1) // kills A's entry
	var armed atomic.Bool
	var fresh int64
	a.client.AfterRead = func(string, string) {
		if armed.CompareAndSwap(true, false) {
			fresh = a.call(t, cachetoolz.WithControl(bg, cachetoolz.Refresh), 1)
		}
	}
	armed.Store(true)
	if got := a.wantRemote(t, 1, old); got != old {
		t.Fatalf("A's read = %d, want %d", got, old)
	}
	// The store's result, from the local tier.
	a.wantLocal(t, 1, fresh)
}

// TestNearWeigher checks that a Weigher of the local tier is given the
// results, as the memory backend's is.
func TestNearWeigher(t *testing.T) {
	var seen atomic.Value
	weigh := func(_ string, v any) int64 {
		seen.Store(v)
		return 1
	}
	client := remotetest.NewServer(nil).Client()
	c := cachetoolz.Must(cachetoolz.New(client, &cachetoolz.Config{Local: &memory.Options{MaxBytes: 1 << 20, Weigher: weigh}}))
	defer c.Close()
	get := cachetoolz.Must(cachetoolz.Wrap0Plain(c, func() string { return "result" }, nil))
	get()
	if v, _ := seen.Load().(string); v != "result" {
		t.Fatalf("the Weigher was given %#v, want the result", seen.Load())
	}
}
