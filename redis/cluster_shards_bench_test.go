package rediscache_test

import (
	"fmt"
	"testing"

	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
)

// BenchmarkClusterShards compares, on the 3-master Cluster, a namespace on
// one slot with one spread over 16 shards: a hit (one MGET either way) and
// a clear (one script, or 16 sent together to the three masters).
func BenchmarkClusterShards(b *testing.B) {
	c := testserver.NewRedisCluster(b)
	for _, shards := range []int{1, rediscache.ClusterShards} {
		be := newBackend(b, clusterURL(c), &rediscache.Options{Prefix: fmt.Sprint("bench", shards, ":"), Shards: shards})
		fill(b, be, "ns", 100, 0)
		b.Run(fmt.Sprint("hit/shards=", shards), func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, _, err := be.Get(bg, "ns", fmt.Sprint(i%100)); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run(fmt.Sprint("clear/shards=", shards), func(b *testing.B) {
			for b.Loop() {
				if err := be.Clear(bg, "empty"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
