package benchmarks

import (
	"container/list"
	"fmt"
	"testing"

	"github.com/maypok86/otter/v2"
)

// BenchmarkMemoryTraceWindow replays the traces of BenchmarkMemoryTraces
// through a design the memory store could take for traces whose hot set
// moves: a window in front of otter, LRU (lru-*) or CLOCK (clock-*). Every
// new key enters the window; the key the window drops is Set into an otter
// cache of the rest of the capacity, which admits it or not. The window's share of the capacity is
// fixed (share-N: N% of it; share-0 is otter alone), or adapted (ghost) as
// ARC adapts its target: the keys among the last capacity that otter
// dropped are remembered (ghosts), with how long they had been in it; a miss on one dropped
// within capacity/20 requests of its Set (rejected, or dropped soon after)
// grows the window, a miss on one dropped later shrinks it, each by
// the ratio of the two kinds of remembered keys. otter runs its maintenance
// in the caller, so that replays repeat exactly. It reports hit-% and, for
// ghost, the window's mean share in percent (window-%).
func BenchmarkMemoryTraceWindow(b *testing.B) {
	for _, tr := range traces {
		b.Run(tr.name, func(b *testing.B) {
			keys := tr.keys()
			for _, kind := range []windowKind{lruWindow, clockWindow} {
				for _, share := range []int{0, 10, 25, 50} {
					if share == 0 && kind != lruWindow {
						continue // otter alone, measured once
					}
					b.Run(fmt.Sprintf("%s-share-%d", kind, share), func(b *testing.B) {
						var r windowReplay
						for range b.N {
							r = replayWindowed(keys, tr.capacity, share, false, kind)
						}
						b.ReportMetric(r.hitPercent, "hit-%")
					})
				}
				b.Run(fmt.Sprintf("%s-ghost", kind), func(b *testing.B) {
					var r windowReplay
					for range b.N {
						r = replayWindowed(keys, tr.capacity, 10, true, kind)
					}
					b.ReportMetric(r.hitPercent, "hit-%")
					b.ReportMetric(r.windowPercent, "window-%")
				})
			}
		})
	}
}

// windowReplay is what a replay of replayWindowed measured.
type windowReplay struct {
	hitPercent    float64
	windowPercent float64 // the window's mean share of the capacity
}

// replayWindowed replays keys through a window of the given kind, of share
// percent of capacity, in front of otter, adapted by ghosts when adapt is set.
func replayWindowed(keys []int, capacity, share int, adapt bool, kind windowKind) windowReplay {
	w := capacity * share / 100
	young := max(capacity/20, 1)
	now := 0
	setAt := map[int]int{} // keys in otter: when they were Set
	g := newGhosts(capacity)
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
				g.add(e.Key, y)
			},
		})
		defer c.StopAllGoroutines()
	}
	win := newWindow(kind)
	hits, shares := 0, 0
	for _, k := range keys {
		now++
		shares += w
		if win.touch(k) {
			hits++
			continue
		}
		if c != nil {
			if _, ok := c.GetIfPresent(k); ok {
				hits++
				continue
			}
		}
		if y, ok := g.take(k); ok {
			if y {
				w = min(w+max(1, g.nOld/max(g.nYoung, 1)), capacity*9/10)
			} else {
				w = max(w-max(1, g.nYoung/max(g.nOld, 1)), capacity/100)
			}
			c.SetMaximum(uint64(capacity - w))
		}
		if w == 0 {
			c.Set(k, k)
			continue
		}
		win.add(k)
		for win.len() > w {
			v := win.drop()
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

// windowKind is the policy of the window in front of otter.
type windowKind string

const (
	lruWindow   windowKind = "lru"   // a hit moves the key to the front; the back is dropped
	clockWindow windowKind = "clock" // a hit sets the key's bit; the hand drops the first key without it
)

// window is the recency window of replayWindowed.
type window interface {
	touch(k int) bool // reports whether k is in the window, and counts the hit
	add(k int)        // puts k, not in the window, into it
	drop() int        // removes the key the policy evicts, and returns it
	len() int
}

func newWindow(kind windowKind) window {
	if kind == clockWindow {
		return &clockWin{in: map[int]*list.Element{}, ring: list.New()}
	}
	return &lruWin{in: map[int]*list.Element{}, l: list.New()}
}

// lruWin is an LRU list.
type lruWin struct {
	in map[int]*list.Element
	l  *list.List
}

func (w *lruWin) touch(k int) bool {
	e, ok := w.in[k]
	if ok {
		w.l.MoveToFront(e)
	}
	return ok
}

func (w *lruWin) add(k int) { w.in[k] = w.l.PushFront(k) }

func (w *lruWin) drop() int {
	k := w.l.Remove(w.l.Back()).(int)
	delete(w.in, k)
	return k
}

func (w *lruWin) len() int { return w.l.Len() }

// clockWin is CLOCK: the keys on a ring, each with a reference bit a hit
// sets; a new key goes in just behind the hand, and the hand, sweeping,
// clears the bits it passes and drops the first key whose bit was clear.
type clockWin struct {
	in   map[int]*list.Element // values *clockSlot
	ring *list.List            // in the hand's order; the hand wraps from the back to the front
	hand *list.Element         // the next slot the hand looks at
}

type clockSlot struct {
	key int
	ref bool
}

func (w *clockWin) touch(k int) bool {
	e, ok := w.in[k]
	if ok {
		e.Value.(*clockSlot).ref = true
	}
	return ok
}

func (w *clockWin) add(k int) {
	s := &clockSlot{key: k}
	if w.hand == nil {
		w.in[k] = w.ring.PushBack(s)
		return
	}
	w.in[k] = w.ring.InsertBefore(s, w.hand)
}

func (w *clockWin) drop() int {
	for {
		if w.hand == nil {
			w.hand = w.ring.Front()
		}
		e := w.hand
		w.hand = e.Next()
		s := e.Value.(*clockSlot)
		if s.ref {
			s.ref = false
			continue
		}
		w.ring.Remove(e)
		delete(w.in, s.key)
		return s.key
	}
}

func (w *clockWin) len() int { return w.ring.Len() }
