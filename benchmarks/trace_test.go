package benchmarks

import (
	"container/heap"
	"math"
	"math/rand/v2"
	"sort"
)

// traceRequests is the length of every generated trace.
const traceRequests = 2_000_000

// traceKeys is the key space of the Zipf traces.
const traceKeys = 1_000_000

// trace is one replayable request sequence and the capacity every cache
// gets for it.
type trace struct {
	name     string
	capacity int
	keys     func() []int // built on first use, the same for every cache
}

// traces are the workloads of BenchmarkMemoryTraces.
var traces = []trace{
	{"zipf-cap1k", 1_000, zipfTrace},
	{"zipf-cap10k", 10_000, zipfTrace},
	{"zipf-cap100k", 100_000, zipfTrace},
	{"zipf-scans-cap10k", 10_000, zipfScanTrace},
	{"loop12k-cap10k", 10_000, loopTrace},
	{"zipf-moving-cap10k", 10_000, movingZipfTrace},
	{"sessions-cap10k", 10_000, sessionTrace},
}

// memoTrace returns f's result, computed once.
func memoTrace(f func() []int) func() []int {
	var keys []int
	return func() []int {
		if keys == nil {
			keys = f()
		}
		return keys
	}
}

// zipfSampler draws ranks 0..n-1 with probability proportional to
// 1/(rank+1)^s, by binary search in the cumulative distribution; unlike
// rand.Zipf it accepts s = 1.
type zipfSampler struct {
	cdf []float64
	r   *rand.Rand
}

func newZipf(r *rand.Rand, s float64, n int) *zipfSampler {
	cdf := make([]float64, n)
	sum := 0.0
	for i := range cdf {
		sum += 1 / math.Pow(float64(i+1), s)
		cdf[i] = sum
	}
	for i := range cdf {
		cdf[i] /= sum
	}
	return &zipfSampler{cdf: cdf, r: r}
}

func (z *zipfSampler) next() int {
	return sort.SearchFloat64s(z.cdf, z.r.Float64())
}

// scramble maps a rank onto a key so that popular keys are not small
// integers next to each other.
func scramble(rank int) int {
	return int(uint64(rank)*0x9E3779B97F4A7C15>>1) & math.MaxInt32
}

// zipfTrace: Zipf with s = 1 over traceKeys keys.
var zipfTrace = memoTrace(func() []int {
	r := rand.New(rand.NewPCG(1, 1))
	z := newZipf(r, 1, traceKeys)
	keys := make([]int, traceRequests)
	for i := range keys {
		keys[i] = scramble(z.next())
	}
	return keys
})

// zipfScanTrace: the Zipf trace with, every 100,000 requests, a scan of
// 20,000 keys that are never requested again.
var zipfScanTrace = memoTrace(func() []int {
	r := rand.New(rand.NewPCG(2, 2))
	z := newZipf(r, 1, traceKeys)
	keys := make([]int, 0, traceRequests)
	scan := 0
	for len(keys) < traceRequests {
		if len(keys)%100_000 == 0 && len(keys) > 0 {
			for i := 0; i < 20_000 && len(keys) < traceRequests; i++ {
				keys = append(keys, -1-scan) // one-time keys, disjoint from the Zipf ones
				scan++
			}
		}
		keys = append(keys, scramble(z.next()))
	}
	return keys
})

// loopTrace: 0, 1, ..., 11,999 over and over, just over a capacity of
// 10,000: recency-based policies miss every request.
var loopTrace = memoTrace(func() []int {
	keys := make([]int, traceRequests)
	for i := range keys {
		keys[i] = i % 12_000
	}
	return keys
})

// movingZipfTrace: Zipf with s = 1 whose hot set moves: every 50,000
// requests the rank-to-key mapping shifts by 5,000 keys, so the keys that
// were hottest become cold and new keys become hot.
var movingZipfTrace = memoTrace(func() []int {
	r := rand.New(rand.NewPCG(3, 3))
	z := newZipf(r, 1, traceKeys)
	keys := make([]int, traceRequests)
	for i := range keys {
		shift := (i / 50_000) * 5_000
		keys[i] = scramble(z.next() + shift)
	}
	return keys
})

// sessionTrace: user sessions. 1,000,000 users, popularity Zipf with
// s = 0.8; a session requests its user's 1 to 20 items several times in a
// burst, and 32 sessions are interleaved at any time. It mixes strong
// short-term recency with a long, weakly skewed tail.
var sessionTrace = memoTrace(func() []int {
	r := rand.New(rand.NewPCG(4, 4))
	z := newZipf(r, 0.8, traceKeys)
	type session struct{ user, items, left int }
	active := make([]session, 32)
	start := func() session {
		items := 1 + r.IntN(20)
		return session{user: z.next(), items: items, left: items * (2 + r.IntN(6))}
	}
	for i := range active {
		active[i] = start()
	}
	keys := make([]int, traceRequests)
	for i := range keys {
		s := &active[r.IntN(len(active))]
		keys[i] = scramble(s.user*32 + r.IntN(s.items))
		s.left--
		if s.left == 0 {
			*s = start()
		}
	}
	return keys
})

// belady returns the hits of Bélády's optimal policy on keys with the given
// capacity: on a miss with a full cache, evict the entry whose next request
// is farthest in the future (never requested again first). No policy that
// does not know the future can do better.
func belady(keys []int, capacity int) int {
	next := make([]int32, len(keys))
	last := make(map[int]int32, capacity)
	for i := len(keys) - 1; i >= 0; i-- {
		if j, ok := last[keys[i]]; ok {
			next[i] = j
		} else {
			next[i] = math.MaxInt32
		}
		last[keys[i]] = int32(i)
	}
	in := make(map[int]int32, capacity) // key -> its next request while cached
	h := &farthest{}
	hits := 0
	for i, k := range keys {
		if _, ok := in[k]; ok {
			hits++
		} else if len(in) == capacity {
			for { // pop until an entry that is still current
				top, _ := heap.Pop(h).(useAt)
				if at, ok := in[top.key]; ok && at == top.next {
					delete(in, top.key)
					break
				}
			}
		}
		in[k] = next[i]
		heap.Push(h, useAt{key: k, next: next[i]})
	}
	return hits
}

// useAt is a cached key and the index of its next request.
type useAt struct {
	key  int
	next int32
}

// farthest is a max-heap of useAt by next request.
type farthest []useAt

func (h farthest) Len() int           { return len(h) }
func (h farthest) Less(i, j int) bool { return h[i].next > h[j].next }
func (h farthest) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *farthest) Push(x any) {
	if u, ok := x.(useAt); ok {
		*h = append(*h, u)
	}
}
func (h *farthest) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
