package twoway

import "sync/atomic"

const (
	// Bits is the base-2 logarithm of Size.
	Bits = 12
	// Size is the number of slots in a Table.
	Size = 1 << Bits
)

// A Slot is one entry of a Table. It is never changed once a Table has
// published it.
type Slot[V any] struct {
	// Value is what the entry remembers, held in the Slot itself.
	Value V
	// seq numbers the entries of a Table in the order they were put.
	seq uint64
}

// A Table is a fixed set of Size slots, each empty or holding an entry.
// Its zero value is empty and ready to use; a Table must not be copied
// after first use. Its methods may be called from several goroutines at
// once.
type Table[V any] struct {
	seq   atomic.Uint64 // numbers the entries put
	slots [Size]atomic.Pointer[Slot[V]]
}

// Ways returns the indexes of the two slots where an entry of hash h may
// be: the top Bits bits of h and the Bits bits below them, which are the
// best mixed bits of a multiplicative hash. Both are less than Size; they
// may be equal.
func Ways(h uint64) (i, j uint64) {
	return h >> (64 - Bits), (h >> (64 - 2*Bits)) & (Size - 1)
}

// Load returns the entry of slot i, which must be less than Size, or nil
// when the slot is empty.
func (t *Table[V]) Load(i uint64) *Slot[V] {
	return t.slots[i].Load()
}

// Put numbers the entry s and publishes it in slot i or slot j, as Ways
// returns them: in slot i when it is empty, else in slot j when it is
// empty, else in the one of the two whose entry was put first. The caller
// must neither change s nor put it again afterwards. (Put takes the entry
// its caller made rather than a value to copy, which would pass a value of
// several words through the caller's stack frame and make the caller's
// lookups, in the same function, pay for the larger frame.)
func (t *Table[V]) Put(i, j uint64, s *Slot[V]) {
	s.seq = t.seq.Add(1)
	slot := &t.slots[i]
	if old := slot.Load(); old != nil {
		if o := t.slots[j].Load(); o == nil || o.seq < old.seq {
			slot = &t.slots[j]
		}
	}
	slot.Store(s)
}
