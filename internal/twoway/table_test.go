package twoway

import (
	"math/rand/v2"
	"sync"
	"testing"
	"unsafe"
)

// put puts an entry of value v in slots i and j.
func put[V any](t *Table[V], i, j uint64, v V) {
	t.Put(i, j, &Slot[V]{Value: v})
}

// value returns the entry of slot i, or "" when it is empty.
func value(t *Table[string], i uint64) string {
	if s := t.Load(i); s != nil {
		return s.Value
	}
	return ""
}

// wantSlots fails unless slots i and j hold vi and vj.
func wantSlots(t *testing.T, tab *Table[string], i, j uint64, vi, vj string) {
	t.Helper()
	if got := value(tab, i); got != vi {
		t.Errorf("slot %d holds %q, want %q", i, got, vi)
	}
	if got := value(tab, j); got != vj {
		t.Errorf("slot %d holds %q, want %q", j, got, vj)
	}
}

// Ways takes the top Bits bits of a hash, then the Bits bits below them.
func TestWays(t *testing.T) {
	for _, c := range []struct{ h, i, j uint64 }{
		{0, 0, 0},
		{^uint64(0), Size - 1, Size - 1},
		{1 << 63, Size / 2, 0},
		{1 << (63 - Bits), 0, Size / 2},
		{1 << (64 - 2*Bits), 0, 1},
		{1<<(64-2*Bits) - 1, 0, 0},
		{0xabc_def_0123456789, 0xabc, 0xdef},
	} {
		if i, j := Ways(c.h); i != c.i || j != c.j {
			t.Errorf("Ways(%#x) = %d, %d; want %d, %d", c.h, i, j, c.i, c.j)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		if i, j := Ways(r.Uint64()); i >= Size || j >= Size {
			t.Fatalf("Ways returned %d, %d; want both below %d", i, j, Size)
		}
	}
}

// A zero Table is empty.
func TestZeroTableIsEmpty(t *testing.T) {
	var tab Table[string]
	for i := range uint64(Size) {
		if s := tab.Load(i); s != nil {
			t.Fatalf("slot %d of a zero Table holds %v", i, s)
		}
	}
}

// Put fills slot i, then slot j, then replaces whichever of the two holds
// the entry put first, so that the last two entries put stay.
func TestPutReplacesTheOlder(t *testing.T) {
	var tab Table[string]
	const i, j = 5, 900
	put(&tab, i, j, "a")
	wantSlots(t, &tab, i, j, "a", "")
	put(&tab, i, j, "b")
	wantSlots(t, &tab, i, j, "a", "b")
	put(&tab, i, j, "c") // a is the older
	wantSlots(t, &tab, i, j, "c", "b")
	put(&tab, i, j, "d") // b is now the older, in slot j
	wantSlots(t, &tab, i, j, "c", "d")
	put(&tab, i, j, "e")
	wantSlots(t, &tab, i, j, "e", "d")
}

// An empty slot j is taken before an older entry in slot i is replaced,
// and an empty slot i before anything else.
func TestPutTakesAnEmptySlot(t *testing.T) {
	var tab Table[string]
	put(&tab, 1, 2, "a")
	put(&tab, 1, 3, "b") // slot 1 taken, slot 3 empty
	wantSlots(t, &tab, 1, 3, "a", "b")
	put(&tab, 4, 1, "c") // slot 4 empty
	wantSlots(t, &tab, 4, 1, "c", "a")
}

// Entries put in other slots in between count in the order of puts: the
// entry that stays is the one put last, wherever the others went.
func TestPutOrderIsTheTables(t *testing.T) {
	var tab Table[string]
	put(&tab, 7, 8, "old")   // slot 7
	put(&tab, 9, 10, "x")    // elsewhere
	put(&tab, 8, 7, "newer") // slot 8, empty
	put(&tab, 7, 8, "last")  // replaces old, in slot 7
	wantSlots(t, &tab, 7, 8, "last", "newer")
}

// When both ways are one slot, every Put replaces its entry.
func TestPutOneSlot(t *testing.T) {
	var tab Table[string]
	for _, v := range []string{"a", "b", "c"} {
		put(&tab, 3, 3, v)
		if got := value(&tab, 3); got != v {
			t.Fatalf("slot 3 holds %q, want %q", got, v)
		}
	}
}

// A Slot holds its value in itself: it is the value and the sequence
// number, with no pointer between them.
func TestSlotHoldsItsValue(t *testing.T) {
	var s Slot[[4]uint64]
	if got, want := unsafe.Sizeof(s), unsafe.Sizeof(s.Value)+unsafe.Sizeof(s.seq); got != want {
		t.Errorf("a Slot of 32 bytes takes %d bytes, want %d", got, want)
	}
	if unsafe.Offsetof(s.Value) != 0 {
		t.Errorf("a Slot's value is at offset %d, want 0", unsafe.Offsetof(s.Value))
	}
}

// pair is an entry whose halves must agree: a reader that finds them
// otherwise has seen an entry change after it was published.
type pair struct{ n, twice uint64 }

// Goroutines putting and loading at once, in few slots that they keep
// taking from each other, only ever see whole entries (and the race
// detector sees no race).
func TestConcurrent(t *testing.T) {
	var tab Table[pair]
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 3))
			for n := range uint64(20_000) {
				i, j := Ways(r.Uint64() & (0xf<<(64-Bits) | 0xf<<(64-2*Bits)))
				if n%4 == 0 {
					put(&tab, i, j, pair{n, 2 * n})
					continue
				}
				for _, k := range []uint64{i, j} {
					if s := tab.Load(k); s != nil && s.Value.twice != 2*s.Value.n {
						t.Errorf("slot %d holds %+v", k, s.Value)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	if n := tab.seq.Load(); n != 8*20_000/4 {
		t.Errorf("%d entries numbered, want %d", n, 8*20_000/4)
	}
}
