package main

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestHistogramQuantiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var h histogram
	var all []time.Duration
	for range 100000 {
		// Latencies from nanoseconds to seconds, log-uniform.
		d := time.Duration(1<<rng.IntN(31)) + time.Duration(rng.IntN(1000))
		h.add(d)
		all = append(all, d)
	}
	slices.Sort(all)
	for _, q := range []float64{0.01, 0.5, 0.9, 0.99, 0.999} {
		exact := all[int(q*float64(len(all)+1))-1]
		got := h.quantile(q)
		if diff := float64(got-exact) / float64(exact); diff > 0.02 || diff < -0.02 {
			t.Errorf("p%v = %v, exact %v (%.1f%% off)", q*100, got, exact, 100*diff)
		}
	}
	if h.max != all[len(all)-1] || h.quantile(1) != h.max {
		t.Errorf("max %v, p100 %v; want %v", h.max, h.quantile(1), all[len(all)-1])
	}
	var empty histogram
	if empty.quantile(0.5) != 0 {
		t.Error("quantile of nothing is not 0")
	}
}

func TestHistogramBuckets(t *testing.T) {
	// Every value falls in a bucket whose middle is within 1.6% of it, and
	// buckets never go backwards.
	prev := 0
	for v := uint64(0); v < 1<<40; v = v*17/16 + 1 {
		i := histIndex(v)
		if i < prev || i >= histBuckets {
			t.Fatalf("histIndex(%d) = %d after %d", v, i, prev)
		}
		prev = i
		mid := histValue(i)
		if diff := float64(mid) - float64(v); v >= histExact && (diff/float64(v) > 0.016 || diff/float64(v) < -0.016) {
			t.Fatalf("value %d in bucket %d, whose middle is %d", v, i, mid)
		}
	}
	if i := histIndex(1<<64 - 1); i != histBuckets-1 {
		t.Errorf("largest value in bucket %d, want %d", i, histBuckets-1)
	}
}

func BenchmarkHistogramAdd(b *testing.B) {
	var h histogram
	for i := range b.N {
		h.add(time.Duration(i))
	}
}
