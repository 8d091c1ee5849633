package memstore

import (
	"encoding/binary"
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
	x := hashString(s.seed, "k1") ^ hashString(s.seed, "k2")
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
	// Deleting a/k1 must not remove b/k2's entry, which holds its digest.
	s.Delete(a, "k1")
	if _, _, ok := b.GetString("k2"); !ok {
		t.Fatal("deleting a/k1 removed b/k2")
	}
	// Clearing a must not remove b's entry, which holds a's old place.
	s.Clear("a")
	if _, _, ok := b.GetString("k2"); !ok {
		t.Fatal("clearing a removed b/k2")
	}
}

// TestHashStringSpreads checks that keys that differ in one bit, or in
// length only, get distinct hashes, and that the seed changes every hash:
// a weak hash would give many keys of a cache one place.
func TestHashStringSpreads(t *testing.T) {
	spreads(t, func(seed int, k string) uint64 { return hashString(uint64(seed), k) })
}

// TestDigestSpreads is TestHashStringSpreads for the digests of a store,
// whose keys of 8 to 16 bytes take a path of their own, and of another
// store, which stands for another seed.
func TestDigestSpreads(t *testing.T) {
	stores := []*Store{nil, newStore(t, Config{MaxEntries: 1}), newStore(t, Config{MaxEntries: 1}), newStore(t, Config{MaxEntries: 1})}
	spreads(t, func(seed int, k string) uint64 { return uint64(stores[seed].digest(7, k)) })
}

// spreads fails if hash, given seeds 1 to 3, gives two keys one hash: keys
// of every length up to 70 bytes under two seeds, every key one bit away
// from them, keys whose words agree, and keys of integers.
func spreads(t *testing.T, hash func(seed int, k string) uint64) {
	t.Helper()
	seen := map[uint64]string{}
	add := func(seed int, k string) {
		h := hash(seed, k)
		if prev, dup := seen[h]; dup {
			t.Fatalf("hash of %q (seed %d) equals that of %q", k, seed, prev)
		}
		seen[h] = k
	}
	base := make([]byte, 70)
	for i := range base {
		base[i] = byte(i * 7)
	}
	for n := 0; n <= len(base); n++ {
		add(1, string(base[:n]))
		add(2, string(base[:n]))
		for i := range n * 8 {
			b := append([]byte(nil), base[:n]...)
			b[i/8] ^= 1 << (i % 8)
			add(1, string(b))
		}
	}
	// Two keys whose first and last eight bytes agree, of two lengths.
	add(1, "0123eeeewxyz")
	add(1, "0123eeeeewxyz")
	for i := range 200_000 { // short keys, as integer arguments make
		add(3, string(binary.BigEndian.AppendUint64([]byte{0, 1, 2, 3, 4, 'i'}, uint64(i))))
		add(3, string(binary.BigEndian.AppendUint64([]byte{0, 1, 2, 3, 4}, uint64(i))))
		add(3, string(binary.LittleEndian.AppendUint32(nil, uint32(i))))
	}
}

// sameKey agrees with == for every length around its fast path and a
// difference at every position.
func TestSameKey(t *testing.T) {
	for n := 0; n <= 24; n++ {
		a := make([]byte, n)
		for i := range a {
			a[i] = byte('a' + i)
		}
		if !sameKey(string(a), string(a)) {
			t.Fatalf("len %d: equal keys differ", n)
		}
		if n > 0 && sameKey(string(a), string(a[:n-1])) {
			t.Fatalf("len %d: keys of different lengths are equal", n)
		}
		for i := range a {
			b := append([]byte(nil), a...)
			b[i] ^= 0x80
			if sameKey(string(a), string(b)) {
				t.Fatalf("len %d: keys differing at byte %d are equal", n, i)
			}
		}
	}
}
