package pykey

import (
	"crypto/md5"
	"encoding/binary"
	"hash/maphash"
	"math"
	"sync/atomic"
	"unsafe"

	"github.com/cachetoolz/cachetoolz/internal/twoway"
)

// A keyMemo remembers the keys of recent calls whose arguments are all of
// the scalar types that convert reads without reflection (nil, bool, int,
// int32, int64, float64, string, []byte), so that a call repeated with the
// same arguments, which is what a cache hit is, skips the pickle and its
// MD5. It is a table of slots, two of which a hash of the call picks: a slot
// holds one call's identity, byte for byte, and its key; a call found in
// neither computes its key and takes over the slot remembered first. A key comes
// from the memo only for an identity equal to the one it was computed
// from, and an identity is written so that equal identities have equal
// pickles (see appendIdentity), so the memo never changes a key.
type keyMemo struct {
	seed  maphash.Seed
	table twoway.Table[memoCall]
}

// memoCall is one remembered call: its identity and its key, held in the
// slot itself, so that a lookup reads one object where it would read three
// (the slot and two strings): on a hit that follows a system call, each is
// a miss of the processor's caches.
type memoCall struct {
	idLen uint8
	key   [2 * md5.Size]byte // hexadecimal digits
	id    [memoMaxID]byte
}

// newMemoCall returns the slot that remembers key, 2 * md5.Size bytes, for
// id, at most memoMaxID bytes.
func newMemoCall(id []byte, key string) *twoway.Slot[memoCall] {
	s := &twoway.Slot[memoCall]{}
	s.Value.idLen = uint8(len(id))
	copy(s.Value.id[:], id)
	copy(s.Value.key[:], key)
	return s
}

// is reports whether c remembers the call of identity id.
func (c *memoCall) is(id []byte) bool {
	return int(c.idLen) == len(id) && string(c.id[:len(id)]) == string(id)
}

// keyString returns c's key: a string over c's own memory, which is never
// changed once the slot holding c is published.
func (c *memoCall) keyString() string {
	return unsafe.String(&c.key[0], len(c.key))
}

const (
	// memoSlots is the size of the package's memo: with identities of at
	// most memoMaxID bytes, it holds at most about 1 MiB.
	memoSlots = twoway.Size
	// memoMaxID is the longest identity remembered; calls with longer
	// arguments always compute their keys.
	memoMaxID = 192
)

// newKeyMemo returns an empty memo with a hash seed of its own.
func newKeyMemo() *keyMemo {
	return &keyMemo{seed: maphash.MakeSeed()}
}

// memo holds the package's memo once a call has made it; see theMemo.
var memo atomic.Pointer[keyMemo]

// theMemo returns the package's memo, made by the first call to need it,
// so that a program that imports the package and never remembers a key
// spends neither the table's memory nor a collector's scan of it.
func theMemo() *keyMemo {
	if m := memo.Load(); m != nil {
		return m
	}
	return makeMemo()
}

// makeMemo makes the package's memo, or returns the one another goroutine
// made first.
func makeMemo() *keyMemo {
	memo.CompareAndSwap(nil, newKeyMemo())
	return memo.Load()
}

// get returns the key remembered for id.
func (m *keyMemo) get(id []byte) (string, bool) {
	i, j := twoway.Ways(maphash.Bytes(m.seed, id))
	if s := m.table.Load(i); s != nil && s.Value.is(id) {
		return s.Value.keyString(), true
	}
	if s := m.table.Load(j); s != nil && s.Value.is(id) {
		return s.Value.keyString(), true
	}
	return "", false
}

// put remembers key for id: in the first of its slots that is empty, or
// else in the one whose call was remembered first.
func (m *keyMemo) put(id []byte, key string) {
	i, j := twoway.Ways(maphash.Bytes(m.seed, id))
	m.table.Put(i, j, newMemoCall(id, key))
}

// appendIdentity appends to dst what identifies the key of a call, and
// reports whether the call can be remembered: all its arguments are of the
// memo's types and the identity is at most memoMaxID bytes. The identity
// holds the protocol, typed, the module and name the pickle names, and each
// argument's Python type and exact value (a float's bits, a string's
// bytes), each of variable length after its length, so that two calls
// with equal identities convert to equal objects.
func appendIdentity(dst []byte, proto byte, typed bool, module, name string, args []any) ([]byte, bool) {
	t := byte(0)
	if typed {
		t = 1
	}
	if 2+2*binary.MaxVarintLen64+len(module)+len(name) > memoMaxID {
		return dst, false
	}
	dst = append(dst, proto, t)
	dst = appendBytes(dst, module)
	dst = appendBytes(dst, name)
	for _, a := range args {
		switch x := a.(type) {
		case nil:
			dst = append(dst, 'N')
		case bool:
			if x {
				dst = append(dst, 'T')
			} else {
				dst = append(dst, 'F')
			}
		case int:
			dst = binary.LittleEndian.AppendUint64(append(dst, 'i'), uint64(x))
		case int64:
			dst = binary.LittleEndian.AppendUint64(append(dst, 'i'), uint64(x))
		case int32:
			dst = binary.LittleEndian.AppendUint64(append(dst, 'i'), uint64(int64(x)))
		case float64:
			dst = binary.LittleEndian.AppendUint64(append(dst, 'f'), math.Float64bits(x))
		case string:
			if len(dst)+1+binary.MaxVarintLen64+len(x) > memoMaxID {
				return dst, false
			}
			dst = appendBytes(append(dst, 's'), x)
		case []byte:
			if len(dst)+1+binary.MaxVarintLen64+len(x) > memoMaxID {
				return dst, false
			}
			dst = appendBytes(append(dst, 'b'), string(x))
		default:
			return dst, false
		}
		if len(dst) > memoMaxID-1-binary.MaxVarintLen64 {
			return dst, false
		}
	}
	return dst, true
}

// appendBytes appends s after its length.
func appendBytes(dst []byte, s string) []byte {
	return append(binary.AppendUvarint(dst, uint64(len(s))), s...)
}
