package benchmarks

import "testing"

func TestBelady(t *testing.T) {
	for _, c := range []struct {
		keys     []int
		capacity int
		want     int
	}{
		{[]int{1, 2, 3, 1, 2, 3}, 2, 2},
		{[]int{1, 2, 1, 2, 1, 2}, 2, 4},
		{[]int{1, 2, 3, 4, 1, 2, 3, 4}, 3, 3},
		{[]int{1, 1, 1}, 1, 2},
	} {
		if got := belady(c.keys, c.capacity); got != c.want {
			t.Errorf("belady(%v, %d) = %d hits, want %d", c.keys, c.capacity, got, c.want)
		}
	}
}
