package benchmarks

import (
	"context"
	"slices"
	"strconv"
	"testing"

	rediscache "github.com/go-redis/cache/v9"
	"github.com/jellydator/ttlcache/v3"
	"github.com/maypok86/otter/v2"
	"github.com/viccon/sturdyc"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/memory"
)

// traceMemo is one cache under a trace: a memoized function of an int that
// counts its own runs.
type traceMemo func(ctx context.Context, key int) (int, error)

// traceLib builds a cache bounded to capacity entries around fn.
type traceLib struct {
	name string
	new  func(b *testing.B, capacity int, fn func(context.Context, int) (int, error)) traceMemo
}

// traceLibs are the rows of BenchmarkMemoryTraces: every memory cache of
// BenchmarkMemory that takes a bound (go-cache takes none, so its hit ratio
// would be that of an unbounded cache).
var traceLibs = []traceLib{
	{"cachetoolz", func(b *testing.B, capacity int, fn func(context.Context, int) (int, error)) traceMemo {
		backend, err := memory.New(&memory.Options{MaxEntries: capacity})
		if err != nil {
			b.Fatal(err)
		}
		c, err := cachetoolz.New(backend, &cachetoolz.Config{Logger: benchLogger(b)})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = c.Close() })
		m, err := cachetoolz.Wrap1(c, fn, &cachetoolz.Options{Name: "benchmarks.trace"})
		if err != nil {
			b.Fatal(err)
		}
		return traceMemo(m)
	}},
	{"otter", func(b *testing.B, capacity int, fn func(context.Context, int) (int, error)) traceMemo {
		c := otter.Must(&otter.Options[int, int]{MaximumSize: capacity})
		b.Cleanup(func() { c.StopAllGoroutines() })
		l := otter.LoaderFunc[int, int](fn)
		return func(ctx context.Context, k int) (int, error) { return c.Get(ctx, k, l) }
	}},
	{"sturdyc", func(_ *testing.B, capacity int, fn func(context.Context, int) (int, error)) traceMemo {
		c := sturdyc.New[int](capacity, 16, ttl, 10, sturdyc.WithNoContinuousEvictions())
		return func(ctx context.Context, k int) (int, error) {
			return c.GetOrFetch(ctx, strconv.Itoa(k), func(ctx context.Context) (int, error) { return fn(ctx, k) })
		}
	}},
	{"ttlcache", func(_ *testing.B, capacity int, fn func(context.Context, int) (int, error)) traceMemo {
		c := ttlcache.New(ttlcache.WithTTL[int, int](ttl), ttlcache.WithCapacity[int, int](uint64(capacity)))
		return func(ctx context.Context, k int) (int, error) {
			if it := c.Get(k); it != nil {
				return it.Value(), nil
			}
			v, err := fn(ctx, k)
			if err == nil {
				c.Set(k, v, ttlcache.DefaultTTL)
			}
			return v, err
		}
	}},
	{"goredis-cache-local", func(_ *testing.B, capacity int, fn func(context.Context, int) (int, error)) traceMemo {
		c := rediscache.New(&rediscache.Options{LocalCache: rediscache.NewTinyLFU(capacity, ttl)})
		return func(ctx context.Context, k int) (int, error) {
			var v int
			err := c.Once(&rediscache.Item{Ctx: ctx, Key: strconv.Itoa(k), Value: &v,
				Do: func(*rediscache.Item) (any, error) { return fn(ctx, k) }})
			return v, err
		}
	}},
}

// BenchmarkMemoryTraces replays every trace through every bounded memory
// cache at the trace's capacity, and reports the hit ratio in percent
// (hit-%: calls that did not run the function) beside that of Bélády's
// optimal policy (optimal-%), the limit no cache reaches. Each iteration
// replays the whole trace on a new cache: run it with -benchtime=Nx.
//
// The caches built on otter (otter itself, and cachetoolz) maintain their
// policy in another goroutine, which may lag behind the replay and drop
// reads it had no room to record, so their hit ratio moves from one replay
// to the next by a few points, more on a busy machine. hit-% is therefore
// the median of the N replays, and hit-min-% and hit-max-% their spread:
// compare medians of N = 5 or more, never single replays.
func BenchmarkMemoryTraces(b *testing.B) {
	for _, tr := range traces {
		b.Run(tr.name, func(b *testing.B) {
			keys := tr.keys()
			b.Run("optimal", func(b *testing.B) {
				hits := 0
				for range b.N {
					hits = belady(keys, tr.capacity)
				}
				b.ReportMetric(100*float64(hits)/float64(len(keys)), "hit-%")
			})
			for _, l := range traceLibs {
				b.Run(l.name, func(b *testing.B) {
					ratios := make([]float64, 0, b.N)
					for range b.N {
						ratios = append(ratios, replay(b, l, tr.capacity, keys))
					}
					slices.Sort(ratios)
					b.ReportMetric(median(ratios), "hit-%")
					b.ReportMetric(ratios[0], "hit-min-%")
					b.ReportMetric(ratios[len(ratios)-1], "hit-max-%")
				})
			}
		})
	}
}

// median returns the median of sorted, which is not empty.
func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

// replay runs keys through a new cache of l and returns its hit ratio in
// percent.
func replay(b *testing.B, l traceLib, capacity int, keys []int) float64 {
	runs := 0
	m := l.new(b, capacity, func(_ context.Context, k int) (int, error) {
		runs++
		return k, nil
	})
	ctx := context.Background()
	for _, k := range keys {
		v, err := m(ctx, k)
		if err != nil || v != k {
			b.Fatalf("key %d: got %d, %v", k, v, err)
		}
	}
	return 100 * float64(len(keys)-runs) / float64(len(keys))
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{{[]float64{3}, 3}, {[]float64{1, 2, 9}, 2}, {[]float64{1, 2, 4, 9}, 3}} {
		if got := median(c.in); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}
