package rediscache

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// sinkKey keeps the benchmarks' joined keys alive.
var sinkKey string

// BenchmarkSeedKeysJoin joins 1,024 remembered keys, in a shuffled order,
// to a namespace: by concatenation (seedKey) and through the table; and,
// through the table, one remembered key again and again, which finds it in
// its first slot on every call and so costs the same from run to run.
func BenchmarkSeedKeysJoin(b *testing.B) {
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = fmt.Sprintf("%032x", i*7919)
	}
	order := rand.New(rand.NewPCG(1, 2)).Perm(len(keys))
	m := new(seedKeys)
	for range 2 {
		for _, k := range keys {
			m.join("bench:seed", k)
		}
	}
	b.Run("concat", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			sinkKey = seedKey("bench:seed", keys[order[i&1023]])
		}
	})
	b.Run("table", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			sinkKey = m.join("bench:seed", keys[order[i&1023]])
		}
	})
	b.Run("one", func(b *testing.B) {
		m := new(seedKeys)
		key := keys[0]
		m.join("bench:seed", key)
		m.join("bench:seed", key)
		b.ReportAllocs()
		for b.Loop() {
			sinkKey = m.join("bench:seed", key)
		}
	})
}
