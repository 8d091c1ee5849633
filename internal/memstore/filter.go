package memstore

import (
	"math/bits"
	"sync/atomic"
)

// filter counts, by a hash of their digests, the keys the tier holds or
// remembers as ghosts, so that a read otter missed learns without a lock
// that the tier has nothing to say about its key (most misses, on a key
// new to the store). The counters are bytes, four to a word; they are
// written under the tier's mu only, and read by anyone. A counter that
// reaches 255 stays there: its keys then always take the lock.
type filter struct {
	words []atomic.Uint32
	shift uint // 64 minus the bits of a counter's index
}

// newFilter returns a filter of at least n counters.
func newFilter(n int) filter {
	b := max(bits.Len(uint(max(n, 4)-1)), 2)
	return filter{words: make([]atomic.Uint32, 1<<(b-2)), shift: uint(64 - b)}
}

// at returns the word and bit offset of d's counter.
func (f *filter) at(d key) (*atomic.Uint32, uint) {
	i := uint64(d) * mulB >> f.shift
	return &f.words[i>>2], uint(i&3) * 8
}

// has reports whether any key with d's counter is counted.
func (f *filter) has(d key) bool {
	w, s := f.at(d)
	return w.Load()>>s&0xff != 0
}

// add counts d up (by 1) or down (by -1). The caller holds the tier's mu.
func (f *filter) add(d key, by int32) {
	w, s := f.at(d)
	v := w.Load()
	if v>>s&0xff == 0xff {
		return
	}
	w.Store(uint32(int32(v) + by<<s))
}

// reset zeroes every counter. The caller holds the tier's mu.
func (f *filter) reset() {
	for i := range f.words {
		f.words[i].Store(0)
	}
}
