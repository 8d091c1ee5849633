package memstore

import (
	"math/rand/v2"
	"testing"
)

// The table answers as a map does under random insertions and deletions,
// its digests chosen to collide in few slots.
func TestTableAgreesWithMap(t *testing.T) {
	var tb table
	want := map[key]*entry{}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 200_000 {
		d := key(r.IntN(3000))
		if r.IntN(2) == 0 {
			if want[d] == nil {
				e := &entry{gen: uint64(i)}
				want[d] = e
				tb.put(d, e)
			}
		} else {
			delete(want, d)
			tb.del(d)
		}
		if i%1000 == 0 {
			for k := range key(3000) {
				if got := tb.get(k); got != want[k] {
					t.Fatalf("step %d: get(%d) = %p, want %p", i, k, got, want[k])
				}
			}
		}
	}
	if tb.n != len(want) {
		t.Fatalf("the table holds %d, the map %d", tb.n, len(want))
	}
}
