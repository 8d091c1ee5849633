// Package stripe counts events that goroutines on every processor record
// at once, such as cache hits.
//
// One shared atomic counter makes every increment move the counter's cache
// line from the processor that last wrote it, which costs more than the
// rest of a cache hit. A Counter keeps several cells, each on its own
// cache line, and an increment writes the cell its goroutine's stack
// chooses, so that processors running goroutines at once mostly write
// cells of their own.
package stripe

import (
	"sync/atomic"
	"unsafe"
)

// cells is the number of cells, 1<<cellBits. Goroutines that run at once
// and choose one cell share it (correctly, at the price of some traffic).
const (
	cellBits = 4
	cells    = 1 << cellBits
)

// Counter is a count that many goroutines add to. The zero value is zero
// and ready to use; a Counter must not be copied after first use.
type Counter struct {
	cells [cells]cell
	_     [56]byte // after the last cell's n, as before every other
}

// cell is one processor's part of a count. Padding on both sides of n
// keeps it alone on its cache line (an 8-byte word has at most 56 other
// bytes of its 64-byte line on either side), wherever the Counter starts.
type cell struct {
	_ [56]byte
	n atomic.Uint64
}

// Add adds one to c.
func (c *Counter) Add() {
	// The cell is chosen by the address of the calling goroutine's stack,
	// which differs from one goroutine to the next by at least the
	// smallest stack's 2 KiB, so that goroutines running at once on two
	// processors mostly write two cells; the address is hashed, because
	// stacks of one size lie at multiples of it. This costs a shift and a
	// multiplication, where the number of the processor, which the
	// runtime tells only to code it links to, would cost two calls.
	var here byte
	at := uint64(uintptr(unsafe.Pointer(&here)) >> 11)
	c.cells[at*0x9e3779b97f4a7c15>>(64-cellBits)].n.Add(1)
}

// Load returns the sum of the cells. Adds that run concurrently may or may
// not be counted.
func (c *Counter) Load() uint64 {
	var sum uint64
	for i := range c.cells {
		sum += c.cells[i].n.Load()
	}
	return sum
}
