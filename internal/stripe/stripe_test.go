package stripe

import (
	"sync"
	"testing"
	"unsafe"
)

func TestCounterCountsEveryAdd(t *testing.T) {
	var c Counter
	const goroutines, adds = 8, 10_000
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range adds {
				c.Add()
			}
		})
	}
	wg.Wait()
	if got := c.Load(); got != goroutines*adds {
		t.Fatalf("Load() = %d, want %d", got, goroutines*adds)
	}
}

func TestCellsAreCacheLinesApart(t *testing.T) {
	var c Counter
	if d := uintptr(unsafe.Pointer(&c.cells[1])) - uintptr(unsafe.Pointer(&c.cells[0])); d < 64 {
		t.Fatalf("cells %d bytes apart, want at least 64", d)
	}
}

func BenchmarkAddParallel(b *testing.B) {
	var c Counter
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Add()
		}
	})
}
