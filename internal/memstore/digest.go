package memstore

import (
	"encoding/binary"
	"math/bits"
	"unsafe"
)

// digest returns the otter key of key k in the namespace whose identity is
// ns: a 64-bit hash of k, seeded at random per store so that no one can
// choose keys that collide, mixed with ns (multiplied by an odd constant, a
// bijection, so that one key in two namespaces never gets one digest).
//
// A key of 8 to 16 bytes, the commonest (a function's five-byte prefix and
// a scalar argument), is hashed with one multiplication: its first and
// last eight bytes, which overlap, each offset by a random word of the
// store, the first by the word of its length, so that two keys whose words
// agree but whose lengths differ are hashed apart. Longer and shorter keys
// go through hashString.
//
// Two entries may still get one digest, with a chance of about n²/2⁶⁵ for
// n live entries; they then share one place in the cache, where the later
// store replaces the earlier one. An entry keeps its namespace and full
// key, and a read compares both, so a collision costs a miss and never
// serves another key's value.
func (s *Store) digest(ns uint64, k string) key {
	if len(k) < 8 || len(k) > 16 {
		return key(hashString(s.seed, k) ^ ns*nsMul)
	}
	b := unsafe.Slice(unsafe.StringData(k), len(k))
	x := binary.LittleEndian.Uint64(b) ^ s.shortSeeds[len(b)-8]
	y := binary.LittleEndian.Uint64(b[len(b)-8:]) ^ s.seed
	return key(mix(x, y) ^ ns*nsMul)
}

// nsMul is odd: multiplying by it is a bijection of the uint64s.
const nsMul = 0x9e3779b97f4a7c15

// Mixing constants: odd, with bits spread evenly.
const (
	mulA = 0xa0761d6478bd642f
	mulB = 0xe7037ed1a0b428db
	mulC = 0x8ebc6af09c88c6e3
)

// mix folds the 128-bit product of a and b into 64 bits.
func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// hashString hashes s with seed, eight bytes at a time: the keys of a
// cache are mostly a few tens of bytes, which a general-purpose hash
// spends more on setting up than on hashing.
func hashString(seed uint64, s string) uint64 {
	b := unsafe.Slice(unsafe.StringData(s), len(s))
	h := seed ^ mix(uint64(len(b))^mulA, mulB)
	for len(b) > 16 {
		h = mix(binary.LittleEndian.Uint64(b)^mulA, binary.LittleEndian.Uint64(b[8:])^h)
		b = b[16:]
	}
	var x, y uint64
	switch {
	case len(b) >= 8: // the last eight bytes, overlapping the first eight
		x = binary.LittleEndian.Uint64(b)
		y = binary.LittleEndian.Uint64(b[len(b)-8:])
	case len(b) >= 4:
		x = uint64(binary.LittleEndian.Uint32(b))
		y = uint64(binary.LittleEndian.Uint32(b[len(b)-4:]))
	case len(b) > 0: // first, middle and last byte
		x = uint64(b[0])<<16 | uint64(b[len(b)>>1])<<8 | uint64(b[len(b)-1])
	}
	return mix(mix(x^mulB, y^h^mulC)^seed, mulA^h)
}

// sameKey reports whether a and b are equal. The keys of a cache are
// mostly 8 to 16 bytes long (a function's four-byte id and a scalar
// argument or two), which two overlapping eight-byte loads compare without
// the call and setup of the general comparison.
func sameKey(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) < 8 || len(a) > 16 {
		return a == b
	}
	x := unsafe.Slice(unsafe.StringData(a), len(a))
	y := unsafe.Slice(unsafe.StringData(b), len(b))
	return binary.LittleEndian.Uint64(x) == binary.LittleEndian.Uint64(y) &&
		binary.LittleEndian.Uint64(x[len(x)-8:]) == binary.LittleEndian.Uint64(y[len(y)-8:])
}
