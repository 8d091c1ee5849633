package benchmarks

import "testing"

func TestGhostsKeepTheLastDrops(t *testing.T) {
	g := newGhosts(2)
	g.add(1, true)
	g.add(2, false)
	g.add(1, false) // dropped again: its first drop no longer counts
	g.add(3, true)  // the first drop of 1 leaves the last two: 1 stays
	if _, ok := g.take(2); ok {
		t.Error("2 is still a ghost after two later drops")
	}
	if y, ok := g.take(1); !ok || y {
		t.Errorf("take(1) = %v, %v; want false, true", y, ok)
	}
	if g.nYoung != 1 || g.nOld != 0 {
		t.Errorf("nYoung, nOld = %d, %d; want 1, 0", g.nYoung, g.nOld)
	}
	if _, ok := g.take(1); ok {
		t.Error("1 is a ghost after it was taken")
	}
}

func TestVictimTierStayGivesASecondChance(t *testing.T) {
	tier := newVictimTier(true)
	tier.add(1, false)
	tier.add(2, true)
	if !tier.hit(1) {
		t.Fatal("1 is not in the tier")
	}
	if k, y := tier.drop(); k != 2 || !y {
		t.Errorf("drop() = %d, %v; want 2, true", k, y)
	}
	if tier.len() != 1 || !tier.hit(1) {
		t.Error("the key hit is not kept")
	}
	moved := newVictimTier(false)
	moved.add(1, false)
	if !moved.hit(1) || moved.len() != 0 {
		t.Error("a hit does not take the key out of a tier without stay")
	}
}
