package rediscache_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
)

// TestClusterSeedMasterDown kills the master that holds one key of a
// namespace in the seed layout, on a 3-master Cluster that keeps serving
// the slots it still has: once that key's failures have opened its
// breaker, a key of the same namespace on a healthy master still hits
// (the breakers are per sixteenth of the slot space, not per namespace),
// and the first key hits again by itself once its master returns.
func TestClusterSeedMasterDown(t *testing.T) {
	c, partialCoverage := partialCluster(t)
	cache := outageCache(t, newBackend(t, clusterURL(c), &rediscache.Options{Layout: rediscache.LayoutSeed}))
	const ns = "seedparts"
	down, up := keyInPart(t, ns, 0), keyInPart(t, ns, rediscache.ClusterShards-1)
	call, err := cachetoolz.Wrap1(cache, func(_ context.Context, k string) (string, error) {
		return "v" + k, nil
	}, &cachetoolz.Options{Name: "seedparts", Namespace: ns, TTL: time.Hour,
		Keys: cachetoolz.KeyFunc(func(_ bool, _ cachetoolz.Function, args []any) (string, error) {
			return args[0].(string), nil
		})})
	if err != nil {
		t.Fatal(err)
	}
	hits := func() uint64 { return cache.Stats()[ns].Hits }
	get := func(k string) {
		t.Helper()
		start := time.Now()
		if got, err := call(bg, k); err != nil || got != "v"+k {
			t.Fatalf("call(%q) = %q, %v", k, got, err)
		}
		if d := time.Since(start); d > outageTimeout+2*time.Second {
			t.Errorf("call(%q) took %v, want about the cache's timeout (%v) at most", k, d, outageTimeout)
		}
	}
	for range 2 {
		get(down)
		get(up)
	}
	if h := hits(); h != 2 {
		t.Fatalf("%d hits before the kill, want 2", h)
	}
	owner := ownerOf(t, c, ns+":"+down)
	if ownerOf(t, c, ns+":"+up) == owner {
		t.Fatalf("%q and %q are on the same master", down, up)
	}
	if err := owner.Kill(); err != nil {
		t.Fatal(err)
	}
	for range 5 { // FailureThreshold is 3
		get(down)
	}
	if !cache.Stats()[ns].BreakerOpen {
		t.Fatal("no breaker open after 5 failed reads of a key on the killed master")
	}
	before := hits()
	get(up)
	if h := hits() - before; h != 1 {
		t.Fatalf("a key on a healthy master: %d hits of 1 call while another master is down", h)
	}
	if err := owner.Restart(); err != nil {
		t.Fatal(err)
	}
	partialCoverage(owner)
	eventually(t, 20*time.Second, "the key on the restarted master to hit", func() bool {
		before := hits()
		get(down)
		return hits() == before+1
	})
}

// keyInPart returns a key whose namespace:key lies in part of the seed
// layout's parts.
func keyInPart(t *testing.T, ns string, part int) string {
	t.Helper()
	for i := range 100000 {
		k := fmt.Sprint("k", i)
		if rediscache.SeedPart(ns+":"+k) == part {
			return k
		}
	}
	t.Fatalf("no key in part %d", part)
	return ""
}

// ownerOf returns the master of c that serves key: the one that answers a
// GET of it rather than redirecting.
func ownerOf(t *testing.T, c *testserver.RedisCluster, key string) *testserver.RedisServer {
	t.Helper()
	for _, n := range c.Nodes() {
		if _, err := n.Do(bg, "GET", key); err == nil || !strings.Contains(err.Error(), "MOVED") {
			return n
		}
	}
	t.Fatalf("no master serves %q", key)
	return nil
}
