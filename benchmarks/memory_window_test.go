package benchmarks

import (
	"container/list"
	"fmt"
	"testing"

	"github.com/maypok86/otter/v2"
)

// BenchmarkMemoryTraceWindow replays the traces of BenchmarkMemoryTraces
// through a design the memory store could take for traces whose hot set
// moves: an LRU window in front of otter. Every new key enters the window;
// the key the window drops is Set into an otter cache of the rest of the
// capacity, which admits it or not. The window's share of the capacity is
// fixed (share-N: N% of it; share-0 is otter alone), or adapted (ghost) as
// ARC adapts its target: the keys otter drops are remembered, as many as
// the capacity, with how long they had been in it; a miss on one dropped
// within capacity/20 requests of its Set (rejected, or dropped soon after)
// grows the window, a miss on one dropped later shrinks it, each by
// the ratio of the two kinds of remembered keys. otter runs its maintenance
// in the caller, so that replays repeat exactly. It reports hit-% and, for
// ghost, the window's mean share in percent (window-%).
func BenchmarkMemoryTraceWindow(b *testing.B) {
	for _, tr := range traces {
		b.Run(tr.name, func(b *testing.B) {
			keys := tr.keys()
			for _, share := range []int{0, 10, 25, 50} {
				b.Run(fmt.Sprintf("share-%d", share), func(b *testing.B) {
					var r windowReplay
					for range b.N {
						r = replayWindowed(keys, tr.capacity, share, false)
					}
					b.ReportMetric(r.hitPercent, "hit-%")
				})
			}
			b.Run("ghost", func(b *testing.B) {
				var r windowReplay
				for range b.N {
					r = replayWindowed(keys, tr.capacity, 10, true)
				}
				b.ReportMetric(r.hitPercent, "hit-%")
				b.ReportMetric(r.windowPercent, "window-%")
			})
		})
	}
}

// windowReplay is what a replay of replayWindowed measured.
type windowReplay struct {
	hitPercent    float64
	windowPercent float64 // the window's mean share of the capacity
}

// replayWindowed replays keys through an LRU window of share percent of
// capacity in front of otter, adapted by ghosts when adapt is set.
func replayWindowed(keys []int, capacity, share int, adapt bool) windowReplay {
	w := capacity * share / 100
	young := max(capacity/20, 1)
	now := 0
	setAt := map[int]int{}   // keys in otter: when they were Set
	ghosts := map[int]bool{} // keys otter dropped: whether young
	var order []int          // ghosts, oldest first
	nYoung, nOld := 0, 0     // ghosts of each kind
	forget := func(k int) {
		if y, ok := ghosts[k]; ok {
			if y {
				nYoung--
			} else {
				nOld--
			}
			delete(ghosts, k)
		}
	}
	var c *otter.Cache[int, int]
	if w < capacity {
		c = otter.Must(&otter.Options[int, int]{
			MaximumSize: capacity - w,
			Executor:    func(fn func()) { fn() },
			OnDeletion: func(e otter.DeletionEvent[int, int]) {
				if !adapt || e.Cause != otter.CauseOverflow {
					return
				}
				y := now-setAt[e.Key] < young
				delete(setAt, e.Key)
				forget(e.Key)
				ghosts[e.Key] = y
				if y {
					nYoung++
				} else {
					nOld++
				}
				order = append(order, e.Key)
				if len(order) > capacity {
					forget(order[0])
					order = order[1:]
				}
			},
		})
		defer c.StopAllGoroutines()
	}
	lru := list.New()
	in := map[int]*list.Element{}
	hits, shares := 0, 0
	for _, k := range keys {
		now++
		shares += w
		if e, ok := in[k]; ok {
			hits++
			lru.MoveToFront(e)
			continue
		}
		if c != nil {
			if _, ok := c.GetIfPresent(k); ok {
				hits++
				continue
			}
		}
		if y, ok := ghosts[k]; ok {
			forget(k)
			if y {
				w = min(w+max(1, nOld/max(nYoung, 1)), capacity*9/10)
			} else {
				w = max(w-max(1, nYoung/max(nOld, 1)), capacity/100)
			}
			c.SetMaximum(uint64(capacity - w))
		}
		if w == 0 {
			c.Set(k, k)
			continue
		}
		in[k] = lru.PushFront(k)
		for lru.Len() > w {
			v := lru.Remove(lru.Back()).(int)
			delete(in, v)
			if c != nil {
				setAt[v] = now
				c.Set(v, v)
			}
		}
	}
	return windowReplay{
		hitPercent:    100 * float64(hits) / float64(len(keys)),
		windowPercent: 100 * float64(shares) / float64(len(keys)) / float64(capacity),
	}
}
