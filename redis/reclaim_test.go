package rediscache_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
	"github.com/redis/rueidis"
)

// fill stores n entries in ns through b, each under the generation that a
// Get of its key reports (a namespace's shards have generations of their
// own).
func fill(t testing.TB, b *rediscache.Backend, ns string, n int, ttl time.Duration) {
	t.Helper()
	for i := range n {
		key := fmt.Sprint(i)
		_, gen, err := b.Get(bg, ns, key)
		if err != nil && !errors.Is(err, cachetoolz.ErrNotFound) {
			t.Fatal(err)
		}
		if err := b.Set(bg, ns, key, []byte(ns), ttl, gen); err != nil {
			t.Fatal(err)
		}
	}
}

// count returns how many keys match pattern (a standalone server).
func count(t testing.TB, c rueidis.Client, pattern string) int {
	t.Helper()
	return len(keysMatching(t, c, pattern))
}

// eventually polls cond every 10 ms until it holds, failing after limit:
// reclaim is a server-side effect of a background goroutine.
func eventually(t testing.TB, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after %v", what, limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestClearReclaimsInBackground(t *testing.T) {
	srv := testserver.Redis(t)
	raw := rawClient(t, srv.Addr())
	b := newBackend(t, srv.URL(), &rediscache.Options{Prefix: "bg:", ReclaimBatch: 50})
	fill(t, b, "user*", 1000, 0)
	fill(t, b, "users", 300, time.Hour)
	if err := b.Clear(bg, "user*"); err != nil {
		t.Fatal(err)
	}
	// Invisible at once ...
	for _, k := range []string{"0", "500", "999"} {
		if _, _, err := b.Get(bg, "user*", k); !errors.Is(err, cachetoolz.ErrNotFound) {
			t.Fatalf("Get(user*, %s) after Clear: %v, want ErrNotFound", k, err)
		}
	}
	// ... reclaimed soon, by the backend itself: only the generation key and
	// nothing else is left of "user*".
	eventually(t, 10*time.Second, "reclaim of user*", func() bool {
		return count(t, raw, `bg:{user%2A}:*`) == 1
	})
	// "users" is untouched.
	if n := count(t, raw, `bg:{users}:k:*`); n != 300 {
		t.Fatalf("users has %d entries, want 300", n)
	}
	if v, _, err := b.Get(bg, "users", "299"); err != nil || string(v) != "users" {
		t.Fatalf("Get(users, 299) = %q, %v", v, err)
	}
}

func TestReclaimKeepsNewEntries(t *testing.T) {
	srv := testserver.Redis(t)
	raw := rawClient(t, srv.Addr())
	opts := &rediscache.Options{Prefix: "keep:", ReclaimBatch: 7}
	b := newBackend(t, srv.URL(), opts)
	fill(t, b, "ns", 100, 0)
	// Simulate a process that cleared and stopped before reclaiming: a
	// second backend clears and closes at once.
	other := newBackend(t, srv.URL(), opts)
	if err := other.Clear(bg, "ns"); err != nil {
		t.Fatal(err)
	}
	_ = other.Close()
	// New entries, some under the same keys as the old ones.
	fill(t, b, "ns", 30, 0)
	if err := b.Reclaim(bg, "ns"); err != nil {
		t.Fatal(err)
	}
	if n := count(t, raw, "keep:{ns}:k:*"); n != 30 {
		t.Fatalf("%d entries left, want the 30 new ones", n)
	}
	if n := count(t, raw, "keep:{ns}:p"); n != 0 {
		t.Fatalf("pending set still present")
	}
	for i := range 30 {
		if v, _, err := b.Get(bg, "ns", fmt.Sprint(i)); err != nil || string(v) != "ns" {
			t.Fatalf("Get(ns, %d) = %q, %v", i, v, err)
		}
	}
}

func TestIndexStaysBounded(t *testing.T) {
	srv := testserver.Redis(t)
	raw := rawClient(t, srv.Addr())
	b := newBackend(t, srv.URL(), &rediscache.Options{Prefix: "idx:"})
	_, gen, _ := b.Get(bg, "ns", "x")
	for i := range 200 {
		if err := b.Set(bg, "ns", fmt.Sprint("short", i), []byte("v"), time.Millisecond, gen); err != nil {
			t.Fatal(err)
		}
	}
	// Let the short entries expire, then write long-lived ones: each Set
	// trims up to two expired members, so 150 Sets remove all 200 expired
	// ones and the index holds the live entries only.
	eventually(t, 5*time.Second, "expiry", func() bool { return count(t, raw, "idx:{ns}:k:short*") == 0 })
	for i := range 150 {
		if err := b.Set(bg, "ns", fmt.Sprint("long", i), []byte("v"), time.Hour, gen); err != nil {
			t.Fatal(err)
		}
	}
	n, err := raw.Do(bg, raw.B().Zcard().Key(fmt.Sprintf("idx:{ns}:i:%d", gen)).Build()).AsInt64()
	if err != nil {
		t.Fatal(err)
	}
	if n != 150 {
		t.Fatalf("index holds %d members, want the 150 live ones", n)
	}
}

func TestReclaimOnCluster(t *testing.T) {
	c := testserver.NewRedisCluster(t)
	b := newBackend(t, clusterURL(c), &rediscache.Options{Prefix: "cl:", ReclaimBatch: 10})
	raw := rawClient(t, c.Addrs()...)
	namespaces := []string{"a", "b", "user*", "users", "{x}", ""}
	for _, ns := range namespaces {
		fill(t, b, ns, 40, 0)
	}
	if err := b.Clear(bg, "user*", ""); err != nil {
		t.Fatal(err)
	}
	if err := b.Reclaim(bg, "user*", ""); err != nil {
		t.Fatal(err)
	}
	for ns, want := range map[string]int64{"user*": 0, "": 0, "users": 40, "a": 40, "{x}": 40} {
		var n int64
		for i := range 40 {
			key := rediscache.EntryKey("cl:", ns, fmt.Sprint(i), rediscache.ClusterShards)
			e, err := raw.Do(bg, raw.B().Exists().Key(key).Build()).AsInt64()
			if err != nil {
				t.Fatal(err)
			}
			n += e
		}
		if n != want {
			t.Errorf("namespace %s: %d entries left, want %d", ns, n, want)
		}
	}
}
