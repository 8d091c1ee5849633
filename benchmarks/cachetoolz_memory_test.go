package benchmarks

// cachetoolzMemory returns the cachetoolz rows of BenchmarkMemory.
//
// TODO(benchmarks): fill in once the core's Wrap API lands: a wrap of load on
// cachetoolz.New(memory.New(...)) with default options (never expires), and
// one with ttl, both bounded to capacity.
func cachetoolzMemory() []lib {
	return nil
}
