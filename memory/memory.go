// Package memory is the in-memory cache backend, the default of package
// cachetoolz. It needs no server and no configuration:
//
//	c := cachetoolz.New(memory.New(nil), nil)
//
// # Values, not bytes
//
// A [cachetoolz.Cache] on a memory backend stores the Go values its wrapped
// functions return, and a hit hands back that same value without encoding or
// decoding anything. The price is aliasing: a cached slice, map or pointer is
// shared by every caller that gets it from the cache, so callers must treat
// cached results as read-only. Set [Options.Isolate] to have the cache copy
// values through its codec instead, at the cost of an encode per miss and a
// decode per hit.
//
// # Bounds and expiry
//
// The backend holds at most [Options.MaxEntries] entries; past that it evicts
// by CLOCK (an approximation of least-recently-used that costs a hit no lock).
// An entry past its time to live is never returned, and a background
// reclaimer drops expired entries every [Options.ReclaimInterval] whether or
// not they are read again. Close stops it.
//
// # Namespaces
//
// Every namespace has its own shards, so clearing one costs time in
// proportion to its own entries and never visits another namespace. Any
// string, the empty one included, is a valid namespace.
package memory

import (
	"context"

	"fmt"
	"time"

	"github.com/cachetoolz/cachetoolz/internal/memstore"
	"github.com/cachetoolz/cachetoolz/internal/sentinel"
)

// DefaultMaxEntries is the bound on entries when Options.MaxEntries is zero.
const DefaultMaxEntries = 100_000

// DefaultReclaimInterval is how often expired entries are dropped when
// Options.ReclaimInterval is zero.
const DefaultReclaimInterval = time.Second

// Options configures a Backend. A nil *Options, and every zero field, takes
// the documented default.
type Options struct {
	// MaxEntries bounds the number of entries; past it the least recently
	// used are evicted. Default: DefaultMaxEntries.
	MaxEntries int

	// ReclaimInterval is how often expired entries are dropped in the
	// background. Default: DefaultReclaimInterval.
	ReclaimInterval time.Duration

	// Isolate makes a cache on this backend copy values through its codec,
	// so that callers never share a cached value. Default: false (values are
	// shared, and hits cost no decoding).
	Isolate bool

	// Clock tells the time, for expiry. Default: the system clock.
	Clock Clock
}

// Clock tells the time. Tests pass a fake one to control expiry.
type Clock interface {
	Now() time.Time
}

// ClockFunc adapts a function to the Clock interface.
type ClockFunc func() time.Time

// Now returns f().
func (f ClockFunc) Now() time.Time { return f() }

// Backend is the in-memory backend. It implements cachetoolz.Backend and is
// safe for concurrent use. Create it with New.
type Backend struct {
	store   *memstore.Store
	isolate bool
}

func init() {
	memstore.FromBackend = func(b any) *memstore.Store {
		if m, ok := b.(*Backend); ok && m != nil && !m.isolate {
			return m.store
		}
		return nil
	}
}

// New returns a memory backend. opts may be nil. It returns an error if an
// option is out of range.
func New(opts *Options) (*Backend, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	switch {
	case o.MaxEntries < 0:
		return nil, fmt.Errorf("cachetoolz: memory: MaxEntries is %d, must not be negative", o.MaxEntries)
	case o.ReclaimInterval < 0:
		return nil, fmt.Errorf("cachetoolz: memory: ReclaimInterval is %v, must not be negative", o.ReclaimInterval)
	}
	if o.MaxEntries == 0 {
		o.MaxEntries = DefaultMaxEntries
	}
	if o.ReclaimInterval == 0 {
		o.ReclaimInterval = DefaultReclaimInterval
	}
	cfg := memstore.Config{MaxEntries: o.MaxEntries, ReclaimInterval: o.ReclaimInterval}
	if o.Clock != nil {
		cfg.Now = o.Clock.Now
	}
	return &Backend{store: memstore.New(cfg), isolate: o.Isolate}, nil
}

// Must returns b, and panics if err is not nil. It is meant for package-level
// variables: var backend = memory.Must(memory.New(nil)).
func Must(b *Backend, err error) *Backend {
	if err != nil {
		panic(err)
	}
	return b
}

// Get returns the value stored under key in namespace, or ErrNotFound and
// the namespace's generation. The returned slice must not be modified.
func (b *Backend) Get(ctx context.Context, namespace, key string) ([]byte, uint64, error) {
	if err := b.check(ctx); err != nil {
		return nil, 0, err
	}
	n := b.store.Namespace(namespace)
	v, gen, ok := n.GetString(key)
	if !ok {
		return nil, gen, sentinel.ErrNotFound
	}
	data, isBytes := v.([]byte)
	if !isBytes {
		// A Go value stored by a cache: not visible through the byte API.
		return nil, n.Generation(), sentinel.ErrNotFound
	}
	return data, 0, nil
}

// Set stores a copy of value under key in namespace; see cachetoolz.Backend.
func (b *Backend) Set(ctx context.Context, namespace, key string, value []byte, ttl time.Duration, gen uint64) error {
	if err := b.check(ctx); err != nil {
		return err
	}
	b.store.SetString(b.store.Namespace(namespace), key, append([]byte{}, value...), ttl, gen)
	return nil
}

// Clear removes every entry of the given namespaces.
func (b *Backend) Clear(ctx context.Context, namespaces ...string) error {
	if err := b.check(ctx); err != nil {
		return err
	}
	b.store.Clear(namespaces...)
	return nil
}

// Close drops every entry and stops the reclaimer. Later calls of other
// methods return ErrClosed.
func (b *Backend) Close() error {
	b.store.Close()
	return nil
}

// Len returns the number of entries held, including expired ones the
// reclaimer has not dropped yet.
func (b *Backend) Len() int { return b.store.Len() }

// Reclaim drops every expired entry now, without waiting for the reclaimer,
// and returns how many it dropped.
func (b *Backend) Reclaim() int { return b.store.Reclaim() }

func (b *Backend) check(ctx context.Context) error {
	if b.store.Closed() {
		return sentinel.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("cachetoolz: memory: %w", err)
	}
	return nil
}
