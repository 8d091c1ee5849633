package benchmarks

import (
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/memory"
)

// cachetoolzMemory returns the cachetoolz rows of BenchmarkMemory: load
// wrapped with cachetoolz.Wrap1 on a memory backend bounded to capacity,
//
//   - cachetoolz: default options, so results never expire (the figure set
//     against the raw otter limit: 0 allocs/op, at most 3× its ns/op);
//   - cachetoolz-ttl: with ttl, like the peers;
//   - cachetoolz-isolate: with ttl and Options.Isolate, which copies values
//     through the JSON codec on every store and every hit.
func cachetoolzMemory() []lib {
	return []lib{
		{"cachetoolz", cachetoolzWrap(memory.Options{}, cachetoolz.Options{})},
		{"cachetoolz-ttl", cachetoolzWrap(memory.Options{}, cachetoolz.Options{TTL: ttl})},
		{"cachetoolz-isolate", cachetoolzWrap(memory.Options{Isolate: true}, cachetoolz.Options{TTL: ttl})},
	}
}

// cachetoolzWrap returns a factory of load wrapped on a new memory backend.
// The wrap is named explicitly: the loader it receives may be a closure.
func cachetoolzWrap(mo memory.Options, wo cachetoolz.Options) factory {
	return func(b *testing.B, load loader) memo {
		mo.MaxEntries = capacity
		backend, err := memory.New(&mo)
		if err != nil {
			b.Fatal(err)
		}
		c, err := cachetoolz.New(backend, &cachetoolz.Config{Logger: benchLogger(b)})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { c.Close() })
		wo.Name = "benchmarks.load"
		m, err := cachetoolz.Wrap1(c, load, &wo)
		if err != nil {
			b.Fatal(err)
		}
		return m
	}
}
