package memstore

import (
	"sync"
	"sync/atomic"
)

const shardCount = 16

// Namespace is one namespace of a Store.
type Namespace struct {
	store  *Store
	name   string
	gen    atomic.Uint64
	shards [shardCount]shard
}

type shard struct {
	mu sync.RWMutex
	m  map[string]*entry
	_  [64 - 24 - 8]byte // keep shards on separate cache lines
}

// entry is one cached value. key, ns, value and expires never change after
// the entry is published; slot and heapIdx are guarded by the store's lock.
type entry struct {
	key     string
	ns      *Namespace
	value   any
	expires int64 // Unix nanoseconds; 0: never
	ref     atomic.Bool
	slot    int32
	heapIdx int32
}

// Name returns the namespace's name.
func (n *Namespace) Name() string { return n.name }

// Generation returns the namespace's current generation.
func (n *Namespace) Generation() uint64 { return n.gen.Load() }

func (n *Namespace) shard(h uint64) *shard { return &n.shards[h%shardCount] }

// Get returns the live value under key, or the namespace's generation and
// false on a miss. It does not retain key.
func (n *Namespace) Get(key []byte) (value any, gen uint64, ok bool) {
	sh := n.shard(n.store.hash(key))
	sh.mu.RLock()
	e := sh.m[string(key)]
	sh.mu.RUnlock()
	return n.hit(e)
}

// GetString is Get with a string key.
func (n *Namespace) GetString(key string) (value any, gen uint64, ok bool) {
	sh := n.shard(n.store.hashString(key))
	sh.mu.RLock()
	e := sh.m[key]
	sh.mu.RUnlock()
	return n.hit(e)
}

func (n *Namespace) hit(e *entry) (any, uint64, bool) {
	if e == nil || (e.expires != 0 && n.store.now().UnixNano() >= e.expires) {
		return nil, n.gen.Load(), false
	}
	if !e.ref.Load() {
		e.ref.Store(true)
	}
	return e.value, 0, true
}

// reset empties every shard and returns the entries it held. The caller
// holds the store's lock.
func (n *Namespace) reset() []*entry {
	var out []*entry
	for i := range n.shards {
		sh := &n.shards[i]
		sh.mu.Lock()
		m := sh.m
		sh.m = nil
		sh.mu.Unlock()
		for _, e := range m {
			out = append(out, e)
		}
	}
	return out
}

// remove deletes e from its shard if it is still the entry under its key.
// The caller holds the store's lock.
func (n *Namespace) remove(e *entry) {
	sh := n.shard(n.store.hashString(e.key))
	sh.mu.Lock()
	if sh.m[e.key] == e {
		delete(sh.m, e.key)
	}
	sh.mu.Unlock()
}

// Len returns the number of entries the namespace holds, expired ones not
// yet reclaimed included.
func (n *Namespace) Len() int {
	total := 0
	for i := range n.shards {
		sh := &n.shards[i]
		sh.mu.RLock()
		total += len(sh.m)
		sh.mu.RUnlock()
	}
	return total
}
