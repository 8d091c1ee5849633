package memstore

import (
	"hash/maphash"
	"testing"
)

// inverse returns the multiplicative inverse of an odd x modulo 2⁶⁴.
func inverse(x uint64) uint64 {
	y := x // correct to 3 bits; each step doubles the correct bits
	for range 5 {
		y *= 2 - x*y
	}
	return y
}

// TestDigestCollisionNeverServesAnotherKey forces two keys of two namespaces
// onto one digest and checks that each read gets its own key's value or a
// miss, never the other's, and that the replaced entry leaves its namespace.
func TestDigestCollisionNeverServesAnotherKey(t *testing.T) {
	s := newStore(t, Config{MaxEntries: 100})
	a, b := s.Namespace("a"), s.Namespace("b")
	// digest(a, "k1") == digest(b, "k2") when
	// b.id*c == a.id*c ^ H(k1) ^ H(k2).
	const c = 0x9e3779b97f4a7c15
	x := maphash.String(s.seed, "k1") ^ maphash.String(s.seed, "k2")
	b.id = (a.id*c ^ x) * inverse(c)
	if s.digest(a.id, "k1") != s.digest(b.id, "k2") {
		t.Fatal("the test did not make the digests collide")
	}

	s.SetString(a, "k1", "value of k1", 0, a.Generation())
	if v, _, ok := a.GetString("k1"); !ok || v != "value of k1" {
		t.Fatalf("a/k1 = %v, %v; want its value", v, ok)
	}
	if v, _, ok := b.GetString("k2"); ok {
		t.Fatalf("b/k2 = %v, a hit on a/k1's entry", v)
	}
	s.SetString(b, "k2", "value of k2", 0, b.Generation())
	if v, _, ok := b.GetString("k2"); !ok || v != "value of k2" {
		t.Fatalf("b/k2 = %v, %v; want its value", v, ok)
	}
	if v, _, ok := a.GetString("k1"); ok {
		t.Fatalf("a/k1 = %v, a hit on b/k2's entry", v)
	}
	if a.Len() != 0 || b.Len() != 1 || s.Len() != 1 {
		t.Fatalf("lengths a %d, b %d, store %d; want 0, 1, 1", a.Len(), b.Len(), s.Len())
	}
	// Clearing a must not remove b's entry, which holds a's old place.
	s.Clear("a")
	if _, _, ok := b.GetString("k2"); !ok {
		t.Fatal("clearing a removed b/k2")
	}
}
