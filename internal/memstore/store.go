// Package memstore is the engine behind the in-memory backend: a bounded,
// sharded map of Go values by namespace and key, with per-namespace
// generations, CLOCK eviction and a reclaimer for expired entries.
//
// Package memory wraps it for users; package cachetoolz reaches it through
// [FromBackend] to store Go values without encoding them.
package memstore

import (
	"sync"
	"sync/atomic"
	"time"
)

// FromBackend returns the store behind a *memory.Backend, or nil for any
// other value. Package memory sets it when it is initialised.
var FromBackend = func(any) *Store { return nil }

// Config configures a Store. Zero fields take the defaults of package memory.
type Config struct {
	MaxEntries      int
	ReclaimInterval time.Duration
	Now             func() time.Time
}

// Store holds every namespace. Reads take one shard's read lock; writes,
// clears and evictions also take the store's lock, which orders them against
// each other and keeps the eviction ring and the expiry heap consistent.
type Store struct {
	now        func() time.Time
	maxEntries int

	namespaces atomic.Pointer[map[string]*Namespace]

	mu      sync.Mutex // guards everything below, and namespace creation
	ring    []*entry   // CLOCK ring; nil slots are free
	free    []int32    // free slots in ring
	hand    int
	count   int
	expiry  expiryHeap
	closed  bool
	stopped atomic.Bool

	stop chan struct{}
	done chan struct{}
}

// New returns a store and starts its reclaimer, which Close stops.
func New(cfg Config) *Store {
	s := &Store{
		now:        cfg.Now,
		maxEntries: cfg.MaxEntries,
		stop:       make(chan struct{}),
		done:       make(chan struct{}),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.maxEntries <= 0 {
		s.maxEntries = 1
	}
	empty := map[string]*Namespace{}
	s.namespaces.Store(&empty)
	interval := cfg.ReclaimInterval
	if interval <= 0 {
		interval = time.Second
	}
	go s.reclaimLoop(interval)
	return s
}

// Closed reports whether Close has been called.
func (s *Store) Closed() bool { return s.stopped.Load() }

// Close drops every entry and stops the reclaimer. It reports whether this
// call closed the store.
func (s *Store) Close() bool {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return false
	}
	s.closed = true
	s.stopped.Store(true)
	for _, n := range *s.namespaces.Load() {
		n.reset()
	}
	s.ring, s.free, s.count, s.expiry = nil, nil, 0, nil
	s.mu.Unlock()
	close(s.stop)
	<-s.done
	return true
}

// Len returns the number of entries held, expired ones not yet reclaimed
// included.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// Namespace returns the namespace called name, creating it on first use.
// The result stays valid for the store's lifetime: a clear empties it but
// does not replace it, so callers may keep it.
func (s *Store) Namespace(name string) *Namespace {
	if n := (*s.namespaces.Load())[name]; n != nil {
		return n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old := *s.namespaces.Load()
	if n := old[name]; n != nil {
		return n
	}
	n := &Namespace{store: s, name: name}
	next := make(map[string]*Namespace, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	next[name] = n
	s.namespaces.Store(&next)
	return n
}

// lookupNamespace returns the namespace called name if it exists.
func (s *Store) lookupNamespace(name string) *Namespace {
	return (*s.namespaces.Load())[name]
}

// Clear empties the named namespaces and advances their generations. Its
// cost is proportional to the entries of those namespaces only.
func (s *Store) Clear(names ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	for _, name := range names {
		n := s.lookupNamespace(name)
		if n == nil {
			continue
		}
		n.gen.Add(1)
		for _, e := range n.reset() {
			s.unlink(e)
		}
	}
}

// SetString stores value under key in n with the given time to live (none if
// ttl <= 0), unless n has been cleared since generation gen was read.
func (s *Store) SetString(n *Namespace, key string, value any, ttl time.Duration, gen uint64) {
	e := &entry{key: key, ns: n, value: value, heapIdx: -1}
	if ttl > 0 {
		e.expires = s.now().Add(ttl).UnixNano()
	}
	sh := n.shard(s.hashString(key))
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || n.gen.Load() != gen {
		return
	}
	sh.mu.Lock()
	if sh.m == nil {
		sh.m = make(map[string]*entry)
	}
	old := sh.m[key]
	sh.m[key] = e
	sh.mu.Unlock()
	if old != nil {
		s.unlink(old)
	}
	if s.count >= s.maxEntries {
		s.evictOne()
	}
	s.link(e)
}

func (s *Store) hash(key []byte) uint64           { return shardHash(key) }
func (s *Store) hashString(key string) uint64     { return shardHash(key) }
func (s *Store) expired(e *entry, now int64) bool { return e.expires != 0 && now >= e.expires }

// EntryInfo describes one live entry.
type EntryInfo struct {
	Key     string
	Value   any
	Expires int64 // Unix nanoseconds; 0: never
}

// Namespaces returns the names of the namespaces that hold entries, with
// their entry counts.
func (s *Store) Namespaces() map[string]int {
	out := map[string]int{}
	for name, n := range *s.namespaces.Load() {
		if c := n.Len(); c > 0 {
			out[name] = c
		}
	}
	return out
}

// Entries returns the live entries of the namespace called name.
func (s *Store) Entries(name string) []EntryInfo {
	n := s.lookupNamespace(name)
	if n == nil {
		return nil
	}
	now := s.now().UnixNano()
	var out []EntryInfo
	for i := range n.shards {
		sh := &n.shards[i]
		sh.mu.RLock()
		for _, e := range sh.m {
			if !s.expired(e, now) {
				out = append(out, EntryInfo{Key: e.key, Value: e.value, Expires: e.expires})
			}
		}
		sh.mu.RUnlock()
	}
	return out
}

// Now returns the store's clock reading.
func (s *Store) Now() time.Time { return s.now() }
