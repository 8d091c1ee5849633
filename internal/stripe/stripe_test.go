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

// TestCellsHaveLinesOfTheirOwn checks that each cell's word has 56 bytes of
// padding on either side within the Counter, so that no other data shares
// its 64-byte cache line wherever the Counter starts.
func TestCellsHaveLinesOfTheirOwn(t *testing.T) {
	var c Counter
	base := uintptr(unsafe.Pointer(&c))
	end := base + unsafe.Sizeof(c)
	prev := base
	for i := range c.cells {
		at := uintptr(unsafe.Pointer(&c.cells[i].n))
		if at-prev < 56 {
			t.Fatalf("cell %d: %d bytes before its word, want at least 56", i, at-prev)
		}
		prev = at + 8
	}
	if end-prev < 56 {
		t.Fatalf("%d bytes after the last cell's word, want at least 56", end-prev)
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

// TestGoroutinesSpreadOverCells checks that goroutines alive at once write
// many cells, not one: 64 goroutines, each adding once while all the others
// are alive, must leave at least half the cells non-zero.
func TestGoroutinesSpreadOverCells(t *testing.T) {
	var c Counter
	const goroutines = 64
	var added, wg sync.WaitGroup
	added.Add(goroutines)
	release := make(chan struct{})
	for range goroutines {
		wg.Go(func() {
			c.Add()
			added.Done()
			<-release // keep the stack alive until every goroutine has added
		})
	}
	added.Wait()
	close(release)
	wg.Wait()
	used := 0
	for i := range c.cells {
		if c.cells[i].n.Load() > 0 {
			used++
		}
	}
	if used < cells/2 {
		t.Fatalf("%d goroutines wrote %d of %d cells", goroutines, used, cells)
	}
}
