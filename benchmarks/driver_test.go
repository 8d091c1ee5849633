package benchmarks

import (
	"context"
	"reflect"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// goroutines is the number of goroutines of every parallel scenario.
const goroutines = 32

// loader is what a factory memoizes; the driver hands it either load or a
// version of load that counts its calls.
type loader = func(ctx context.Context, id int) (User, error)

// factory builds one library's memoized load, bounded by capacity and with
// ttl where the library takes one. It registers with b.Cleanup whatever must
// be released.
type factory func(b *testing.B, load loader) memo

// lib is one row of a backend's table: a library (or the limit) by name.
type lib struct {
	name string
	new  factory
}

// scenario is one column group of a backend's table.
type scenario struct {
	name string
	run  func(b *testing.B, f factory)
}

// scenarios are the four measurements every library goes through:
//
//   - hit: the 1,024 keys are loaded before the clock starts; the loop reads
//     them in the order of hitKeys. Loads during the loop are logged, and
//     fail the benchmark past one in a thousand calls.
//   - miss: every call asks for a key never asked for before (a counter from
//     numKeys upwards), so every call runs the loader once and stores its
//     value; bounded caches fill up and then evict. The loader must run
//     exactly once per call.
//   - hit-parallel and miss-parallel: the same with 32 goroutines, each with
//     its own position in hitKeys, or its own disjoint range of new keys.
var scenarios = []scenario{
	{"hit", benchHit},
	{"hit-parallel", benchHitParallel},
	{"miss", benchMiss},
	{"miss-parallel", benchMissParallel},
}

// runAll runs every scenario on every library, as
// b.Run(scenario).Run(library), so that the names read
// Benchmark<Backend>/<scenario>/<library>.
func runAll(b *testing.B, libs []lib) {
	for _, sc := range scenarios {
		b.Run(sc.name, func(b *testing.B) {
			for _, l := range libs {
				b.Run(l.name, func(b *testing.B) { sc.run(b, l.new) })
			}
		})
	}
}

// parallelism is the argument of b.SetParallelism that makes RunParallel
// start goroutines goroutines: it starts parallelism*GOMAXPROCS, so on a
// GOMAXPROCS that does not divide 32 the count rounds up.
func parallelism() int {
	procs := runtime.GOMAXPROCS(0)
	return (goroutines + procs - 1) / procs
}

// alternate resets the timer and runs b.N turns of base and of ours, in an
// order swapped at every turn so that neither always follows the other and
// a shared machine's phases slow both alike, and returns the time each
// took.
func alternate(b *testing.B, base, ours func(turn int) time.Duration) (tBase, tOurs time.Duration) {
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%2 == 0 {
			tBase += base(i)
			tOurs += ours(i)
		} else {
			tOurs += ours(i)
			tBase += base(i)
		}
	}
	b.StopTimer()
	return tBase, tOurs
}

// reportRatio reports the time per call of each side of an alternation,
// as ns-<baseName> and ns-<oursName>, and their ratio, ours over base.
func reportRatio(b *testing.B, calls float64, tBase, tOurs time.Duration, baseName, oursName string) {
	b.ReportMetric(float64(tBase.Nanoseconds())/calls, "ns-"+baseName)
	b.ReportMetric(float64(tOurs.Nanoseconds())/calls, "ns-"+oursName)
	b.ReportMetric(float64(tOurs)/float64(tBase), "ratio")
}

// settle collects the garbage of earlier benchmarks before the clock starts,
// so that a row does not pay for the heap its predecessors left.
func settle() { runtime.GC() }

// counting returns load wrapped to add one to n per call.
func counting(n *atomic.Int64) loader {
	return func(ctx context.Context, id int) (User, error) {
		n.Add(1)
		return load(ctx, id)
	}
}

// warm loads every key of the working set through m and checks the values.
func warm(b *testing.B, m memo) {
	b.Helper()
	ctx := context.Background()
	for id := range numKeys {
		u, err := m(ctx, id)
		if err != nil {
			b.Fatalf("warming key %d: %v", id, err)
		}
		if !reflect.DeepEqual(u, users[id]) {
			b.Fatalf("warming key %d: got %+v, want %+v", id, u, users[id])
		}
	}
}

// checkHitLoads fails a hit benchmark whose loop ran the loader for more
// than one call in a thousand, and logs any smaller number: a cache may fall
// back to the function now and then (an entry evicted, a backend too slow)
// without the figure ceasing to be a hit figure.
func checkHitLoads(b *testing.B, loads int64) {
	switch {
	case loads == 0:
	case loads*1000 > int64(b.N):
		b.Fatalf("%d loads during %d hits: not a hit benchmark", loads, b.N)
	default:
		b.Logf("%d loads during %d hits", loads, b.N)
	}
}

func benchHit(b *testing.B, f factory) {
	var loads atomic.Int64
	m := f(b, counting(&loads))
	warm(b, m)
	settle()
	before := loads.Load()
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		id := hitKeys[i&keyMask]
		i++
		u, err := m(ctx, id)
		if err != nil || u.ID != id {
			b.Fatalf("hit on key %d: got ID %d, err %v", id, u.ID, err)
		}
	}
	checkHitLoads(b, loads.Load()-before)
}

func benchHitParallel(b *testing.B, f factory) {
	var loads atomic.Int64
	m := f(b, counting(&loads))
	warm(b, m)
	settle()
	before := loads.Load()
	var next atomic.Int64
	b.SetParallelism(parallelism())
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		i := int(next.Add(1)) * 131
		for pb.Next() {
			id := hitKeys[i&keyMask]
			i++
			u, err := m(ctx, id)
			if err != nil || u.ID != id {
				b.Errorf("hit on key %d: got ID %d, err %v", id, u.ID, err)
				return
			}
		}
	})
	b.StopTimer()
	checkHitLoads(b, loads.Load()-before)
}

func benchMiss(b *testing.B, f factory) {
	var loads atomic.Int64
	m := f(b, counting(&loads))
	settle()
	ctx := context.Background()
	b.ReportAllocs()
	id := numKeys
	for b.Loop() {
		u, err := m(ctx, id)
		if err != nil || u.ID != id {
			b.Fatalf("miss on key %d: got ID %d, err %v", id, u.ID, err)
		}
		id++
	}
	if n := loads.Load(); n != int64(b.N) {
		b.Fatalf("%d loads during %d misses", n, b.N)
	}
}

// benchMissParallel gives each goroutine its own range of 2^40 new keys. Its
// loader does not count calls: a shared counter would be the hottest cache
// line of the run. The keys are new by construction.
func benchMissParallel(b *testing.B, f factory) {
	m := f(b, load)
	settle()
	var next atomic.Int64
	b.SetParallelism(parallelism())
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		id := int(next.Add(1)) << 40
		for pb.Next() {
			u, err := m(ctx, id)
			if err != nil || u.ID != id {
				b.Errorf("miss on key %d: got ID %d, err %v", id, u.ID, err)
				return
			}
			id++
		}
	})
}
