package benchmarks

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz/internal/testserver"
)

// BenchmarkRedisHitRatio measures the hit path of cachetoolz on Redis
// against the limit (a raw rueidis GET plus JSON decode) by alternation: the
// two run in turns of ratioBlock calls per goroutine, on the same server,
// so that a machine busy with other work slows both alike and the ratio
// stays meaningful where the absolute figures of BenchmarkRedis swing. Each
// b.N is one turn of each. It reports, for 1 and for 32 goroutines:
//
//   - ns-raw and ns-<row>: wall time per call (per call of all goroutines
//     together, for 32: the inverse of throughput);
//   - ratio: ns-<row> / ns-raw. Targets: at most 1.05 with 1 goroutine; at
//     most 1.0 with 32 (throughput at least the raw client's).
func BenchmarkRedisHitRatio(b *testing.B) {
	srv := testserver.Redis(b)
	url := srv.URL()
	rows := []struct {
		name string
		f    factory
	}{
		{"cachetoolz", redisWrapped(url)},
		{"backend", redisBackendDirect(url)},
	}
	for _, row := range rows {
		for _, g := range []int{1, goroutines} {
			name := row.name + "/goroutines=1"
			if g > 1 {
				name = row.name + "/goroutines=32"
			}
			b.Run(name, func(b *testing.B) {
				ratioRun(b, rueidisRaw(url)(b, load), row.f(b, load), g, row.name)
			})
		}
	}
}

// ratioRun warms raw and ours, then runs b.N turns of each in alternation
// from g goroutines, and reports ns-raw, ns-<name> and their ratio.
func ratioRun(b *testing.B, raw, ours memo, g int, name string) {
	warm(b, raw)
	warm(b, ours)
	tRaw, tOurs := alternate(b,
		func(int) time.Duration { return hitTurn(b, raw, g) },
		func(int) time.Duration { return hitTurn(b, ours, g) })
	reportRatio(b, float64(b.N*ratioBlock*g), tRaw, tOurs, "raw", name)
}

// ratioBlock is how many hits each goroutine makes in one turn.
const ratioBlock = 200

// hitTurn makes ratioBlock hits on m from each of g goroutines and returns
// the wall time of the turn.
func hitTurn(b *testing.B, m memo, g int) time.Duration {
	ctx := context.Background()
	var wg sync.WaitGroup
	start := time.Now()
	for w := range g {
		wg.Go(func() {
			i := w * 131
			for range ratioBlock {
				id := hitKeys[i&keyMask]
				i++
				if u, err := m(ctx, id); err != nil || u.ID != id {
					b.Errorf("hit on key %d: got ID %d, err %v", id, u.ID, err)
					return
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}
