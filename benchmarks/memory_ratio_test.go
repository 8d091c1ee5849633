package benchmarks

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// memBlock is how many hits one turn of BenchmarkMemoryHitRatio makes.
const memBlock = numKeys

// BenchmarkMemoryHitRatio measures the hit path of cachetoolz on its memory
// backend against the limit (raw otter GetIfPresent) by alternation: the
// two run in turns of memBlock calls on one goroutine, the order swapped at
// every turn, so that a machine busy with other work slows both alike and
// the ratio holds where the absolute figures of BenchmarkMemory swing. Each
// b.N is one turn of each. It reports ns-raw and ns-cachetoolz, the time per
// hit of each, and ratio, ns-cachetoolz / ns-raw (the core's target: at
// most 3, with 0 allocs/op).
func BenchmarkMemoryHitRatio(b *testing.B) {
	for _, l := range cachetoolzMemory() {
		if l.name == "cachetoolz-isolate" {
			continue // decodes on every hit: BenchmarkMemory has its figures
		}
		b.Run(l.name, func(b *testing.B) {
			var loads atomic.Int64
			raw, ours := otterRaw(b, counting(&loads)), l.new(b, counting(&loads))
			warm(b, raw)
			warm(b, ours)
			before := loads.Load()
			settle()
			ctx := context.Background()
			tRaw, tOurs := alternate(b,
				func(i int) time.Duration { return memTurn(b, ctx, raw, i) },
				func(i int) time.Duration { return memTurn(b, ctx, ours, i) })
			checkHitLoads(b, loads.Load()-before)
			reportRatio(b, float64(b.N*memBlock), tRaw, tOurs, "raw", "cachetoolz")
		})
	}
}

// memTurn makes memBlock hits on m, starting at a position in hitKeys that
// moves with the turn, and returns the time they took.
func memTurn(b *testing.B, ctx context.Context, m memo, turn int) time.Duration {
	i := turn * 131
	start := time.Now()
	for range memBlock {
		id := hitKeys[i&keyMask]
		i++
		u, err := m(ctx, id)
		if err != nil || u.ID != id {
			b.Fatalf("hit on key %d: got ID %d, err %v", id, u.ID, err)
		}
	}
	return time.Since(start)
}
