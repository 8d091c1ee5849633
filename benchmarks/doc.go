// Package benchmarks measures cachetoolz against its peers on one workload:
// a memoized func(ctx context.Context, id int) (User, error) over 1,024 keys.
//
// Every benchmark is named Benchmark<Backend>/<scenario>/<library>, where the
// scenario is one of hit, hit-parallel, miss and miss-parallel, and the
// library whose name ends in "-raw" is the limit: the bare store with no
// memoization around it. scripts/bench runs them all and writes
// BENCHMARKS.md; see the workload file for the exact definitions.
package benchmarks
