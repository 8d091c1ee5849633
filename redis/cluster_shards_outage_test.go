package rediscache_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
)

// TestClusterShardsMasterDown kills one master of a 3-master Cluster that
// keeps serving the slots it still has, while one namespace spreads over
// all three (the default shards): every call still answers, none waits
// longer than the cache's timeout, and the namespace goes back to hits by
// itself once the master returns. The hits while it is down are logged:
// the keys on the dead master fail, and the namespace's circuit breaker,
// which counts failures in a row over all its keys, opens now and then
// for the whole namespace.
func TestClusterShardsMasterDown(t *testing.T) {
	c, partialCoverage := partialCluster(t)
	nodes := c.Nodes()
	cache := outageCache(t, newBackend(t, clusterURL(c), &rediscache.Options{Prefix: "sdown:"}))
	const ns, ids = "spread", 60
	call, err := cachetoolz.Wrap1(cache, func(_ context.Context, id int) (string, error) {
		return fmt.Sprint("v", id), nil
	}, &cachetoolz.Options{Name: "sdown", Namespace: ns, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	// callAll calls every id, checking each answer and how long it took,
	// and returns the hits the cache counted meanwhile.
	callAll := func() (hits uint64) {
		t.Helper()
		before := cache.Stats()[ns].Hits
		for id := range ids {
			start := time.Now()
			got, err := call(bg, id)
			if d := time.Since(start); d > outageTimeout+2*time.Second {
				t.Errorf("call %d took %v, want about the cache's timeout (%v) at most", id, d, outageTimeout)
			}
			if err != nil || got != fmt.Sprint("v", id) {
				t.Fatalf("call %d = %q, %v", id, got, err)
			}
		}
		return cache.Stats()[ns].Hits - before
	}
	callAll()
	if hits := callAll(); hits != ids {
		t.Fatalf("before the kill: %d hits of %d calls, want all", hits, ids)
	}
	if err := nodes[0].Kill(); err != nil {
		t.Fatal(err)
	}
	var hits uint64
	const rounds = 5
	for range rounds {
		hits += callAll()
	}
	t.Logf("while one of three masters is down: %d hits of %d calls", hits, rounds*ids)
	if err := nodes[0].Restart(); err != nil {
		t.Fatal(err)
	}
	partialCoverage(nodes[0])
	back := time.Now()
	eventually(t, 20*time.Second, "the namespace to hit again", func() bool { return callAll() == ids })
	t.Logf("every key hit again %v after the master's return", time.Since(back).Round(time.Millisecond))
}
