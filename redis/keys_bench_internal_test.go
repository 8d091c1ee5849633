package rediscache

import "testing"

// BenchmarkGetKeys is the cost of naming the keys of a hit, with one shard
// (a standalone server) and with a Cluster's 16.
func BenchmarkGetKeys(b *testing.B) {
	const key = "github.com/acme/app.LoadUser:\x01\x02user-1234567"
	for _, bc := range []struct {
		name   string
		shards int
	}{{"shards=1", 1}, {"shards=16", clusterShards}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				g, e := getKeys(DefaultPrefix, "users", key, bc.shards)
				if len(g)+len(e) == 0 {
					b.Fatal("no keys")
				}
			}
		})
	}
}
