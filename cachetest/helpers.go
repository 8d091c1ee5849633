package cachetest

import (
	"bytes"
	"context"
	"errors"
	"time"

	"github.com/cachetoolz/cachetoolz"
)

// get returns the value under key and whether it was found, failing the test
// on any error other than a miss.
func (s *suite) get(ns, key string) ([]byte, uint64, bool) {
	s.t.Helper()
	v, gen, err := s.b.Get(bg, ns, key)
	switch {
	case errors.Is(err, cachetoolz.ErrNotFound):
		return nil, gen, false
	case err != nil:
		s.t.Fatalf("Get(%q, %q): %v", ns, key, err)
	}
	return v, gen, true
}

// put stores value under key the way the cache does: a Get first, for the
// generation, then a Set.
func (s *suite) put(ns, key string, value []byte, ttl time.Duration) {
	s.t.Helper()
	_, gen, _ := s.get(ns, key)
	if err := s.b.Set(bg, ns, key, value, ttl, gen); err != nil {
		s.t.Fatalf("Set(%q, %q): %v", ns, key, err)
	}
}

func (s *suite) clear(namespaces ...string) {
	s.t.Helper()
	if err := s.b.Clear(bg, namespaces...); err != nil {
		s.t.Fatalf("Clear(%q): %v", namespaces, err)
	}
}

// wantValue fails unless key holds exactly want.
func (s *suite) wantValue(ns, key string, want []byte) {
	s.t.Helper()
	got, _, ok := s.get(ns, key)
	if !ok {
		s.t.Fatalf("Get(%q, %q): miss, want %q", ns, key, abbrev(want))
	}
	if !bytes.Equal(got, want) {
		s.t.Fatalf("Get(%q, %q) = %q, want %q", ns, key, abbrev(got), abbrev(want))
	}
}

// wantMiss fails unless key is absent.
func (s *suite) wantMiss(ns, key string) {
	s.t.Helper()
	if got, _, ok := s.get(ns, key); ok {
		s.t.Fatalf("Get(%q, %q) = %q, want a miss", ns, key, abbrev(got))
	}
}

// eventuallyMiss polls until key is absent, failing after limit. Expiry is
// the server's business, so this is the one place the suite waits on a
// clock rather than on an event.
func (s *suite) eventuallyMiss(ns, key string, limit time.Duration) time.Duration {
	s.t.Helper()
	start := time.Now()
	for {
		if _, _, ok := s.get(ns, key); !ok {
			return time.Since(start)
		}
		if time.Since(start) > limit {
			s.t.Fatalf("Get(%q, %q): still present after %v", ns, key, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func abbrev(b []byte) []byte {
	if len(b) > 64 {
		return append(b[:64:64], "..."...)
	}
	return b
}

// withTimeout bounds a call that must not hang.
func withTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(bg, d)
}
