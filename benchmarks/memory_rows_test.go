package benchmarks

import (
	"flag"
	"testing"
)

// TestMemoryRows runs every scenario of every BenchmarkMemory row for a few
// iterations, so that the test suite catches a row that stopped measuring
// what its name says (a hit that loads, a miss that does not, a wrong value)
// without running the benchmarks.
func TestMemoryRows(t *testing.T) {
	bt := flag.Lookup("test.benchtime")
	old := bt.Value.String()
	if err := bt.Value.Set("200x"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bt.Value.Set(old) })
	for _, l := range memoryLibs() {
		for _, sc := range scenarios {
			t.Run(sc.name+"/"+l.name, func(t *testing.T) {
				res := testing.Benchmark(func(b *testing.B) { sc.run(b, l.new) })
				if res.N == 0 {
					t.Errorf("the benchmark failed")
				}
			})
		}
	}
}
