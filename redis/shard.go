package rediscache

import (
	"math/bits"
	"strconv"
	"strings"

	"github.com/cachetoolz/cachetoolz"
)

// A namespace is split into shards, each under a hash tag of its own, so
// that in a Redis Cluster its entries spread over the masters. Shard 0's
// tag is the escaped namespace alone; shard i > 0 appends
//
//	"%/" + i (decimal) + four bytes from '@' to 'O'
//
// An escaped namespace never holds "%/" ('%' only starts %XX or is the
// empty namespace's lone "%"), so the tag splits back into namespace and
// shard. The four bytes are chosen so that the tag's Cluster slot is the
// slot of shard 0's tag plus slotOffset(i) (mod 16384), which reverses
// the 14 bits of i: for any number of shards that is a power of two the
// shards lie evenly around the slot space, and a master that serves a
// contiguous range of at least 16384/Shards slots holds at least one
// shard of every namespace, with no chance involved.

// Shard tag constants.
const (
	shardMark   = "%/" // between the escaped namespace and the shard
	shardFree   = 4    // bytes that place the tag on its slot
	shardBase   = '@'  // those bytes are shardBase | a nibble: '@' to 'O'
	shardTagLen = len(shardMark) + 4 + shardFree
	slotMask    = 16383 // a Cluster slot is the CRC16 of the tag mod 16384

	// maxShards bounds Options.Shards: a clear runs one script per shard.
	maxShards = 1024
	// clusterShards is the number of shards in a Cluster when
	// Options.Shards is zero.
	clusterShards = 16
)

// writeShard writes shard's suffix (shard > 0) to b, which already holds
// the escaped namespace esc.
func writeShard(b *strings.Builder, esc string, shard int) {
	var buf [shardTagLen]byte
	s := strconv.AppendInt(append(buf[:0], shardMark...), int64(shard), 10)
	slot0 := crc16(0, esc)
	crc := crc16(slot0, string(s))
	for range shardFree {
		crc = crc16Byte(crc, shardBase)
	}
	target := (slot0 + slotOffset(shard)) & slotMask
	free := solveSlot((target ^ crc) & slotMask)
	b.Write(s)
	for j := range shardFree {
		b.WriteByte(shardBase | byte(free>>(4*j))&0xf)
	}
}

// slotOffset is how far shard's slot lies from shard 0's: its 14 bits
// reversed, so that shards 0..2^k-1 are 16384/2^k slots apart.
func slotOffset(shard int) uint16 {
	return bits.Reverse16(uint16(shard)) >> 2
}

// shardOf returns the shard of key among shards: a 32-bit FNV-1a hash of
// the key, mod shards. Every process must compute the same, so it never
// changes.
func shardOf(key string, shards int) int {
	if shards <= 1 {
		return 0
	}
	h := uint32(2166136261)
	for i := 0; i < len(key); i++ {
		h ^= uint32(key[i])
		h *= 16777619
	}
	return int(h % uint32(shards))
}

// crc16 continues the CRC16 (XMODEM: polynomial 0x1021, initial 0) of
// Redis Cluster's key slots over s.
func crc16(crc uint16, s string) uint16 {
	for i := 0; i < len(s); i++ {
		crc = crc16Byte(crc, s[i])
	}
	return crc
}

func crc16Byte(crc uint16, c byte) uint16 {
	return crc<<8 ^ crc16Table[byte(crc>>8)^c]
}

var crc16Table = func() (t [256]uint16) {
	for i := range t {
		c := uint16(i) << 8
		for range 8 {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x1021
			} else {
				c <<= 1
			}
		}
		t[i] = c
	}
	return t
}()

// slotBasis[t] is the value of the free bits (nibble j in bits 4j..4j+3)
// whose bytes change a tag's slot by 1<<t. CRC16 is linear, so the free
// bits that move a slot by d are the XOR of slotBasis over d's bits; the
// 16 free bits reach all 14 bits of a slot.
var slotBasis = func() (basis [14]uint16) {
	// Rows pair a slot change with the free bits that make it; Gauss-Jordan
	// elimination over GF(2) leaves one row per slot bit.
	type row struct{ slot, free uint16 }
	var rows [4 * shardFree]row
	for b := range rows {
		var d [shardFree]byte
		d[b/4] = 1 << (b % 4)
		rows[b] = row{crc16(0, string(d[:])) & slotMask, 1 << b}
	}
	n := 0
	for bit := 13; bit >= 0; bit-- {
		p := -1
		for i := n; i < len(rows); i++ {
			if rows[i].slot>>bit&1 == 1 {
				p = i
				break
			}
		}
		if p < 0 {
			panic("rediscache: shard tags cannot reach every slot")
		}
		rows[n], rows[p] = rows[p], rows[n]
		for i := range rows {
			if i != n && rows[i].slot>>bit&1 == 1 {
				rows[i].slot ^= rows[n].slot
				rows[i].free ^= rows[n].free
			}
		}
		n++
	}
	for _, r := range rows[:n] {
		basis[bits.TrailingZeros16(r.slot)] = r.free
	}
	return basis
}()

// solveSlot returns the free bits that change a tag's slot by d.
func solveSlot(d uint16) uint16 {
	var free uint16
	for t := range slotBasis {
		if d>>t&1 == 1 {
			free ^= slotBasis[t]
		}
	}
	return free
}

// shards returns the number of shards of every namespace: Options.Shards,
// or when it is zero, clusterShards on a Cluster and 1 otherwise (known
// once the backend has reached its server; 1 before).
func (b *Backend) shards() int {
	if b.s.shards > 0 {
		return b.s.shards
	}
	if r := b.client.Load(); r != nil {
		return r.shards
	}
	return 1
}

var _ cachetoolz.Sharder = (*Backend)(nil)

// Shard returns the shard of namespace that holds key, from 0 to the
// number of shards less one (0 before the backend first reached its server
// when Options.Shards is zero). In LayoutSeed, whose keys have no shards,
// it is on a Cluster the sixteenth of the slot space that the slot of
// namespace:key lies in, and 0 otherwise. It implements
// [cachetoolz.Sharder], so that a cache keeps a circuit breaker per shard:
// a Cluster master that is down costs the keys of the shards it holds (in
// LayoutSeed, of the sixteenths its slots cover, with those it shares with
// a neighbour at either end of its range), and the others keep their hits.
func (b *Backend) Shard(namespace, key string) int {
	if b.s.layout == LayoutSeed {
		return b.seedPart(namespace, key)
	}
	return shardOf(key, b.shards())
}

// seedParts is how many parts Shard splits the slot space into in
// LayoutSeed on a Cluster.
const seedParts = 16

// seedPart is Shard in LayoutSeed.
func (b *Backend) seedPart(namespace, key string) int {
	if r := b.client.Load(); r == nil || r.shards == 1 {
		return 0
	}
	return int(seedSlot(namespace, key)) * seedParts >> 14
}

// seedSlot is keySlot of namespace:key. Without a '{' in either, which
// could start a hash tag, it runs the CRC over the two in turn rather than
// joining them, which costs the hit path a table lookup or an allocation.
func seedSlot(namespace, key string) uint16 {
	if strings.IndexByte(namespace, '{') >= 0 || strings.IndexByte(key, '{') >= 0 {
		return keySlot(seedKey(namespace, key))
	}
	return crc16(crc16Byte(crc16(0, namespace), ':'), key) & slotMask
}

// keySlot is the Redis Cluster slot of key: the CRC16 of its hash tag
// (what lies between its first '{' and the next '}', if not empty) or else
// of the whole key, mod 16384.
func keySlot(key string) uint16 {
	if i := strings.IndexByte(key, '{'); i >= 0 {
		if j := strings.IndexByte(key[i+1:], '}'); j > 0 {
			key = key[i+1 : i+1+j]
		}
	}
	return crc16(0, key) & slotMask
}
