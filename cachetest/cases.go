package cachetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/cachetoolz/cachetoolz"
)

type testCase struct {
	name string
	run  func(*suite)
}

var cases = []testCase{
	{"MissThenHit", testMissThenHit},
	{"Overwrite", testOverwrite},
	{"BinaryValues", testBinaryValues},
	{"HostileKeys", testHostileKeys},
	{"TTL", testTTL},
	{"NeverExpires", testNeverExpires},
	{"NamespaceIsolation", testNamespaceIsolation},
	{"GlobNamespaces", testGlobNamespaces},
	{"EmptyNamespace", testEmptyNamespace},
	{"Clear", testClear},
	{"ClearDuringLoad", testClearDuringLoad},
	{"Concurrency", testConcurrency},
	{"CancelledContext", testCancelledContext},
	{"Close", testClose},
	{"CacheBadGeneration", testBadGeneration},
	{"CacheResultTypeChange", testResultTypeChange},
	{"CacheHugeTTL", testHugeTTL},
	{"CacheLoadWaitsOnContext", testLoadWaitsOnContext},
	{"Delete", testDelete},
	{"FreshEarlyRefresh", testEarlyRefresh},
	{"FreshRefreshThenClear", testRefreshThenClear},
	{"FreshFailSafe", testFailSafe},
	{"FreshFailSafePanic", testFailSafePanic},
	{"FreshSoftTimeout", testSoftTimeout},
	{"FreshHardTimeout", testHardTimeout},
	{"FreshControls", testControls},
}

func testMissThenHit(s *suite) {
	ns := s.ns("hit")
	s.wantMiss(ns, "k")
	s.put(ns, "k", []byte("v"), 0)
	s.wantValue(ns, "k", []byte("v"))
	s.wantMiss(ns, "other")
}

func testOverwrite(s *suite) {
	ns := s.ns("overwrite")
	s.put(ns, "k", []byte("first"), 0)
	s.put(ns, "k", []byte("second"), time.Hour)
	s.wantValue(ns, "k", []byte("second"))
}

func testBinaryValues(s *suite) {
	ns := s.ns("binary")
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	large := bytes.Repeat([]byte{0, 0xff, 'x', '\n'}, 1<<18) // 1 MiB
	values := map[string][]byte{
		"empty":   {},
		"nil":     nil,
		"zero":    {0},
		"png":     []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
		"invalid": {0xff, 0xfe, 0xc3, 0x28},
		"all":     all,
		"large":   large,
	}
	for k, v := range values {
		s.put(ns, k, v, 0)
	}
	for k, v := range values {
		want := v
		if want == nil {
			want = []byte{}
		}
		s.wantValue(ns, k, want)
	}
}

func testHostileKeys(s *suite) {
	ns := s.ns("keys")
	keys := []string{"", ":", "*", "?", "[a-z]", "{x}", "a:b", "a*", "a?", "\x00", "\xff\xfe",
		"ünï 名前", "../..", "$key", "a.b", strings.Repeat("k", 1000)}
	for i, k := range keys {
		s.put(ns, k, []byte(fmt.Sprint(i)), 0)
	}
	for i, k := range keys {
		s.wantValue(ns, k, []byte(fmt.Sprint(i)))
	}
}

func testTTL(s *suite) {
	ns := s.ns("ttl")
	s.put(ns, "short", []byte("v"), 300*time.Millisecond)
	s.put(ns, "long", []byte("v"), time.Hour)
	s.wantValue(ns, "short", []byte("v"))
	s.eventuallyMiss(ns, "short", 10*time.Second)
	s.wantValue(ns, "long", []byte("v"))
}

func testNeverExpires(s *suite) {
	ns := s.ns("forever")
	s.put(ns, "zero", []byte("v"), 0)
	s.put(ns, "negative", []byte("v"), -time.Second)
	s.put(ns, "marker", []byte("v"), 200*time.Millisecond)
	s.eventuallyMiss(ns, "marker", 10*time.Second)
	s.wantValue(ns, "zero", []byte("v"))
	s.wantValue(ns, "negative", []byte("v"))
}

// hostileNamespaces are names that break backends which paste namespaces into
// key patterns, separators or collection names.
var hostileNamespaces = []string{"user*", "users", "user?", "user", "user[s]", "a:b", "a", "a:",
	":a", "{a}", "ns/with/slash", "a.b", "$a", "ünïcödé 名前", " ", "\x00", "x\\y",
	strings.Repeat("long", 100)}

func testNamespaceIsolation(s *suite) {
	hostileNamespaces := hostileNamespaces
	if s.h.NoGenerations {
		hostileNamespaces = withoutPrefixed(hostileNamespaces)
	}
	for i, n := range hostileNamespaces {
		s.put(s.ns(n), "k", []byte(fmt.Sprint(i)), 0)
	}
	for i, n := range hostileNamespaces {
		s.wantValue(s.ns(n), "k", []byte(fmt.Sprint(i)))
	}
	// Clear them one at a time: each clear removes its own entry only.
	for i, n := range hostileNamespaces {
		s.clear(s.ns(n))
		s.wantMiss(s.ns(n), "k")
		for j, other := range hostileNamespaces[i+1:] {
			s.wantValue(s.ns(other), "k", []byte(fmt.Sprint(i+1+j)))
		}
	}
}

func testGlobNamespaces(s *suite) {
	star, users, user := s.ns("user*"), s.ns("users"), s.ns("user")
	s.put(star, "k", []byte("star"), 0)
	s.put(users, "k", []byte("users"), 0)
	s.put(user, "k", []byte("user"), 0)
	s.put(s.ns("a:b"), "k", []byte("colon"), 0)
	s.clear(star)
	s.wantMiss(star, "k")
	s.wantValue(users, "k", []byte("users"))
	s.wantValue(user, "k", []byte("user"))
	s.wantValue(s.ns("a:b"), "k", []byte("colon"))
	if s.h.NoGenerations {
		return // a clear of "a" removes "a:b"'s entries
	}
	s.clear(s.ns("a"))
	s.wantValue(s.ns("a:b"), "k", []byte("colon"))
}

// withoutPrefixed returns names without those that start with another of
// them and a colon.
func withoutPrefixed(names []string) []string {
	var out []string
	for _, n := range names {
		keep := true
		for _, m := range names {
			if strings.HasPrefix(n, m+":") {
				keep = false
			}
		}
		if keep {
			out = append(out, n)
		}
	}
	return out
}

func testEmptyNamespace(s *suite) {
	s.put("", "cachetest-empty", []byte("v"), time.Minute)
	s.wantValue("", "cachetest-empty", []byte("v"))
	s.put(s.ns(""), "cachetest-empty", []byte("other"), time.Minute)
	s.clear("")
	s.wantMiss("", "cachetest-empty")
	s.wantValue(s.ns(""), "cachetest-empty", []byte("other"))
}

func testClear(s *suite) {
	a, b, c := s.ns("clear-a"), s.ns("clear-b"), s.ns("clear-c")
	for _, n := range []string{a, b, c} {
		for i := range 10 {
			s.put(n, fmt.Sprint(i), []byte(n), 0)
		}
	}
	s.clear(a, b)
	for i := range 10 {
		s.wantMiss(a, fmt.Sprint(i))
		s.wantMiss(b, fmt.Sprint(i))
		s.wantValue(c, fmt.Sprint(i), []byte(c))
	}
	// A cleared namespace works as before.
	s.put(a, "0", []byte("again"), 0)
	s.wantValue(a, "0", []byte("again"))
	// Clearing what holds nothing, or nothing at all, is not an error.
	s.clear(s.ns("never-used"))
	s.clear()
}

func testClearDuringLoad(s *suite) {
	if s.h.NoGenerations {
		s.t.Skip("cachetest: the backend keeps no generations (Harness.NoGenerations)")
	}
	ns := s.ns("race")
	// A load begins: its Get misses and reports the generation.
	_, gen, ok := s.get(ns, "k")
	if ok {
		s.t.Fatal("fresh namespace: unexpected hit")
	}
	// The namespace is cleared while the load runs.
	s.clear(ns)
	// The load ends and stores its now stale result.
	if err := s.b.Set(bg, ns, "k", []byte("stale"), 0, gen); err != nil {
		s.t.Fatalf("Set with a stale generation: %v", err)
	}
	s.wantMiss(ns, "k")
	// A load that begins after the clear stores as usual.
	s.put(ns, "k", []byte("fresh"), 0)
	s.wantValue(ns, "k", []byte("fresh"))
	// And a second clear hides that one too, even from a writer that
	// cleared in between.
	_, gen, _ = s.get(ns, "other")
	s.clear(ns)
	s.clear(ns)
	if err := s.b.Set(bg, ns, "other", []byte("stale"), 0, gen); err != nil {
		s.t.Fatalf("Set with a stale generation: %v", err)
	}
	s.wantMiss(ns, "other")
	s.wantMiss(ns, "k")
}

func testConcurrency(s *suite) {
	ns, other := s.ns("concurrent"), s.ns("concurrent-clear")
	const workers, rounds = 16, 50
	var wg sync.WaitGroup
	errs := make(chan error, workers+1)
	for w := range workers {
		wg.Go(func() {
			for r := range rounds {
				key := fmt.Sprintf("w%d-%d", w, r%5)
				want := []byte(fmt.Sprintf("%d/%d", w, r))
				_, gen, err := s.b.Get(bg, ns, key)
				if err != nil && !errors.Is(err, cachetoolz.ErrNotFound) {
					errs <- err
					return
				}
				if err := s.b.Set(bg, ns, key, want, time.Minute, gen); err != nil {
					errs <- err
					return
				}
				got, _, err := s.b.Get(bg, ns, key)
				if err != nil || !bytes.Equal(got, want) {
					errs <- fmt.Errorf("worker %d round %d: Get = %q, %v; want %q", w, r, got, err, want)
					return
				}
			}
		})
	}
	// Clears of another namespace run alongside and must not disturb them.
	wg.Go(func() {
		for range rounds {
			if err := s.b.Clear(bg, other); err != nil {
				errs <- err
				return
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		s.t.Error(err)
	}
}

func testCancelledContext(s *suite) {
	ns := s.ns("cancelled")
	ctx, cancel := context.WithCancel(bg)
	cancel()
	check := func(op string, err error) {
		s.t.Helper()
		if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, cachetoolz.ErrNotFound) {
			s.t.Errorf("%s with a cancelled context: %v, want nil, a miss or context.Canceled", op, err)
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, gen, err := s.b.Get(ctx, ns, "k")
		check("Get", err)
		check("Set", s.b.Set(ctx, ns, "k", []byte("v"), 0, gen))
		check("Clear", s.b.Clear(ctx, ns))
	}()
	ctx2, cancel2 := withTimeout(10 * time.Second)
	defer cancel2()
	select {
	case <-done:
	case <-ctx2.Done():
		s.t.Fatal("operations with a cancelled context did not return within 10s")
	}
	// The backend still works with a live context.
	s.put(ns, "after", []byte("v"), 0)
	s.wantValue(ns, "after", []byte("v"))
}

func testClose(s *suite) {
	ns := s.ns("close")
	s.put(ns, "k", []byte("v"), 0)
	if err := s.b.Close(); err != nil {
		s.t.Fatalf("Close: %v", err)
	}
	if _, _, err := s.b.Get(bg, ns, "k"); !errors.Is(err, cachetoolz.ErrClosed) {
		s.t.Errorf("Get after Close: %v, want ErrClosed", err)
	}
	if err := s.b.Set(bg, ns, "k", []byte("v"), 0, 0); !errors.Is(err, cachetoolz.ErrClosed) {
		s.t.Errorf("Set after Close: %v, want ErrClosed", err)
	}
	if err := s.b.Clear(bg, ns); !errors.Is(err, cachetoolz.ErrClosed) {
		s.t.Errorf("Clear after Close: %v, want ErrClosed", err)
	}
	if err := s.b.Close(); err != nil && !errors.Is(err, cachetoolz.ErrClosed) {
		s.t.Errorf("second Close: %v, want nil or ErrClosed", err)
	}
}
