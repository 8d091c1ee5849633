package benchmarks

import (
	"context"
	"sync"
	"testing"
	"time"
)

// BenchmarkMemoryPeerRatio measures the memory backend against the peers
// its targets name, by alternation as BenchmarkMemoryHitRatio does, so that
// the phases of a shared machine slow both sides of a ratio alike:
//
//   - hit-ttl: cachetoolz-ttl against otter-loader (otter's Get with a
//     loader), on the 1,024 warm keys. Targets: at most 1.1 on one
//     goroutine, at most 1.2 from 32.
//   - miss: cachetoolz against gocache-singleflight, every call on a key
//     never asked for before. Target: at most 1.5.
//
// Each b.N is one turn of each side, the order swapped at every turn: on
// one goroutine a turn is memBlock calls, from 32 it is ratioBlock calls
// of each goroutine. It reports ns-peer and ns-cachetoolz, the time per
// call of each (for 32 goroutines, per call of all together: the inverse
// of throughput), and ratio, ns-cachetoolz / ns-peer.
func BenchmarkMemoryPeerRatio(b *testing.B) {
	rows := map[string]factory{}
	for _, l := range cachetoolzMemory() {
		rows[l.name] = l.new
	}
	for _, g := range []int{1, goroutines} {
		suffix := "/goroutines=1"
		if g > 1 {
			suffix = "/goroutines=32"
		}
		b.Run("hit-ttl"+suffix, func(b *testing.B) {
			peer, ours := otterLoader(b, load), rows["cachetoolz-ttl"](b, load)
			warm(b, peer)
			warm(b, ours)
			settle()
			hits := func(m memo) func(int) time.Duration {
				return func(turn int) time.Duration {
					if g == 1 {
						return memTurn(b, context.Background(), m, turn)
					}
					return hitTurn(b, m, g)
				}
			}
			peerRatio(b, g, hits(peer), hits(ours))
		})
		b.Run("miss"+suffix, func(b *testing.B) {
			peer, ours := goCacheSingleflight(b, load), rows["cachetoolz"](b, load)
			settle()
			misses := func(m memo) func(int) time.Duration {
				next := numKeys // each side's own count of the keys it asked for
				return func(int) time.Duration { return missTurn(b, m, g, &next) }
			}
			peerRatio(b, g, misses(peer), misses(ours))
		})
	}
}

// peerRatio runs b.N turns of each side by alternate and reports ns-peer,
// ns-cachetoolz and their ratio; g is the goroutines of a turn, for the
// count of calls.
func peerRatio(b *testing.B, g int, peer, ours func(turn int) time.Duration) {
	tPeer, tOurs := alternate(b, peer, ours)
	calls := b.N * memBlock
	if g > 1 {
		calls = b.N * ratioBlock * g
	}
	reportRatio(b, float64(calls), tPeer, tOurs, "peer", "cachetoolz")
}

// missTurn makes calls on keys never asked for before, from g goroutines
// (memBlock calls on one, ratioBlock each on more), starting at *next, and
// returns the time they took.
func missTurn(b *testing.B, m memo, g int, next *int) time.Duration {
	ctx := context.Background()
	n := memBlock
	if g > 1 {
		n = ratioBlock
	}
	first := *next
	*next += n * g
	var wg sync.WaitGroup
	start := time.Now()
	for w := range g {
		wg.Go(func() {
			for id := first + w*n; id < first+(w+1)*n; id++ {
				if u, err := m(ctx, id); err != nil || u.ID != id {
					b.Errorf("miss on key %d: got ID %d, err %v", id, u.ID, err)
					return
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}
