package memstore

// ghosts remembers the keys among the last ones the tier dropped, as many
// as a bound, each with whether otter had held it only briefly (young). A
// miss on a ghost tells which of the two parts of the store was too small
// to keep it: a young one was dropped by otter before its frequency could
// show, so the recency tier should have held it; an old one had its chance
// in otter.
//
// The ghosts are kept in a table of pairs of slots by digest, not a map:
// every miss that evicts adds one and ages one out, a churn that costs a
// map its rehashes. A ghost whose pair is full replaces the older of the
// two, so a few are forgotten early.
type ghosts struct {
	f            *filter     // counts every ghost
	slots        []ghostDrop // by digest, two to a pair; drop 0: empty
	ring         []ghostDrop // the last drops, oldest at head; a circular buffer
	head, n      int
	drops        uint64
	nYoung, nOld int
}

// ghostDrop is one drop: k became a ghost at drop number drop, young if
// drop has its top bit set.
type ghostDrop struct {
	k    key
	drop uint64
}

const youngBit = 1 << 63

// newGhosts returns ghosts with about twice bound slots.
func newGhosts(f *filter, bound int) ghosts {
	n := 2
	for n < 2*bound && n < 1<<21 {
		n *= 2
	}
	return ghosts{f: f, slots: make([]ghostDrop, n)}
}

// pair returns the first of k's pair of slots.
func (g *ghosts) pair(k key) int {
	return int(uint64(k)*mulC>>1) & (len(g.slots) - 2)
}

// add remembers k, just dropped, and forgets the oldest ghosts past bound.
func (g *ghosts) add(k key, young bool, bound int) {
	g.take(k)
	g.drops++
	d := ghostDrop{k: k, drop: g.drops}
	if young {
		d.drop |= youngBit
	}
	i := g.pair(k)
	if s := g.slots[i]; s.drop != 0 && (g.slots[i+1].drop == 0 || s.drop&^youngBit > g.slots[i+1].drop&^youngBit) {
		i++ // the empty one, or the older one
	}
	g.forget(i)
	g.slots[i] = d
	g.f.add(k, 1)
	if young {
		g.nYoung++
	} else {
		g.nOld++
	}
	if g.n == len(g.ring) { // full: grow, oldest first again
		grown := make([]ghostDrop, max(2*len(g.ring), 64))
		for j := range g.n {
			grown[j] = g.ring[(g.head+j)%len(g.ring)]
		}
		g.ring, g.head = grown, 0
	}
	g.ring[(g.head+g.n)%len(g.ring)] = d
	g.n++
	for g.n > max(bound, 1) {
		old := g.ring[g.head]
		if i := g.find(old.k); i >= 0 && g.slots[i].drop == old.drop {
			g.forget(i)
		}
		g.head = (g.head + 1) % len(g.ring)
		g.n--
	}
}

// find returns the slot that holds k, or -1.
func (g *ghosts) find(k key) int {
	i := g.pair(k)
	switch {
	case g.slots[i].drop != 0 && g.slots[i].k == k:
		return i
	case g.slots[i+1].drop != 0 && g.slots[i+1].k == k:
		return i + 1
	}
	return -1
}

// forget empties slot i.
func (g *ghosts) forget(i int) {
	s := g.slots[i]
	if s.drop == 0 {
		return
	}
	if s.drop&youngBit != 0 {
		g.nYoung--
	} else {
		g.nOld--
	}
	g.f.add(s.k, -1)
	g.slots[i] = ghostDrop{}
}

// take forgets k, and reports whether it was young, and whether it was a
// ghost.
func (g *ghosts) take(k key) (young, ok bool) {
	i := g.find(k)
	if i < 0 {
		return false, false
	}
	young = g.slots[i].drop&youngBit != 0
	g.forget(i)
	return young, true
}

// reset forgets every ghost; the caller resets the filter.
func (g *ghosts) reset() {
	clear(g.slots)
	g.ring, g.head, g.n, g.drops, g.nYoung, g.nOld = nil, 0, 0, 0, 0, 0
}
