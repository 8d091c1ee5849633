package rediscache_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
)

// TestClusterMasterDown kills one master of a 3-master Cluster that keeps
// serving the slots it still has (cluster-require-full-coverage no), with
// one shard per namespace (Options.Shards 1), so one master holds each: the
// namespaces on the two healthy masters keep their hits, no call waits
// longer than the cache's timeout, and the dead master's namespaces go back
// to hits by themselves once it returns.
func TestClusterMasterDown(t *testing.T) {
	c, partialCoverage := partialCluster(t)
	nodes := c.Nodes()
	// One shard per namespace, so that each namespace lives on one master.
	cache := outageCache(t, newBackend(t, clusterURL(c), &rediscache.Options{Prefix: "down:", Shards: 1}))

	// Namespaces until each master holds at least three; each one is
	// placed by where its generation key lands.
	const ids = 20
	type wrapped struct {
		ns   string
		call func(context.Context, int) (string, error)
	}
	byNode := make(map[int][]wrapped)
	var runs atomic.Int64
	for i := 0; len(byNode[0]) < 3 || len(byNode[1]) < 3 || len(byNode[2]) < 3; i++ {
		if i > 200 {
			t.Fatal("no spread of namespaces over the masters")
		}
		ns := fmt.Sprint("ns-", i)
		call, err := cachetoolz.Wrap1(cache, func(_ context.Context, id int) (string, error) {
			runs.Add(1)
			return fmt.Sprint(ns, "/", id), nil
		}, &cachetoolz.Options{Name: "down." + ns, Namespace: ns, TTL: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := call(bg, 0); err != nil {
			t.Fatal(err)
		}
		for j, n := range nodes {
			if got, err := n.Do(bg, "EXISTS", rediscache.GenerationKey("down:", ns)); err == nil && got == int64(1) {
				byNode[j] = append(byNode[j], wrapped{ns, call})
			}
		}
	}
	// callAll calls every id of every namespace of the given masters,
	// checking each answer and how long it took; it returns the hits the
	// cache counted meanwhile, and the calls.
	callAll := func(masters ...int) (hits, calls uint64) {
		t.Helper()
		before := cache.Stats()
		var nss []string
		for _, m := range masters {
			for _, w := range byNode[m] {
				nss = append(nss, w.ns)
				for id := range ids {
					start := time.Now()
					got, err := w.call(bg, id)
					// The cache's timeout, with room for a loaded test machine:
					// a hang, not a slow call, is what this catches.
					if d := time.Since(start); d > outageTimeout+2*time.Second {
						t.Errorf("call in %s took %v, want about the cache's timeout (%v) at most", w.ns, d, outageTimeout)
					}
					if err != nil || got != fmt.Sprint(w.ns, "/", id) {
						t.Fatalf("call in %s = %q, %v", w.ns, got, err)
					}
					calls++
				}
			}
		}
		after := cache.Stats()
		for _, ns := range nss {
			hits += after[ns].Hits - before[ns].Hits
		}
		return hits, calls
	}
	callAll(0, 1, 2) // warm every namespace
	if hits, calls := callAll(0, 1, 2); hits != calls {
		t.Fatalf("before the kill: %d hits of %d calls, want all", hits, calls)
	}

	if err := nodes[0].Kill(); err != nil {
		t.Fatal(err)
	}
	// The dead master's namespaces fail, and the healthy ones keep their
	// hits, round after round, as the failures pile up.
	var healthyHits, healthyCalls uint64
	for range 5 {
		callAll(0)
		h, n := callAll(1, 2)
		healthyHits += h
		healthyCalls += n
	}
	if healthyHits*10 < healthyCalls*9 {
		t.Fatalf("while one master is down, the healthy masters' namespaces had %d hits of %d calls, want at least 90%%", healthyHits, healthyCalls)
	}
	t.Logf("while one master is down: %d hits of %d calls on the healthy masters", healthyHits, healthyCalls)

	if err := nodes[0].Restart(); err != nil {
		t.Fatal(err)
	}
	partialCoverage(nodes[0])
	// The returned master serves its slots again (it comes back empty):
	// its namespaces reload once, then hit, without anything rebuilt.
	back := time.Now()
	eventually(t, 20*time.Second, "the dead master's namespaces to hit again", func() bool {
		hits, calls := callAll(0)
		return hits == calls
	})
	t.Logf("the dead master's namespaces hit again %v after its return", time.Since(back).Round(time.Millisecond))
}

// outageTimeout is the cache's timeout in the tests that kill a master.
const outageTimeout = 300 * time.Millisecond

// partialCluster starts a 3-master Cluster whose masters keep serving
// their slots while another is down (cluster-require-full-coverage no),
// and returns it with the function that sets that again on a master that
// was restarted. It skips the test on a cluster it did not start.
func partialCluster(t *testing.T) (*testserver.RedisCluster, func(*testserver.RedisServer)) {
	t.Helper()
	c := testserver.NewRedisCluster(t)
	if c.External() {
		t.Skip("needs a cluster it can kill")
	}
	partialCoverage := func(n *testserver.RedisServer) {
		t.Helper()
		if _, err := n.Do(bg, "CONFIG", "SET", "cluster-require-full-coverage", "no"); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range c.Nodes() {
		partialCoverage(n)
	}
	return c, partialCoverage
}

// outageCache returns a cache on b with outageTimeout and a breaker that
// opens after three failures in a row, for 200 ms.
func outageCache(t *testing.T, b *rediscache.Backend) *cachetoolz.Cache {
	t.Helper()
	cache, err := cachetoolz.New(b, &cachetoolz.Config{Timeout: outageTimeout, FailureThreshold: 3, Cooldown: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cache.Close() })
	return cache
}
