package memory_test

import (
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/cachetest"
	"github.com/cachetoolz/cachetoolz/memory"
)

func TestConformance(t *testing.T) {
	cachetest.Run(t, func(t *testing.T) cachetoolz.Backend {
		b, err := memory.New(&memory.Options{ReclaimInterval: 10 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		return b
	})
}

// TestConformanceIsolate runs the suite with Isolate, where a cache stores
// encoded entries, as on a remote backend.
func TestConformanceIsolate(t *testing.T) {
	cachetest.Run(t, func(t *testing.T) cachetoolz.Backend {
		b, err := memory.New(&memory.Options{ReclaimInterval: 10 * time.Millisecond, Isolate: true})
		if err != nil {
			t.Fatal(err)
		}
		return b
	})
}
