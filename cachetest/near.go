package cachetest

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/memory"
)

// NearHarness is a backend under test for RunNear: one that implements
// cachetoolz.Tracker and cachetoolz.TTLGetter, so that caches on it can
// keep a local tier (cachetoolz.Config.Local).
type NearHarness struct {
	// New returns a new backend on the server under test, connected as
	// another process would connect: each call returns a backend of its
	// own, and all of them share the server. RunNear calls it three times
	// per subtest, and closes what it returns when the subtest ends.
	// Required.
	New func(t *testing.T) cachetoolz.Backend

	// Wait bounds how long a change made through one backend may take to
	// reach the others. Default: five seconds.
	Wait time.Duration
}

// RunNear checks, as subtests of t, that caches with a local tier on
// separate backends of one server (three processes, A, B and C, in
// effect) stay coherent: A's Clear, A's store of a new result under a key
// the others hold, and A's removal of it (the Forget control; skipped if
// the backend is no Deleter), reach their local tiers; a cache answers from its
// local tier once it has read an entry; and a load begun in B before A's
// Clear never becomes visible after that Clear returns, in A, B or C.
//
// Waiting for a change to reach another cache is the one place where the
// suite waits on time: it polls the cache's Stats().Invalidations, within
// NearHarness.Wait.
func RunNear(t *testing.T, h NearHarness) {
	t.Helper()
	if h.New == nil {
		t.Fatal("cachetest: NearHarness.New is nil")
	}
	if h.Wait == 0 {
		h.Wait = 5 * time.Second
	}
	for _, c := range nearCases {
		t.Run(c.name, func(t *testing.T) { c.run(newNearSuite(t, h)) })
	}
}

var nearCases = []struct {
	name string
	run  func(s *nearSuite)
}{
	{"ClearReachesOthers", nearClear},
	{"OverwriteReachesOthers", nearOverwrite},
	{"ForgetReachesOthers", nearForget},
	{"ServesLocally", nearServesLocally},
	{"LoadBeforeClear", nearLoadBeforeClear},
	{"SharedBackend", nearSharedBackend},
}

// The caches of a nearSuite, as processes.
const (
	procA = iota
	procB
	procC
	procs
)

var procNames = [procs]string{"A", "B", "C"}

// nearSuite is three caches with local tiers on three backends of one
// server, each with the same function wrapped: it returns a new number at
// every run, so that a result tells which run made it.
type nearSuite struct {
	t      *testing.T
	h      NearHarness
	ns     string
	caches [procs]*cachetoolz.Cache
	gets   [procs]*getCounter
	fns    [procs]func(context.Context, int) (int, error)
	next   atomic.Int64
	// hook, if set, runs at the start of every run of the function, with
	// the cache's index and the argument.
	hook atomic.Pointer[func(proc, arg int)]
}

func newNearSuite(t *testing.T, h NearHarness) *nearSuite {
	s := &nearSuite{t: t, h: h, ns: token() + "near"}
	for i := range procs {
		b := h.New(t)
		if b == nil {
			t.Fatal("cachetest: NearHarness.New returned nil")
		}
		s.gets[i] = new(getCounter)
		c, err := cachetoolz.New(b, &cachetoolz.Config{
			Local:    &memory.Options{MaxEntries: 1024},
			Observer: s.gets[i],
		})
		if err != nil {
			_ = b.Close()
			t.Fatalf("cachetest: New with a local tier: %v", err)
		}
		t.Cleanup(func() { _ = c.Close() })
		s.caches[i] = c
		s.fns[i], err = cachetoolz.Wrap1(c, func(_ context.Context, arg int) (int, error) {
			if hook := s.hook.Load(); hook != nil {
				(*hook)(i, arg)
			}
			return int(s.next.Add(1)), nil
		}, &cachetoolz.Options{Name: "cachetest.near", Namespace: s.ns, TTL: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// call calls proc's wrapped function with arg.
func (s *nearSuite) call(ctx context.Context, proc, arg int) int {
	s.t.Helper()
	v, err := s.fns[proc](ctx, arg)
	if err != nil {
		s.t.Fatalf("%s: call(%d): %v", procNames[proc], arg, err)
	}
	return v
}

func (s *nearSuite) stats(proc int) cachetoolz.Stats { return s.caches[proc].Stats()[s.ns] }

// warm makes proc hold arg's entry, whose result is want, in its local
// tier: it calls until a call is answered from there (a report of a
// change made before may still cost a read).
func (s *nearSuite) warm(proc, arg, want int) {
	s.t.Helper()
	deadline := time.Now().Add(s.h.Wait)
	for {
		before := s.stats(proc).LocalHits
		if got := s.call(bg, proc, arg); got != want {
			s.t.Fatalf("%s: call(%d) = %d, want %d", procNames[proc], arg, got, want)
		}
		if s.stats(proc).LocalHits > before {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s: call(%d) not answered from the local tier within %v", procNames[proc], arg, s.h.Wait)
		}
	}
}

// awaitReports waits until proc has received a report of a change since
// its Stats().Invalidations was before.
func (s *nearSuite) awaitReports(proc int, before uint64) {
	s.t.Helper()
	deadline := time.Now().Add(s.h.Wait)
	for s.stats(proc).Invalidations <= before {
		if time.Now().After(deadline) {
			s.t.Fatalf("%s: no report of the change within %v", procNames[proc], s.h.Wait)
		}
		time.Sleep(time.Millisecond)
	}
}

func nearClear(s *nearSuite) {
	v := s.call(bg, procB, 1)
	s.warm(procB, 1, v)
	s.warm(procC, 1, v)
	b, c := s.stats(procB).Invalidations, s.stats(procC).Invalidations
	if err := s.caches[procA].Clear(bg, s.ns); err != nil {
		s.t.Fatal(err)
	}
	s.awaitReports(procB, b)
	s.awaitReports(procC, c)
	for _, p := range []int{procB, procC, procA} {
		if got := s.call(bg, p, 1); got == v {
			s.t.Fatalf("%s: call(1) = %d after A's Clear, the result cached before it", procNames[p], got)
		}
	}
}

func nearOverwrite(s *nearSuite) {
	v := s.call(bg, procA, 1)
	s.warm(procB, 1, v)
	s.warm(procC, 1, v)
	b, c := s.stats(procB).Invalidations, s.stats(procC).Invalidations
	v2 := s.call(cachetoolz.WithControl(bg, cachetoolz.Refresh), procA, 1)
	if v2 == v {
		s.t.Fatalf("A: call(1) under Refresh = %d, the result it replaces", v2)
	}
	s.awaitReports(procB, b)
	s.awaitReports(procC, c)
	for _, p := range []int{procB, procC} {
		if got := s.call(bg, p, 1); got != v2 {
			s.t.Fatalf("%s: call(1) = %d after A stored %d", procNames[p], got, v2)
		}
	}
}

func nearForget(s *nearSuite) {
	v := s.call(bg, procA, 1)
	s.warm(procB, 1, v)
	s.warm(procC, 1, v)
	b, c := s.stats(procB).Invalidations, s.stats(procC).Invalidations
	_, err := s.fns[procA](cachetoolz.WithControl(bg, cachetoolz.Forget), 1)
	if errors.Is(err, errors.ErrUnsupported) {
		s.t.Skip("the backend cannot remove one entry")
	}
	if err != nil {
		s.t.Fatal(err)
	}
	s.awaitReports(procB, b)
	s.awaitReports(procC, c)
	for _, p := range []int{procB, procC} {
		if got := s.call(bg, p, 1); got == v {
			s.t.Fatalf("%s: call(1) = %d after A removed it", procNames[p], got)
		}
	}
}

func nearServesLocally(s *nearSuite) {
	v := s.call(bg, procA, 1)
	gets := s.gets[procB].n.Load()
	if got := s.call(bg, procB, 1); got != v {
		s.t.Fatalf("B: call(1) = %d, want %d, stored by A", got, v)
	}
	if s.stats(procB).RemoteHits != 1 {
		s.t.Fatalf("B: Stats = %+v after its first call, want one remote hit", s.stats(procB))
	}
	const calls = 100
	for range calls {
		if got := s.call(bg, procB, 1); got != v {
			s.t.Fatalf("B: call(1) = %d, want %d", got, v)
		}
	}
	// A report of A's store may still arrive after B's first read, and
	// cost one more.
	if n := s.gets[procB].n.Load() - gets; n > 2 {
		s.t.Fatalf("B: %d remote reads for %d calls of one key, want at most 2", n, calls+1)
	}
	if st := s.stats(procB); st.LocalHits < calls-1 || st.Hits != st.LocalHits+st.RemoteHits {
		s.t.Fatalf("B: Stats = %+v after %d calls of a key it read once", st, calls+1)
	}
}

func nearLoadBeforeClear(s *nearSuite) {
	started, release := make(chan struct{}), make(chan struct{})
	var once atomic.Bool
	hook := func(proc, _ int) {
		if proc == procB && once.CompareAndSwap(false, true) {
			close(started)
			<-release
		}
	}
	s.hook.Store(&hook)
	done := make(chan int, 1)
	go func() {
		v, _ := s.fns[procB](bg, 1)
		done <- v
	}()
	<-started
	if err := s.caches[procA].Clear(bg, s.ns); err != nil {
		s.t.Fatal(err)
	}
	close(release)
	old := <-done
	for range 3 {
		for _, p := range []int{procB, procA, procC} {
			if got := s.call(bg, p, 1); got == old {
				s.t.Fatalf("%s: call(1) = %d, the result of B's load begun before A's Clear", procNames[p], got)
			}
		}
	}
}

// nearSharedBackend checks that a Clear and a Forget made through another
// cache on the same backend (which has no local tier) reach A's local tier:
// a backend need not report its own changes to the cache that tracks, but
// that cache is not the only one that can make them.
func nearSharedBackend(s *nearSuite) {
	other, err := cachetoolz.New(s.caches[procA].Backend(), nil)
	if err != nil {
		s.t.Fatal(err)
	}
	// other is not closed: A's cache closes the backend they share.
	fn, err := cachetoolz.Wrap1(other, func(context.Context, int) (int, error) {
		return int(s.next.Add(1)), nil
	}, &cachetoolz.Options{Name: "cachetest.near", Namespace: s.ns, TTL: time.Minute})
	if err != nil {
		s.t.Fatal(err)
	}
	v := s.call(bg, procA, 1)
	s.warm(procA, 1, v)
	before := s.stats(procA).Invalidations
	_, err = fn(cachetoolz.WithControl(bg, cachetoolz.Forget), 1)
	switch {
	case errors.Is(err, errors.ErrUnsupported):
	case err != nil:
		s.t.Fatal(err)
	default:
		s.awaitReports(procA, before)
		if got := s.call(bg, procA, 1); got == v {
			s.t.Fatalf("A: call(1) = %d after a Forget through another cache on its backend", got)
		}
		v = s.call(bg, procA, 1)
		s.warm(procA, 1, v)
		before = s.stats(procA).Invalidations
	}
	if err := other.Clear(bg, s.ns); err != nil {
		s.t.Fatal(err)
	}
	s.awaitReports(procA, before)
	if got := s.call(bg, procA, 1); got == v {
		s.t.Fatalf("A: call(1) = %d after a Clear through another cache on its backend", v)
	}
}

// getCounter is an Observer that counts the backend's reads.
type getCounter struct{ n atomic.Int64 }

func (g *getCounter) StartLoad(ctx context.Context, _ cachetoolz.Load) (context.Context, func(error)) {
	return ctx, func(error) {}
}

func (g *getCounter) StartOp(ctx context.Context, o cachetoolz.Op) (context.Context, func(error)) {
	if o.Kind == cachetoolz.OpGet {
		g.n.Add(1)
	}
	return ctx, func(error) {}
}
