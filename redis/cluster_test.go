package rediscache_test

import (
	"fmt"
	"testing"

	"github.com/redis/rueidis"

	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
)

// TestClusterSpreadsNamespaces: with one shard per namespace (each
// namespace on one slot), different namespaces still spread over every
// master.
func TestClusterSpreadsNamespaces(t *testing.T) {
	c := testserver.NewRedisCluster(t)
	if c.External() {
		t.Skip("counts keys per node of a cluster it started")
	}
	b := newBackend(t, clusterURL(c), &rediscache.Options{Prefix: "spread:", Shards: 1})
	const namespaces = 300
	for i := range namespaces {
		fill(t, b, fmt.Sprint("ns-", i), 1, 0)
	}
	for _, n := range c.Nodes() {
		raw := rawNode(t, n.Addr())
		// Each namespace holds one entry and one index key on its node.
		got := count(t, raw, "spread:*:k:*")
		if got < namespaces/3/2 {
			t.Errorf("node %s holds %d of %d namespaces, want about a third", n.Addr(), got, namespaces)
		}
		t.Logf("node %s: %d namespaces", n.Addr(), got)
	}
}

// rawNode returns a client on one node of a cluster only.
func rawNode(t testing.TB, addr string) rueidis.Client {
	t.Helper()
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{addr}, DisableCache: true, ForceSingleClient: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}
