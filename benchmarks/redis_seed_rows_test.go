package benchmarks

import (
	"context"
	"testing"

	"github.com/cachetoolz/cachetoolz/internal/testserver"
)

// BenchmarkRedisSeedHitRows runs the two rows of BenchmarkRedisSeedHitRatio
// apart, for counts of one row at a time: allocations (-benchmem), or
// instructions per hit under callgrind (run at two -benchtime and divide the
// difference of the totals). raw is the raw rueidis GET and codec.Python
// decode, cachetoolz the wrapped hit in the seed layout. With 1 goroutine
// an op is one hit; with 32 it is ratioBlock hits of each goroutine (6,400
// hits), which go through the client's pipeline as in the ratio's
// 32-goroutine run.
func BenchmarkRedisSeedHitRows(b *testing.B) {
	srv := testserver.Redis(b)
	url := srv.URL()
	for _, row := range []string{"raw", "cachetoolz"} {
		for _, g := range []int{1, goroutines} {
			name := row + "/goroutines=1"
			if g > 1 {
				name = row + "/goroutines=32"
			}
			b.Run(name, func(b *testing.B) {
				ns := redisPrefix("seedrows")
				var m memo
				if row == "raw" {
					m = seedRaw(b, url, ns)
				} else {
					m = seedWrapped(b, url, ns)
				}
				warm(b, m)
				b.ReportAllocs()
				b.ResetTimer()
				if g > 1 {
					for range b.N {
						hitTurn(b, m, g)
					}
					return
				}
				ctx := context.Background()
				for i := range b.N {
					id := hitKeys[i&keyMask]
					if u, err := m(ctx, id); err != nil || u.ID != id {
						b.Fatalf("hit on key %d: got ID %d, err %v", id, u.ID, err)
					}
				}
			})
		}
	}
}
