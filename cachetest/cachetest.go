// Package cachetest is a conformance suite for implementations of
// [cachetoolz.Backend], in the spirit of testing/slogtest.
//
// A backend module runs it against a real instance of its server:
//
//	func TestConformance(t *testing.T) {
//		cachetest.Run(t, func(t *testing.T) cachetoolz.Backend {
//			b, err := mybackend.New(url, nil)
//			if err != nil {
//				t.Fatal(err)
//			}
//			return b
//		})
//	}
//
// Run calls newBackend once per subtest, and closes what it returns when the
// subtest ends. Every subtest works in namespaces of its own, prefixed with a
// random token, so backends may share one server with other tests; only the
// subtest that checks the empty namespace uses a fixed name.
//
// The suite checks: misses and hits, binary values, overwrites, time to live
// (entries expire, and entries without one do not), keys and namespaces with
// hostile characters, namespace isolation (clearing "user*" leaves "users"
// alone), clear, the race between a clear and a load that began before it,
// concurrent use, cancelled contexts, and Close. Through a cachetoolz.Cache
// on the backend it also checks that damaged generation data is one
// namespace's miss and that a clear repairs it (with
// Harness.CorruptGeneration), that an entry stored for another result type
// is never served, that a huge TTL is no error and no instant expiry, and
// that a function waiting on its context never wedges its key.
//
// A backend that can keep caches' local tiers coherent (one that
// implements cachetoolz.Tracker and cachetoolz.TTLGetter) also runs
// RunNear, which checks that what one cache changes reaches the local
// tiers of caches on other connections to the same server.
package cachetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"

	"github.com/cachetoolz/cachetoolz"
)

// Run runs the conformance suite as subtests of t, with newBackend as the
// harness's New and no other hooks.
func Run(t *testing.T, newBackend func(t *testing.T) cachetoolz.Backend) {
	t.Helper()
	RunHarness(t, Harness{New: newBackend})
}

// Harness is a backend under test, with the hooks that some checks need.
type Harness struct {
	// New returns a new backend on the server under test. It is called
	// once per subtest, and what it returns is closed when the subtest
	// ends. Required.
	New func(t *testing.T) cachetoolz.Backend

	// CorruptGeneration overwrites what b stores as the generation of
	// namespace with bytes it cannot parse, as a damaged or foreign write
	// would. The suite then checks that the damage is that namespace's
	// miss, never an error that reaches other namespaces, and that a clear
	// repairs it. Nil for a backend that keeps no generation outside the
	// process, such as the memory backend: that check is then skipped.
	CorruptGeneration func(t *testing.T, b cachetoolz.Backend, namespace string)

	// NoGenerations declares a backend that keeps a namespace as a plain
	// key prefix with no generation, as the Redis backend's seed layout
	// does to share entries with the Python library: a Set with a stale
	// generation still stores, and a clear of namespace "a" also removes
	// the entries of the namespaces that start with "a:", whose keys
	// share its pattern. The checks of those two properties are skipped;
	// every other check runs.
	NoGenerations bool
}

// RunHarness runs the conformance suite as subtests of t.
func RunHarness(t *testing.T, h Harness) {
	t.Helper()
	if h.New == nil {
		t.Fatal("cachetest: Harness.New is nil")
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := h.New(t)
			if b == nil {
				t.Fatal("cachetest: Harness.New returned nil")
			}
			s := &suite{t: t, b: b, h: h, prefix: token()}
			t.Cleanup(func() { _ = b.Close() })
			c.run(s)
		})
	}
}

type suite struct {
	t      *testing.T
	b      cachetoolz.Backend
	h      Harness
	prefix string
}

// ns returns a namespace unique to this run.
func (s *suite) ns(name string) string { return s.prefix + name }

func token() string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return "cachetest-" + hex.EncodeToString(b[:]) + "-"
}

var bg = context.Background()
