package rediscache_test

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
	"github.com/redis/rueidis"
)

// TestClusterShardsSpreadNamespace: on a 3-master Cluster, the entries of
// one namespace land on every master, the inspector still sees one
// namespace, Clear hides every entry at once, and Reclaim removes them in
// steps of at most Options.ReclaimBatch keys.
func TestClusterShardsSpreadNamespace(t *testing.T) {
	c := testserver.NewRedisCluster(t)
	if c.External() {
		t.Skip("counts keys per node of a cluster it started")
	}
	const prefix, ns, n, batch = "shard:", "big{ns}", 600, 10
	opts := &rediscache.Options{Prefix: prefix, ReclaimBatch: batch}
	b := newBackend(t, clusterURL(c), opts)
	fill(t, b, ns, n, 0)
	nodes := c.Nodes()
	raws := make([]rueidis.Client, len(nodes))
	for i, node := range nodes {
		raws[i] = rawNode(t, node.Addr())
	}

	// The server places the shards 16384/16 slots apart.
	gens := rediscache.ShardGenerationKeys(prefix, ns, rediscache.ClusterShards)
	slot0 := keyslot(t, raws[0], gens[0])
	for i, g := range gens {
		if s := keyslot(t, raws[0], g); (s-slot0+16384)%1024 != 0 {
			t.Errorf("shard %d (%s) on slot %d, shard 0 on %d: want a multiple of 1024 apart", i, g, s, slot0)
		}
	}
	// Every master holds a part of the namespace: 16 shards 1024 slots
	// apart on three even slot ranges put 5 or 6 on each.
	total := 0
	shardsOn := make([]int, len(nodes))
	for i, raw := range raws {
		entries := count(t, raw, prefix+"*:k:*")
		shardsOn[i] = count(t, raw, prefix+"*}:g")
		t.Logf("node %s: %d entries, %d shards", nodes[i].Addr(), entries, shardsOn[i])
		if entries < n/6 || shardsOn[i] < 5 {
			t.Errorf("node %s holds %d of %d entries and %d of 16 shards, want about a third", nodes[i].Addr(), entries, n, shardsOn[i])
		}
		total += entries
	}
	if total != n {
		t.Fatalf("%d entries on the masters, want %d", total, n)
	}

	// The inspector sees one namespace, and pages through every shard.
	infos, err := b.Namespaces(bg)
	if err != nil || len(infos) != 1 || infos[0].Name != ns || infos[0].Entries != n {
		t.Fatalf("Namespaces = %+v, %v; want %q with %d entries", infos, err, ns, n)
	}
	seen := map[string]bool{}
	for cursor, pages := "", 0; ; pages++ {
		page, next, err := b.Entries(bg, ns, cursor, 7)
		if err != nil || pages > n {
			t.Fatalf("Entries page %d: %v", pages, err)
		}
		for _, e := range page {
			if seen[e.Key] {
				t.Fatalf("Entries listed %q twice", e.Key)
			}
			seen[e.Key] = true
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if len(seen) != n {
		t.Fatalf("Entries listed %d keys, want %d", len(seen), n)
	}

	// Another process clears and stops at once, leaving the reclaim to
	// this one: every entry is hidden as soon as its Clear returns.
	other := newBackend(t, clusterURL(c), opts)
	if err := other.Clear(bg, ns); err != nil {
		t.Fatal(err)
	}
	_ = other.Close()
	for i := range n {
		if _, _, err := b.Get(bg, ns, fmt.Sprint(i)); !errors.Is(err, cachetoolz.ErrNotFound) {
			t.Fatalf("Get(%d) after Clear: %v, want ErrNotFound", i, err)
		}
	}
	left, err := b.Pending(bg, ns)
	if err != nil {
		t.Fatal(err)
	}
	before := scriptCalls(t, raws)
	if err := b.Reclaim(bg, ns); err != nil {
		t.Fatal(err)
	}
	steps := scriptCalls(t, raws) - before
	t.Logf("%d keys pending after Clear, reclaimed in %d script calls", left, steps)
	if steps*batch < left {
		t.Errorf("%d keys reclaimed in %d script calls: more than %d a call", left, steps, batch)
	}
	// Only the shards' generation keys are left, on every master.
	for i, raw := range raws {
		if got := count(t, raw, prefix+"*"); got != shardsOn[i] {
			t.Errorf("node %s: %d keys left, want its %d generation keys", nodes[i].Addr(), got, shardsOn[i])
		}
	}
	if p, err := b.Pending(bg, ns); err != nil || p != 0 {
		t.Errorf("Pending after Reclaim = %d, %v", p, err)
	}
}

// keyslot returns the slot the server computes for key.
func keyslot(t testing.TB, raw rueidis.Client, key string) int64 {
	t.Helper()
	s, err := raw.Do(bg, raw.B().ClusterKeyslot().Key(key).Build()).AsInt64()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var scriptStat = regexp.MustCompile(`cmdstat_eval(?:sha)?:calls=(\d+)`)

// scriptCalls returns how many EVAL and EVALSHA commands the nodes ran.
func scriptCalls(t testing.TB, raws []rueidis.Client) int64 {
	t.Helper()
	var total int64
	for _, raw := range raws {
		info, err := raw.Do(bg, raw.B().Info().Section("commandstats").Build()).ToString()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range scriptStat.FindAllStringSubmatch(info, -1) {
			n, _ := strconv.ParseInt(m[1], 10, 64)
			total += n
		}
	}
	return total
}
