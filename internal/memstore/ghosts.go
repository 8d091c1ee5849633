package memstore

// ghosts remembers the keys among the last ones the tier dropped, as many
// as a bound, each with whether otter had held it only briefly (young). A
// miss on a ghost tells which of the two parts of the store was too small
// to keep it: a young one was dropped by otter before its frequency could
// show, so the recency tier should have held it; an old one had its chance
// in otter.
type ghosts struct {
	at           map[key]ghost
	ring         []ghostDrop // the last drops, oldest at head; a circular buffer
	head, n      int
	drops        uint64
	nYoung, nOld int
}

// ghost is one remembered key: the drop that made it a ghost.
type ghost struct {
	drop  uint64
	young bool
}

// ghostDrop is one drop: k became a ghost at drop number drop.
type ghostDrop struct {
	k    key
	drop uint64
}

// add remembers k, just dropped, and forgets the oldest ghosts past bound.
func (g *ghosts) add(k key, young bool, bound int) {
	if g.at == nil {
		g.at = map[key]ghost{}
	}
	g.take(k)
	g.drops++
	g.at[k] = ghost{drop: g.drops, young: young}
	if young {
		g.nYoung++
	} else {
		g.nOld++
	}
	if g.n == len(g.ring) { // full: grow, oldest first again
		grown := make([]ghostDrop, max(2*len(g.ring), 64))
		for i := range g.n {
			grown[i] = g.ring[(g.head+i)%len(g.ring)]
		}
		g.ring, g.head = grown, 0
	}
	g.ring[(g.head+g.n)%len(g.ring)] = ghostDrop{k: k, drop: g.drops}
	g.n++
	for g.n > max(bound, 1) {
		d := g.ring[g.head]
		if gh, ok := g.at[d.k]; ok && gh.drop == d.drop {
			g.take(d.k)
		}
		g.head = (g.head + 1) % len(g.ring)
		g.n--
	}
}

// take forgets k, and reports whether it was a ghost and whether it was
// young.
func (g *ghosts) take(k key) (young, ok bool) {
	gh, ok := g.at[k]
	if !ok {
		return false, false
	}
	if gh.young {
		g.nYoung--
	} else {
		g.nOld--
	}
	delete(g.at, k)
	return gh.young, true
}

// reset forgets every ghost.
func (g *ghosts) reset() { *g = ghosts{} }
