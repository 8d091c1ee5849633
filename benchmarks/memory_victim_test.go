package benchmarks

import (
	"container/list"
	"slices"
	"sync"
	"testing"

	"github.com/maypok86/otter/v2"
)

// victimConfig is a design of replayVictim.
type victimConfig struct {
	share    int        // the victim tier's share of the capacity in percent, or its first share with adapt
	adapt    bool       // the share follows the ghosts
	maxShare int        // the largest share adapt gives the tier, in percent
	exec     victimExec // where otter runs its maintenance
	near     int        // with adapt, a young ghost grows the tier only when dropped within near times w drops before; 0: always
	step     int        // with adapt, otter's bound changes once the target moved this many percent of the capacity, 0: at once
	stay     bool       // a hit in the tier keeps the key there (CLOCK bit) instead of moving it into otter
	missOnly bool       // the clock that ages keys counts otter's misses only
	gate     bool       // a young ghost grows the tier only if the tier had a hit since it last grew
	gateDiv  int        // a young ghost grows the tier only if the tier had a hit within the last capacity/gateDiv of the clock; 0: always
	gateMin  int        // with gateDiv, the least span of the clock it looks back
}

// replayVictim replays keys through otter with a victim tier behind it:
// otter holds capacity minus w entries and the tier w. Every new key is Set
// into otter; a key otter drops for size (evicted, or a candidate its
// admission rejected) enters the tier, which drops its oldest key when
// over w. A miss in otter looks in the tier; a hit there serves the key
// and moves it back into otter (or, with stay, sets its CLOCK bit). With
// adapt, w follows the ghosts as in replayWindowed: the keys the tier drops
// are remembered, as many as the capacity, with whether otter had held
// them for fewer than capacity/20 requests; a miss on a young one grows
// the tier, on an old one shrinks it, each by the ratio of the two kinds.
func replayVictim(keys []int, capacity int, vc victimConfig) windowReplay {
	var mu sync.Mutex // guards everything below when otter's callbacks run on its goroutines
	w := capacity * vc.share / 100
	young := max(capacity/20, 1)
	now := 0
	setAt := map[int]int{} // keys in otter: when they were Set
	tier := newVictimTier(vc.stay)
	g := newGhosts(capacity)
	drop := func() { // with mu held
		for tier.len() > w {
			k, y := tier.drop()
			g.add(k, y)
		}
	}
	opts := &otter.Options[int, int]{
		MaximumSize: capacity - w,
		OnAtomicDeletion: func(e otter.DeletionEvent[int, int]) {
			if e.Cause != otter.CauseOverflow {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			at, ok := setAt[e.Key]
			if !ok {
				return // Set again since: in otter once more
			}
			delete(setAt, e.Key)
			tier.add(e.Key, now-at < young)
			drop()
		},
	}
	switch vc.exec {
	case execCaller:
		opts.Executor = func(fn func()) { fn() }
	case execOne:
		tasks, stop := make(chan func(), 16), make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				select {
				case fn := <-tasks:
					fn()
				case <-stop:
					return
				}
			}
		}()
		defer func() { close(stop); <-done }()
		opts.Executor = func(fn func()) {
			select {
			case tasks <- fn:
			default:
				fn()
			}
		}
	}
	c := otter.Must(opts)
	defer c.StopAllGoroutines()
	target := w // what the ghosts ask for; w follows it by steps of vc.step percent
	step := max(capacity*vc.step/100, 1)
	set := func(k int) {
		mu.Lock()
		setAt[k] = now
		mu.Unlock()
		c.Set(k, k)
	}
	hits, shares := 0, 0
	tierHits := 0     // since the tier last grew
	lastTierHit := -1 // the clock at the tier's last hit
	for _, k := range keys {
		mu.Lock()
		if !vc.missOnly {
			now++
		}
		shares += w
		mu.Unlock()
		if _, ok := c.GetIfPresent(k); ok {
			hits++
			continue
		}
		mu.Lock()
		if vc.missOnly {
			now++
		}
		if tier.hit(k) {
			hits++
			tierHits++
			lastTierHit = now
			mu.Unlock()
			if !vc.stay {
				set(k)
			}
			continue
		}
		depth := g.drops - g.at[k]
		grow, ok := g.take(k)
		if grow && vc.near > 0 && depth > vc.near*w {
			ok = false // too far behind for a tier of near times this size to have kept
		}
		if grow && vc.gate {
			if tierHits == 0 {
				ok = false // the tier has not been of use since it last grew
			}
			tierHits = 0
		}
		if grow && vc.gateDiv > 0 && (lastTierHit < 0 || now-lastTierHit >= max(capacity/vc.gateDiv, vc.gateMin)) {
			ok = false // the tier has not been of use lately
		}
		if !ok || !vc.adapt {
			mu.Unlock()
			set(k)
			continue
		}
		before := w
		if grow {
			target = min(target+max(1, g.nOld/max(g.nYoung, 1)), capacity*vc.maxShare/100)
		} else {
			target = max(target-max(1, g.nYoung/max(g.nOld, 1)), capacity/100)
		}
		if target-w >= step || w-target >= step {
			w = target
		}
		drop()
		mu.Unlock()
		if w != before {
			c.SetMaximum(uint64(capacity - w))
		}
		set(k)
	}
	return windowReplay{
		hitPercent:    100 * float64(hits) / float64(len(keys)),
		windowPercent: 100 * float64(shares) / float64(len(keys)) / float64(capacity),
	}
}

// victimExec is where replayVictim's otter runs its maintenance.
type victimExec int

const (
	execCaller  victimExec = iota // in the caller, as replayWindowed does
	execDefault                   // otter's default executor: a goroutine per task
	execOne                       // one goroutine, the caller when its queue of 16 is full, as the memory store does
)

// ghosts are the keys among the last bound a cache dropped, each with
// whether it was young.
type ghosts struct {
	young        map[int]bool
	at           map[int]int // the drop that made each a ghost
	order        []ghostDrop // the last bound drops, oldest first
	drops        int
	bound        int
	nYoung, nOld int
}

// ghostDrop is one drop: k became a ghost at drop number at.
type ghostDrop struct{ k, at int }

func newGhosts(bound int) *ghosts {
	return &ghosts{young: map[int]bool{}, at: map[int]int{}, bound: bound}
}

// add remembers k, just dropped.
func (g *ghosts) add(k int, y bool) {
	g.take(k)
	g.drops++
	g.young[k] = y
	g.at[k] = g.drops
	if y {
		g.nYoung++
	} else {
		g.nOld++
	}
	g.order = append(g.order, ghostDrop{k, g.drops})
	if len(g.order) > g.bound {
		if d := g.order[0]; g.at[d.k] == d.at {
			g.take(d.k)
		}
		g.order = g.order[1:]
	}
}

// take forgets k and reports whether it was young, and whether it was a
// ghost.
func (g *ghosts) take(k int) (y, ok bool) {
	y, ok = g.young[k]
	if !ok {
		return false, false
	}
	if y {
		g.nYoung--
	} else {
		g.nOld--
	}
	delete(g.young, k)
	delete(g.at, k)
	return y, true
}

// victimTier is the recency tier behind otter: FIFO when its hits move the
// key out (LRU and CLOCK then behave alike: no key is hit twice in it), or
// CLOCK when they keep it there.
type victimTier struct {
	in   map[int]*list.Element // values *victimSlot
	l    *list.List            // front: the newest; the hand drops from the back
	stay bool
}

type victimSlot struct {
	key   int
	young bool
	ref   bool
}

func newVictimTier(stay bool) *victimTier {
	return &victimTier{in: map[int]*list.Element{}, l: list.New(), stay: stay}
}

func (t *victimTier) add(k int, young bool) {
	if e, ok := t.in[k]; ok {
		t.l.Remove(e)
	}
	t.in[k] = t.l.PushFront(&victimSlot{key: k, young: young})
}

// hit reports whether k is in the tier, and takes it out unless stay.
func (t *victimTier) hit(k int) bool {
	e, ok := t.in[k]
	if !ok {
		return false
	}
	if t.stay {
		e.Value.(*victimSlot).ref = true
		return true
	}
	t.l.Remove(e)
	delete(t.in, k)
	return true
}

// drop removes the key the tier evicts and returns it.
func (t *victimTier) drop() (int, bool) {
	for {
		e := t.l.Back()
		s := e.Value.(*victimSlot)
		if s.ref {
			s.ref = false
			t.l.MoveToFront(e)
			continue
		}
		t.l.Remove(e)
		delete(t.in, s.key)
		return s.key, s.young
	}
}

func (t *victimTier) len() int { return t.l.Len() }

// BenchmarkMemoryTraceVictim replays the traces of BenchmarkMemoryTraces
// through otter with a victim tier behind it (replayVictim), a design the
// memory store could take for traces whose hot set moves: fixed shares
// (share-N: N% of the capacity; share-0 is otter alone) and shares the
// ghosts adapt up to N% (ghost-N); -step1 changes otter's bound only once
// the target moved by 1% of the capacity, -near1 counts only young ghosts
// dropped within as many drops as the tier holds, -stay keeps a key hit in
// the tier there, -miss ages keys by a clock of otter's misses only (as
// the memory store does), -gate grows the tier on a young ghost only if it
// had a hit since it last grew, and -gateN-minM only if it had one within
// the last capacity/N (at least M) of the clock (the store's rule is
// -gate10-min500). otter runs its maintenance in the caller, on one
// goroutine as the memory store does (-one), or on its default executor
// (-default). It reports the median of the N replays (hit-%), their range
// (hit-min-%, hit-max-%) and the tier's median mean share (window-%).
func BenchmarkMemoryTraceVictim(b *testing.B) {
	rows := []struct {
		name string
		vc   victimConfig
	}{
		{"share-0", victimConfig{}},
		{"share-50", victimConfig{share: 50}},
		{"share-90", victimConfig{share: 90}},
		{"ghost-90", victimConfig{share: 10, adapt: true, maxShare: 90}},
		{"ghost-99", victimConfig{share: 10, adapt: true, maxShare: 99}},
		{"ghost-99-step1", victimConfig{share: 10, adapt: true, maxShare: 99, step: 1}},
		{"ghost-99-near1", victimConfig{share: 10, adapt: true, maxShare: 99, near: 1}},
		{"ghost-99-stay", victimConfig{share: 10, adapt: true, maxShare: 99, stay: true}},
		{"share-0-one", victimConfig{exec: execOne}},
		{"ghost-99-one", victimConfig{share: 10, adapt: true, maxShare: 99, exec: execOne}},
		{"ghost-99-stay-one", victimConfig{share: 10, adapt: true, maxShare: 99, stay: true, exec: execOne}},
		{"ghost-99-stay-one-miss", victimConfig{share: 10, adapt: true, maxShare: 99, stay: true, exec: execOne, missOnly: true}},
		{"ghost-99-stay-one-miss-gate", victimConfig{share: 10, adapt: true, maxShare: 99, stay: true, exec: execOne, missOnly: true, gate: true}},
		{"ghost-99-stay-one-miss-gate1", victimConfig{share: 10, adapt: true, maxShare: 99, stay: true, exec: execOne, missOnly: true, gateDiv: 1}},
		{"ghost-99-stay-one-miss-gate20", victimConfig{share: 10, adapt: true, maxShare: 99, stay: true, exec: execOne, missOnly: true, gateDiv: 20}},
		{"ghost-99-stay-one-miss-gate5", victimConfig{share: 10, adapt: true, maxShare: 99, stay: true, exec: execOne, missOnly: true, gateDiv: 5}},
		{"ghost-99-stay-one-miss-gate10", victimConfig{share: 10, adapt: true, maxShare: 99, stay: true, exec: execOne, missOnly: true, gateDiv: 10}},
		{"ghost-99-stay-one-miss-gate10-min500", victimConfig{share: 10, adapt: true, maxShare: 99, stay: true, exec: execOne, missOnly: true, gateDiv: 10, gateMin: 500}},
		{"ghost-99-stay-one-miss-gate10-min250", victimConfig{share: 10, adapt: true, maxShare: 99, stay: true, exec: execOne, missOnly: true, gateDiv: 10, gateMin: 250}},
		{"ghost-99-default", victimConfig{share: 10, adapt: true, maxShare: 99, exec: execDefault}},
	}
	for _, tr := range traces {
		b.Run(tr.name, func(b *testing.B) {
			keys := tr.keys()
			for _, row := range rows {
				b.Run(row.name, func(b *testing.B) {
					var hit, win []float64
					for range b.N {
						r := replayVictim(keys, tr.capacity, row.vc)
						hit = append(hit, r.hitPercent)
						win = append(win, r.windowPercent)
					}
					slices.Sort(hit)
					slices.Sort(win)
					b.ReportMetric(median(hit), "hit-%")
					b.ReportMetric(hit[0], "hit-min-%")
					b.ReportMetric(hit[len(hit)-1], "hit-max-%")
					b.ReportMetric(median(win), "window-%")
				})
			}
		})
	}
}
