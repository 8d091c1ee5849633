package benchmarks

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	"github.com/cachetoolz/cachetoolz/memory"
)

// nearHitBlock and nearMissBlock are how many calls each goroutine makes in
// one turn of BenchmarkNearHitRatio's local and tracked rows.
const (
	nearHitBlock  = numKeys
	nearMissBlock = ratioBlock
)

// BenchmarkNearHitRatio measures the local tier (Config.Local) of a cache on
// Redis by alternation, as BenchmarkRedisHitRatio does: each row runs two
// caches of load in turns on the same server, the order swapped at every
// turn, so that a busy machine slows both alike. Each b.N is one turn of
// each, so allocs/op counts the allocations of both turns (the driver
// itself allocates nothing). Rows, for 1 and for 32 goroutines:
//
//   - local: hits answered by the local tier of a cache on Redis against
//     hits of the memory backend, on the same 1,024 keys with the same
//     options (TTL of an hour). It reports ns-memory, ns-local (wall time
//     per call, of all goroutines together for 32), ratio (ns-local /
//     ns-memory; target at most 1.5) and allocs-local, the allocations of
//     one local hit (target 0). The benchmark fails if a call of the loop
//     was not a local hit.
//   - tracked: the local tier's first read of a key, a remote hit through
//     the tracking client (GetTTL, decode, keep in the tier), against a
//     remote hit of the same key by a cache with the tier off (Get,
//     decode). Every call reads a key that the cache off stored before the
//     clock started and that the cache on never read, so the tier never
//     answers; it is large enough to keep them all, so nothing is evicted.
//     It reports ns-remote, ns-tracked and ratio (ns-tracked / ns-remote):
//     what tracking adds to a remote read.
func BenchmarkNearHitRatio(b *testing.B) {
	url := testserver.Redis(b).URL()
	for _, g := range []int{1, goroutines} {
		b.Run("local/goroutines="+strconv.Itoa(g), func(b *testing.B) { nearLocalRun(b, url, g) })
	}
	for _, g := range []int{1, goroutines} {
		b.Run("tracked/goroutines="+strconv.Itoa(g), func(b *testing.B) { nearTrackedRun(b, url, g) })
	}
}

// nearLocalRun is a local row of BenchmarkNearHitRatio from g goroutines.
func nearLocalRun(b *testing.B, url string, g int) {
	var loads atomic.Int64
	mem := cachetoolzWrap(memory.Options{}, cachetoolz.Options{TTL: ttl})(b, counting(&loads))
	be := newRedisBackend(b, url)
	nc, near := redisCache(b, be, &memory.Options{MaxEntries: capacity}, counting(&loads))
	warm(b, mem)
	warmLocal(b, nc, near)
	allocs := allocsPerHit(b, near)
	p := newTurnPool(b, g, nearHitBlock)
	before, local := loads.Load(), localHits(nc)
	settle()
	tMem, tNear := p.alternate(b, mem, near, hitIDs)
	b.StopTimer()
	checkHitLoads(b, loads.Load()-before)
	calls := int64(b.N) * nearHitBlock * int64(g)
	if n := localHits(nc) - local; n != uint64(calls) {
		b.Fatalf("%d local hits in %d calls", n, calls)
	}
	b.ReportMetric(perCall(tMem, calls), "ns-memory")
	b.ReportMetric(perCall(tNear, calls), "ns-local")
	b.ReportMetric(float64(tNear)/float64(tMem), "ratio")
	b.ReportMetric(allocs, "allocs-local")
}

// nearTrackedRun is a tracked row of BenchmarkNearHitRatio from g
// goroutines.
func nearTrackedRun(b *testing.B, url string, g int) {
	var loads atomic.Int64
	prefix := redisPrefix("near")
	n := b.N * nearMissBlock * g
	_, off := redisCache(b, newRedisBackendPrefix(b, url, prefix), nil, counting(&loads))
	nc, on := redisCache(b, newRedisBackendPrefix(b, url, prefix), &memory.Options{MaxEntries: n + capacity}, counting(&loads))
	p := newTurnPool(b, g, nearMissBlock)
	for turn := range b.N {
		p.run(b, off, freshIDs, turn) // stores every key the loop reads
	}
	if l := loads.Load(); l != int64(n) {
		b.Fatalf("%d loads while storing %d keys", l, n)
	}
	local := localHits(nc)
	settle()
	tOff, tOn := p.alternate(b, off, on, freshIDs)
	b.StopTimer()
	if l := loads.Load(); l != int64(n) {
		b.Fatalf("%d loads during %d remote hits", l-int64(n), 2*n)
	}
	if h := localHits(nc) - local; h != 0 {
		b.Fatalf("%d local hits in %d first reads", h, n)
	}
	b.ReportMetric(perCall(tOff, int64(n)), "ns-remote")
	b.ReportMetric(perCall(tOn, int64(n)), "ns-tracked")
	b.ReportMetric(float64(tOn)/float64(tOff), "ratio")
}

// nearTimeout is the Config.Timeout of BenchmarkNearHitRatio's caches on
// Redis: long enough that a loaded machine does not turn remote reads into
// loads (the default of 250 ms can pass with 32 goroutines on the tracking
// client's one connection), which would make the tracked rows fail.
const nearTimeout = 5 * time.Second

// redisCache wraps load on a cache on be with the local tier o (nil: off),
// nearTimeout and a TTL of an hour, and returns the cache and the wrapped
// load.
func redisCache(b *testing.B, be cachetoolz.Backend, o *memory.Options, load loader) (*cachetoolz.Cache, memo) {
	return wrapOn(b, be, &cachetoolz.Config{Local: o, Timeout: nearTimeout, Logger: benchLogger(b)}, load)
}

// warmLocal warms m, a cache on c with a local tier, until a pass over the
// working set is all local hits. One pass after the stores is not always
// enough: a store advances its key's change counter, which the entries of
// about one key in 8,192 share, and so kills those that were kept before
// it; the next pass reads them remotely and keeps them.
func warmLocal(b *testing.B, c *cachetoolz.Cache, m memo) {
	warm(b, m)
	for range 3 {
		before := localHits(c)
		warm(b, m)
		if localHits(c)-before == numKeys {
			return
		}
	}
	b.Fatal("the local tier does not hold the working set after four passes")
}

// localHits returns the local hits of every namespace of c.
func localHits(c *cachetoolz.Cache) uint64 {
	var n uint64
	for _, s := range c.Stats() {
		n += s.LocalHits
	}
	return n
}

// perCall returns d per call, in nanoseconds.
func perCall(d time.Duration, calls int64) float64 {
	return float64(d.Nanoseconds()) / float64(calls)
}

// idFunc returns the j-th key that goroutine w of g reads in a turn.
type idFunc func(turn, w, g, j, block int) int

// hitIDs are the keys of the working set, from a position that moves with
// the turn and the goroutine.
func hitIDs(turn, w, _, j, _ int) int {
	return hitKeys[(turn*131+w*257+j)&keyMask]
}

// freshIDs are keys past the working set, a range of block of them per
// goroutine and turn, so that no two calls of a pass over the turns read
// the same key.
func freshIDs(turn, w, g, j, block int) int {
	return numKeys + (turn*g+w)*block + j
}

// turnCalls makes p.block calls of m on the keys that ids gives goroutine w
// in turn.
func turnCalls(b *testing.B, m memo, ids idFunc, turn, w int, p *turnPool) {
	ctx := context.Background()
	for j := range p.block {
		id := ids(turn, w, p.g, j, p.block)
		u, err := m(ctx, id)
		if err != nil || u.ID != id {
			b.Errorf("call on key %d: got ID %d, err %v", id, u.ID, err)
			return
		}
	}
}

// turnPool runs turns of calls from g goroutines, each making block calls.
// With more than one, the goroutines live as long as the benchmark, so
// that a turn starts none and allocates nothing; with one, the turn runs
// on the benchmark's goroutine.
type turnPool struct {
	g, block int
	jobs     []chan turnJob // one per goroutine
	done     sync.WaitGroup // the goroutines still in the turn
}

// turnJob is one goroutine's part of a turn.
type turnJob struct {
	m    memo
	ids  idFunc
	turn int
}

// newTurnPool starts the goroutines of a pool, which end when the
// benchmark does.
func newTurnPool(b *testing.B, g, block int) *turnPool {
	p := &turnPool{g: g, block: block}
	if g == 1 {
		return p
	}
	var exited sync.WaitGroup
	p.jobs = make([]chan turnJob, g)
	for w := range g {
		ch := make(chan turnJob)
		p.jobs[w] = ch
		exited.Go(func() {
			for j := range ch {
				turnCalls(b, j.m, j.ids, j.turn, w, p)
				p.done.Done()
			}
		})
	}
	b.Cleanup(func() {
		for _, ch := range p.jobs {
			close(ch)
		}
		exited.Wait()
	})
	return p
}

// run makes one turn of calls of m and returns its wall time.
func (p *turnPool) run(b *testing.B, m memo, ids idFunc, turn int) time.Duration {
	start := time.Now()
	if p.g == 1 {
		turnCalls(b, m, ids, turn, 0, p)
		return time.Since(start)
	}
	p.done.Add(p.g)
	for _, ch := range p.jobs {
		ch <- turnJob{m: m, ids: ids, turn: turn}
	}
	p.done.Wait()
	return time.Since(start)
}

// alternate runs b.N turns of base and of ours through the pool (see the
// function alternate) and returns the time each took.
func (p *turnPool) alternate(b *testing.B, base, ours memo, ids idFunc) (tBase, tOurs time.Duration) {
	return alternate(b,
		func(i int) time.Duration { return p.run(b, base, ids, i) },
		func(i int) time.Duration { return p.run(b, ours, ids, i) })
}

// allocsPerHit returns the allocations of one hit of m, on one goroutine.
func allocsPerHit(b *testing.B, m memo) float64 {
	ctx := context.Background()
	i := 0
	return testing.AllocsPerRun(numKeys, func() {
		id := hitKeys[i&keyMask]
		i++
		if u, err := m(ctx, id); err != nil || u.ID != id {
			b.Fatalf("hit on key %d: got ID %d, err %v", id, u.ID, err)
		}
	})
}
