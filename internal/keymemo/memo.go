// Package keymemo remembers the keys of recent calls: a bounded table that
// maps a call's identity, a few bytes that say everything its key depends
// on, to the key computed for it, so that the same call again (what a cache
// hit is) skips computing the key. It holds the key's bytes in the entry
// itself, and beside them the key that a backend joined from it, if any.
//
// The table is a twoway.Table: a hash of the identity picks two slots, and
// a lookup takes an entry only if its identity is equal, byte for byte, to
// the one asked for, so that the memo never changes a key, whichever calls
// share its slots.
//
// An identity of WordLen bytes, two 8-byte words around a tag byte (the
// identity of a call with one integer argument), is hashed from its words,
// so that GetWord looks it up from the words themselves, building no bytes.
package keymemo

import (
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"unsafe"

	"github.com/cachetoolz/cachetoolz/internal/twoway"
)

const (
	// MaxID is the longest identity remembered.
	MaxID = 184
	// MaxKey is the longest key that an entry holds in its own memory
	// whatever the length of its identity: a longer one is held there if
	// the identity leaves room, and else as the string it was given.
	MaxKey = 64
	// Slots is the number of entries a Memo holds at most: with the
	// bounds above, it holds about 1.2 MiB besides the joined keys that
	// do not fit in their entries (see Call).
	Slots = twoway.Size
	// WordLen is the length of a word identity: an 8-byte word, a tag
	// byte, and another 8-byte word, each word big-endian (see GetWord).
	WordLen = 17
)

// A Memo is a table of remembered keys. Its methods may be called from
// several goroutines at once.
type Memo struct {
	seed   maphash.Seed // hashes identities other than words
	k0, k1 uint64       // hash word identities
	table  twoway.Table[Call]
}

// New returns an empty Memo with hash seeds of its own.
func New() *Memo {
	return &Memo{seed: maphash.MakeSeed(), k0: rand.Uint64(), k1: rand.Uint64()}
}

// Lazy holds a Memo made by the first call that needs it (see Memo), so
// that a program that never remembers a key spends neither the table's
// memory nor a collector's scan of it. Its zero value holds none yet.
type Lazy struct {
	atomic.Pointer[Memo]
}

// Memo returns l's memo, making it if no goroutine has yet.
func (l *Lazy) Memo() *Memo {
	if m := l.Load(); m != nil {
		return m
	}
	l.CompareAndSwap(nil, New())
	return l.Load()
}

// A Call is one remembered call: its identity, its key, and the key a
// backend joined from it. It is never changed once remembered, so that its
// strings may be kept.
//
// Its text holds the identity, and after it the joined key when that ends
// with the key (as a backend's namespace:key does), the key's own bytes
// then being its end, or else the key. So the lookup of a short identity,
// and the two keys it answers, read the entry's first line of memory, or
// its first two when they are longer (see TestCallLayout).
type Call struct {
	idLen   uint8 // the identity is text[:idLen]
	keyLen  uint8 // the key's length; 0 when the key is held in long
	joinLen uint8 // the joined key's length when it is held in text; else 0
	text    [textLen]byte
	long    string // the key, when not held in text
	joined  string // the joined key, when not held in text
}

// textLen is the length of a Call's text: the longest identity and the
// longest key that always fit.
const textLen = MaxID + MaxKey

// Is reports whether c remembers the call of identity id.
func (c *Call) Is(id []byte) bool {
	return int(c.idLen) == len(id) && string(c.text[:len(id)]) == string(id)
}

// isWord reports whether c remembers the call of the word identity of w,
// tag and v.
func (c *Call) isWord(w uint64, tag byte, v uint64) bool {
	return c.idLen == WordLen && binary.BigEndian.Uint64(c.text[:8]) == w && c.text[8] == tag && binary.BigEndian.Uint64(c.text[9:WordLen]) == v
}

// Key returns c's key: a string over c's own memory, unless held in long.
func (c *Call) Key() string {
	switch {
	case c.keyLen == 0:
		return c.long
	case c.joinLen != 0:
		end := int(c.idLen) + int(c.joinLen)
		return unsafe.String(&c.text[end-int(c.keyLen)], int(c.keyLen))
	}
	return unsafe.String(&c.text[c.idLen], int(c.keyLen))
}

// Joined returns the joined key remembered with c's key, empty if none.
func (c *Call) Joined() string {
	if c.joinLen != 0 {
		return unsafe.String(&c.text[c.idLen], int(c.joinLen))
	}
	return c.joined
}

// fits reports whether a call of identity id and key key can be
// remembered: the identity is at most MaxID bytes, and the key not empty.
func fits(id []byte, key string) bool {
	return len(id) <= MaxID && len(key) > 0
}

// Ways returns the indexes of the two slots where the call of identity id
// is looked for.
func (m *Memo) Ways(id []byte) (i, j uint64) {
	if len(id) == WordLen {
		return m.wordWays(binary.BigEndian.Uint64(id), id[8], binary.BigEndian.Uint64(id[9:]))
	}
	return twoway.Ways(maphash.Bytes(m.seed, id))
}

// wordWays is Ways of the word identity of w, tag and v: the high and the
// low half of a product of the seeded words, folded.
func (m *Memo) wordWays(w uint64, tag byte, v uint64) (i, j uint64) {
	hi, lo := bits.Mul64(w^m.k0^uint64(tag), v^m.k1)
	return twoway.Ways(hi ^ lo)
}

// At returns the entry in slot i, nil if the slot is empty.
func (m *Memo) At(i uint64) *Call {
	if s := m.table.Load(i); s != nil {
		return &s.Value
	}
	return nil
}

// Get returns the remembered call of identity id, or nil.
func (m *Memo) Get(id []byte) *Call {
	i, j := m.Ways(id)
	if s := m.table.Load(i); s != nil && s.Value.Is(id) {
		return &s.Value
	}
	if s := m.table.Load(j); s != nil && s.Value.Is(id) {
		return &s.Value
	}
	return nil
}

// GetWord is Get of the word identity of w, tag and v: the bytes of w,
// tag, then the bytes of v, each word big-endian.
func (m *Memo) GetWord(w uint64, tag byte, v uint64) *Call {
	i, j := m.wordWays(w, tag, v)
	if s := m.table.Load(i); s != nil && s.Value.isWord(w, tag, v) {
		return &s.Value
	}
	if s := m.table.Load(j); s != nil && s.Value.isWord(w, tag, v) {
		return &s.Value
	}
	return nil
}

// Put remembers key, and joined with it, for the call of identity id, and
// returns the entry that holds them; it remembers nothing and returns nil
// when they do not fit (see fits). The entry takes the first of id's
// slots that is empty, or else the one whose call was remembered first.
func (m *Memo) Put(id []byte, key, joined string) *Call {
	i, j := m.Ways(id)
	return m.PutIn(i, j, id, key, joined)
}

// PutIn is Put in slot i or j, which need not be id's.
func (m *Memo) PutIn(i, j uint64, id []byte, key, joined string) *Call {
	if !fits(id, key) {
		return nil
	}
	s := &twoway.Slot[Call]{}
	c := &s.Value
	c.idLen = uint8(copy(c.text[:], id))
	rest := c.text[len(id):]
	switch {
	case joined != "" && len(joined) <= len(rest) && strings.HasSuffix(joined, key):
		c.joinLen = uint8(copy(rest, joined))
		c.keyLen = uint8(len(key))
	case len(key) <= len(rest):
		c.keyLen = uint8(copy(rest, key))
		c.joined = joined
	default:
		c.long = key
		c.joined = joined
	}
	m.table.Put(i, j, s)
	return c
}
