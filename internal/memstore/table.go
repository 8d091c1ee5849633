package memstore

import "math/bits"

// table is the tier's index of its entries by digest: open addressing with
// linear probing, and deletion by shifting the entries that follow back,
// so that it leaves no tombstones. Every miss that evicts inserts one
// entry and deletes another; a map under that churn rehashes again and
// again, allocating each time. It grows when half full and never shrinks.
type table struct {
	slots []tableSlot
	n     int
	shift uint
}

// tableSlot is one slot; e is nil in an empty one.
type tableSlot struct {
	d key
	e *entry
}

// home returns d's first slot.
func (t *table) home(d key) int { return int(uint64(d) * mulA >> t.shift) }

// get returns the entry under d, or nil.
func (t *table) get(d key) *entry {
	if t.n == 0 {
		return nil
	}
	mask := len(t.slots) - 1
	for i := t.home(d); ; i = (i + 1) & mask {
		switch s := &t.slots[i]; {
		case s.e == nil:
			return nil
		case s.d == d:
			return s.e
		}
	}
}

// put sets the entry under d, which holds none.
func (t *table) put(d key, e *entry) {
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	mask := len(t.slots) - 1
	i := t.home(d)
	for t.slots[i].e != nil {
		i = (i + 1) & mask
	}
	t.slots[i] = tableSlot{d: d, e: e}
	t.n++
}

// grow doubles the slots (64 at first) and places every entry again.
func (t *table) grow() {
	old := t.slots
	size := max(2*len(old), 64)
	t.slots = make([]tableSlot, size)
	t.shift = uint(64 - bits.TrailingZeros(uint(size)))
	t.n = 0
	for _, s := range old {
		if s.e != nil {
			t.put(s.d, s.e)
		}
	}
}

// del removes the entry under d, if there is one.
func (t *table) del(d key) {
	if t.n == 0 {
		return
	}
	mask := len(t.slots) - 1
	i := t.home(d)
	for t.slots[i].d != d || t.slots[i].e == nil {
		if t.slots[i].e == nil {
			return
		}
		i = (i + 1) & mask
	}
	// Shift back each following entry whose first slot is not between
	// the hole and it, cyclically.
	for j := (i + 1) & mask; t.slots[j].e != nil; j = (j + 1) & mask {
		k := t.home(t.slots[j].d)
		if i <= j && (i < k && k <= j) || i > j && (k > i || k <= j) {
			continue // k lies in (i, j]: the entry stays reachable
		}
		t.slots[i] = t.slots[j]
		i = j
	}
	t.slots[i] = tableSlot{}
	t.n--
}
