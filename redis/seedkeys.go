package rediscache

import (
	"sync/atomic"
	"unsafe"

	"github.com/cachetoolz/cachetoolz/internal/twoway"
)

// seedKeys remembers the seed layout's joined keys, namespace:key, for
// keys that come back as the very same string: a key generator that
// remembers the keys of recent calls (as pykey does) hands back one string
// for each repeated call, and a hit then takes its joined key from here
// instead of allocating and copying it.
//
// A key's string picks two slots by the address of its bytes. A slot holds
// the namespace and key it was made from besides the joined key, and a
// lookup takes the joined key only from a slot whose namespace and key are
// equal, byte for byte, to the ones asked for: the address chooses where to
// look, never what is found. (Equal strings compare without reading their
// bytes when they share them.) A slot also keeps its key's memory from
// being freed and reused while it refers to it. A key is remembered only
// the second time it is seen at the same address (see seen), so that keys
// built anew for every call, as the default key is, cost no allocation
// beyond their joined key.
type seedKeys struct {
	table twoway.Table[seedJoin]
	// seen holds, at each of the two slots of a key that missed, a digest
	// of its address and length: a key that misses and finds its digest at
	// either of its slots is remembered.
	seen [seedKeySlots]atomic.Uint64
}

// seedJoin is one remembered key.
type seedJoin struct {
	namespace, key string
	joined         string // seedKey(namespace, key)
}

const (
	// seedKeySlots is the size of a backend's table.
	seedKeySlots = twoway.Size
	// seedKeyMax bounds the length of a namespace and a key, together,
	// that the table remembers: longer ones are joined on every call, which
	// bounds the table's memory (about 2 MiB at most).
	seedKeyMax = 256
)

// digest mixes the address and length of key's bytes.
func (m *seedKeys) digest(key string) uint64 {
	return (uint64(uintptr(unsafe.Pointer(unsafe.StringData(key)))) ^ uint64(len(key))<<48) * 0x9e3779b97f4a7c15
}

// join returns seedKey(namespace, key), from the table when it remembers it.
func (m *seedKeys) join(namespace, key string) string {
	if len(key) == 0 || len(namespace)+len(key) > seedKeyMax {
		return seedKey(namespace, key)
	}
	h := m.digest(key)
	i, j := twoway.Ways(h)
	if s := m.table.Load(i); s != nil && s.Value.key == key && s.Value.namespace == namespace {
		return s.Value.joined
	}
	if s := m.table.Load(j); s != nil && s.Value.key == key && s.Value.namespace == namespace {
		return s.Value.joined
	}
	joined := seedKey(namespace, key)
	if m.seen[i].Load() != h && m.seen[j].Load() != h { // first sighting
		m.seen[i].Store(h)
		m.seen[j].Store(h)
		return joined
	}
	m.table.Put(i, j, &twoway.Slot[seedJoin]{Value: seedJoin{namespace: namespace, key: key, joined: joined}})
	return joined
}
