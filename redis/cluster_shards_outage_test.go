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
// longer than the cache's timeout, the keys on the healthy masters keep
// their hits, and the namespace goes back to hits by itself once the
// master returns.
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
	// The cache keeps a breaker per shard (the backend is a Sharder): the
	// keys on the healthy masters hit in every round, whatever the failures
	// of the others.
	var hits []uint64
	for range 5 {
		hits = append(hits, callAll())
	}
	t.Logf("while one of three masters is down: hits per round of %d calls: %v", ids, hits)
	for _, h := range hits {
		if h != hits[0] || h < ids/2 {
			t.Fatalf("hits per round of %d calls while one master is down: %v, want the same each round, at least half", ids, hits)
		}
	}
	if err := nodes[0].Restart(); err != nil {
		t.Fatal(err)
	}
	partialCoverage(nodes[0])
	back := time.Now()
	eventually(t, 20*time.Second, "the namespace to hit again", func() bool { return callAll() == ids })
	t.Logf("every key hit again %v after the master's return", time.Since(back).Round(time.Millisecond))
}
