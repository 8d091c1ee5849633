// Package stripe counts events that goroutines on every processor record
// at once, such as cache hits.
//
// One shared atomic counter makes every increment move the counter's cache
// line from the processor that last wrote it, which costs more than the
// rest of a cache hit. A Counter keeps one cell per processor (per P, in
// the runtime's terms), each on its own cache line: an increment writes
// the cell of the processor it runs on, which no other processor writes
// while it runs there.
package stripe

import (
	"sync/atomic"
	_ "unsafe" // for go:linkname
)

// cells is the number of cells: a power of two. Processors past it share
// cells (correctly, at the price of some traffic).
const cells = 16

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
	// procPin returns the number of the processor the goroutine runs on
	// and keeps it there until procUnpin, for the one atomic add between.
	p := procPin()
	c.cells[p&(cells-1)].n.Add(1)
	procUnpin()
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

// procPin and procUnpin are the runtime's, as sync.Pool uses them; the
// runtime keeps them available to other packages under these names and
// signatures (see the runtime's note on go.dev/issue/67401).
//
//go:linkname procPin runtime.procPin
func procPin() int

//go:linkname procUnpin runtime.procUnpin
func procUnpin()
