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
