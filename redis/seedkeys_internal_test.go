package rediscache

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// joinThrice joins namespace and key three times, which takes a key
// through the table's three paths (unseen, seen once and remembered, found),
// and fails unless every answer is namespace:key.
func joinThrice(t testing.TB, m *seedKeys, namespace, key string) {
	t.Helper()
	want := namespace + ":" + key
	for i := range 3 {
		if got := m.join(namespace, key); got != want {
			t.Fatalf("join(%q, %q), call %d = %q, want %q", namespace, key, i+1, got, want)
		}
	}
}

// The table answers namespace:key for one string asked for again and
// again, whatever the namespace and key hold, empty and over-long keys
// included.
func TestSeedKeysJoin(t *testing.T) {
	m := new(seedKeys)
	for _, c := range [][2]string{
		{"users", "5d41402abc4b2a76b9719d911017c592"},
		{"", "k"},
		{"a:b*[c]", ""},
		{"ü\x00", "\xff"},
		{"long", strings.Repeat("x", seedKeyMax+1)},
		{"max", strings.Repeat("y", seedKeyMax-len("max"))},
		{strings.Repeat("n", seedKeyMax), "k"},
	} {
		joinThrice(t, m, c[0], c[1])
	}
}

// One key string in several namespaces is joined to each namespace, never
// to another's, in whatever order the namespaces come.
func TestSeedKeysNamespaces(t *testing.T) {
	m := new(seedKeys)
	key := strings.Repeat("ab", 16)
	namespaces := []string{"a", "b", "a:b", "", "users", "user"}
	for range 4 {
		for _, ns := range namespaces {
			joinThrice(t, m, ns, key)
		}
	}
	// And a namespace equal in bytes to another but a string of its own.
	same := strings.Clone("users")
	joinThrice(t, m, same, key)
}

// Distinct keys at one address, and keys that share a prefix of their
// bytes, are told apart: keys that are dropped, collected and built again
// (the collector reuses their memory for keys of other contents), and
// substrings of one buffer, which share its address with lengths of their
// own.
func TestSeedKeysReusedMemory(t *testing.T) {
	m := new(seedKeys)
	for round := range 50 {
		for i := range 64 {
			key := fmt.Sprintf("%032x", round*1000+i) // a new string, dropped after
			joinThrice(t, m, "ns", key)
		}
		runtime.GC()
	}
	buf := strings.Repeat("0123456789abcdef", 4)
	for n := len(buf); n > 0; n-- {
		joinThrice(t, m, "ns", buf[:n])
		joinThrice(t, m, "ns", buf[len(buf)-n:])
	}
	for n := len(buf); n > 0; n-- { // again, now that they are remembered
		joinThrice(t, m, "ns", buf[:n])
	}
}

// Calls from many goroutines at once, on keys and namespaces that share
// and take over each other's slots, each get their own joined key.
func TestSeedKeysConcurrent(t *testing.T) {
	m := new(seedKeys)
	keys := make([]string, 3*seedKeySlots) // more keys than slots
	for i := range keys {
		keys[i] = fmt.Sprintf("%032x", i)
	}
	namespaces := []string{"a", "b", "c"}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 4 * len(keys) {
				k := keys[(i*7+g*131)%len(keys)]
				ns := namespaces[(i+g)%len(namespaces)]
				if got, want := m.join(ns, k), ns+":"+k; got != want {
					t.Errorf("join(%q, %q) = %q", ns, k, got)
					return
				}
			}
		})
	}
	wg.Wait()
}

// FuzzSeedKeysJoin: for any namespace and key, and any key sharing the
// first one's bytes, the table answers namespace:key.
func FuzzSeedKeysJoin(f *testing.F) {
	f.Add("users", "5d41402abc4b2a76b9719d911017c592", 3)
	f.Add("", "", 0)
	f.Add("a:b", "\xff\x00", 1)
	m := new(seedKeys)
	f.Fuzz(func(t *testing.T, namespace, key string, cut int) {
		joinThrice(t, m, namespace, key)
		if len(key) > 0 {
			n := cut % len(key)
			if n < 0 {
				n = -n
			}
			joinThrice(t, m, namespace, key[:n])
			joinThrice(t, m, namespace, key[n:])
			joinThrice(t, m, namespace+"x", key)
		}
	})
}

// A key within seedKeyMax with its namespace is remembered once asked for
// twice; one past it never is, so that the table's memory stays bounded.
func TestSeedKeysBound(t *testing.T) {
	m := new(seedKeys)
	remembered := func(namespace, key string) bool {
		for i := range uint64(seedKeySlots) {
			if s := m.table.Load(i); s != nil && s.Value.namespace == namespace && s.Value.key == key {
				return true
			}
		}
		return false
	}
	ns := "ns"
	fits := strings.Repeat("k", seedKeyMax-len(ns))
	joinThrice(t, m, ns, fits)
	if !remembered(ns, fits) {
		t.Errorf("a key of %d bytes in a namespace of %d is not remembered", len(fits), len(ns))
	}
	over := fits + "k"
	joinThrice(t, m, ns, over)
	if remembered(ns, over) {
		t.Errorf("a key of %d bytes in a namespace of %d is remembered, past seedKeyMax", len(over), len(ns))
	}
}
