package cachetoolz

import (
	"testing"
	"time"
)

// judge places an entry by its expiry: fresh before it, stale for MaxStale
// after it, dead past that; an entry without a TTL is always fresh, and
// an early refresh is drawn only near expiry, and only when asked.
func TestJudge(t *testing.T) {
	f := &freshness{beta: 1, maxStale: 10 * time.Second}
	const s = int64(time.Second)
	m := meta{delta: int64(50 * time.Millisecond), expiry: 100 * s}
	for _, c := range []struct {
		now   int64
		early bool
		want  state
	}{
		{0, true, fresh}, // 100s away from a 50ms load: -ln(rand) would have to pass 2000
		{99 * s, true, fresh},
		{100*s - 1, false, fresh},
		{100 * s, true, stale},
		{110*s - 1, true, stale},
		{110 * s, true, dead},
	} {
		if got := f.judge(c.now, m, c.early); got != c.want {
			t.Errorf("judge(%v, early %v) = %d, want %d", time.Duration(c.now), c.early, got, c.want)
		}
	}
	if got := f.judge(1<<62, meta{delta: s}, true); got != fresh {
		t.Errorf("an entry without a TTL: %d, want fresh", got)
	}
	// 1ns before expiry, a 50ms load refreshes with probability
	// exp(-1ns/50ms), all but certain; a load that took no time never
	// refreshes early.
	refreshes := 0
	for range 1000 {
		if f.judge(100*s-1, m, true) == refresh {
			refreshes++
		}
		if f.judge(100*s-1, meta{expiry: 100 * s}, true) != fresh {
			t.Fatal("an entry whose load took no time was refreshed early")
		}
	}
	if refreshes < 990 {
		t.Errorf("%d refreshes in 1000 hits 1ns before expiry, want nearly all", refreshes)
	}
	// Halfway through a load time of the expiry: exp(-0.5) of the hits, about
	// 61%, refresh.
	refreshes = 0
	for range 10000 {
		if f.judge(100*s-int64(25*time.Millisecond), m, true) == refresh {
			refreshes++
		}
	}
	if refreshes < 5600 || refreshes > 6600 {
		t.Errorf("%d refreshes in 10000 hits half a load time before expiry, want about 6065", refreshes)
	}
}
