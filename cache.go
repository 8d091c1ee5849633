package cachetoolz

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cachetoolz/cachetoolz/internal/memstore"
	"github.com/cachetoolz/cachetoolz/memory"
)

// Cache caches the results of the functions wrapped with it in a Backend:
// the Go form of the seed's Cache. It is safe for concurrent use. Create one
// with New, or use Default.
type Cache struct {
	backend  Backend
	joiner   KeyJoiner       // the backend, if it is one
	mem      *memstore.Store // set when the backend keeps Go values
	near     *near           // the local tier (Config.Local), or nil
	cfg      Config
	userNow  bool // Config.Now was given
	breakers breakerConfig
	logs     [numOps]logLimiter
	// deadlines bounds the backend operations of calls whose context
	// cannot end.
	deadlines sharedDeadlines

	// namespaces holds the state of every namespace that a wrapped
	// function uses. Only wrapping adds to it, so its size is set by the
	// program's code, never by the names its callers clear.
	mu         sync.RWMutex
	namespaces map[string]*namespace
}

// namespace is a cache's state for one namespace.
type namespace struct {
	name  string
	epoch atomic.Uint64 // advanced by every Clear through this cache
	mem   *memstore.Namespace
	local *memstore.Namespace // in the local tier, if the cache has one
	// breakers has one circuit breaker, or one per part of the namespace
	// when the backend is a Sharder (see breakerFor).
	breakers []breaker
	sharder  Sharder
	stats    counters
}

// New returns a cache on backend. A nil backend means a new memory backend
// with default options; cfg may be nil. It returns an error if an option is
// out of range, or if cfg.Local is set and backend cannot have a local tier
// (see Config.Local); with a local tier, New calls the backend's Track.
func New(backend Backend, cfg *Config) (*Cache, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if backend == nil {
		if c.Local != nil {
			return nil, errNearOnMemory
		}
		m, err := memory.New(nil)
		if err != nil {
			return nil, err
		}
		backend = m
	}
	cache := &Cache{
		backend:    backend,
		mem:        memstore.FromBackend(backend),
		cfg:        c,
		breakers:   breakerConfig{threshold: int64(c.FailureThreshold), cooldown: c.Cooldown, now: time.Now},
		namespaces: map[string]*namespace{},
		userNow:    cfg != nil && cfg.Now != nil,
	}
	cache.joiner, _ = backend.(KeyJoiner)
	if c.Local != nil {
		if cache.near, err = newNear(cache, backend, c.Local); err != nil {
			return nil, err
		}
	}
	return cache, nil
}

// Must returns v, and panics if err is not nil. It suits package-level
// variables:
//
//	var getUser = cachetoolz.Must(cachetoolz.Wrap1(nil, db.GetUser, nil))
func Must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

var defaultCache = sync.OnceValue(func() *Cache {
	return Must(New(nil, nil))
})

// Default returns the process-wide cache on the in-memory backend with
// default options: the seed's ready-made cache. Wrappers given a nil *Cache
// use it.
func Default() *Cache { return defaultCache() }

// Backend returns the cache's backend.
func (c *Cache) Backend() Backend { return c.backend }

// Close closes the cache's backend, and empties its local tier. Wrapped
// functions keep working after it, calling their functions every time.
func (c *Cache) Close() error {
	if c.near != nil {
		_ = c.near.closer.Close() // it cannot fail
	}
	return c.backend.Close()
}

// namespace returns the state of the namespace called name ("" meaning
// DefaultNamespace), creating it on first use. Wrapping calls it.
func (c *Cache) namespace(name string) *namespace {
	if name == "" {
		name = DefaultNamespace
	}
	if n := c.lookupNamespace(name); n != nil {
		return n
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := c.namespaces[name]; n != nil {
		return n
	}
	n := &namespace{name: name}
	n.initBreakers(c)
	if c.mem != nil {
		n.mem = c.mem.Namespace(name)
	}
	if c.near != nil {
		n.local = c.near.store.Namespace(name)
	}
	c.namespaces[name] = n
	return n
}

// lookupNamespace returns the state of the namespace called name, or nil if
// no wrapped function uses it.
func (c *Cache) lookupNamespace(name string) *namespace {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.namespaces[name]
}

// Clear removes every cached result of the given namespaces; with none, of
// DefaultNamespace. Once it returns, no call sees a result cached before it,
// and no call that began loading before it stores its result. Other
// namespaces are not touched. Clearing a namespace leaves no state behind
// in the cache, so any number of names may be cleared.
func (c *Cache) Clear(ctx context.Context, namespaces ...string) error {
	if len(namespaces) == 0 {
		namespaces = []string{DefaultNamespace}
	}
	names := make([]string, len(namespaces))
	for i, name := range namespaces {
		if name == "" {
			name = DefaultNamespace
		}
		if n := c.lookupNamespace(name); n != nil {
			n.epoch.Add(1)
		}
		names[i] = name
	}
	if c.mem != nil {
		c.mem.Clear(names...)
		return nil
	}
	if c.cfg.Observer == nil {
		err := c.backend.Clear(ctx, names...)
		c.clearNear(names)
		return err
	}
	ends := make([]func(error), len(names))
	for i, name := range names {
		_, ends[i] = c.cfg.Observer.StartOp(ctx, Op{Kind: OpClear, Namespace: name})
	}
	err := c.backend.Clear(ctx, names...)
	for _, end := range ends {
		endOp(end, err)
	}
	c.clearNear(names)
	return err
}

// clearNear empties the local tier of the cleared namespaces, if the cache
// has one, once the backend's clear has returned (or failed): a read begun
// before that may have found an entry the clear removed, and its entry is
// killed; a read begun after finds none. The backend's report of the
// clear, which other processes get, is not waited for here.
func (c *Cache) clearNear(names []string) {
	if c.near != nil {
		c.near.clear(names...)
	}
}
