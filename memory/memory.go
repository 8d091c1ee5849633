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
// # Bounds, eviction and expiry
//
// The backend holds at most [Options.MaxEntries] entries, or, with
// [Options.MaxBytes], entries whose sizes add up to at most that many bytes
// (as [EstimateSize] or [Options.Weigher] tells them). Past the bound it
// evicts by W-TinyLFU, the policy of the otter cache it is built on: a
// frequency sketch decides whether a new entry is worth more than the one it
// would replace. In a store bounded by entries (100 or more), a recency
// tier behind otter takes what otter drops, and drops by CLOCK in turn:
// when the hot set moves, recency matters more than frequency, and the tier
// keeps the entries a recency policy would. Its share
// of the bound adapts (from 1% to 99%) to the misses on entries it dropped
// lately: those that otter had held only briefly grow it, the others shrink
// it. A hit on an entry in otter takes no lock; a read otter misses looks in
// the tier under its lock. A store bounded by bytes is otter's alone, so
// that any entry that fits the bound is kept. [Backend.Evictions] counts the
// entries evicted to stay within the bound, once each, when they leave the
// store (an entry whose time to live has passed counts as expired instead).
//
// An entry past its time to live is never returned, and a background
// reclaimer drops expired entries every [Options.ReclaimInterval] whether or
// not they are read again: otter's at every interval, and the tier's a
// sixteenth at a time (at least 1,024 entries), so that an interval never
// holds the tier's lock for the walk of a large tier; [Backend.Reclaim]
// visits them all. Times to live longer than about 146 years are cut
// to that. The bound may be passed briefly by writes the store has not
// processed yet. Close stops the backend's goroutines, and returns once they
// have: the reclaimer, the one that feeds it its ticks, and the one that
// runs the store's maintenance.
//
// # Namespaces
//
// Clearing a namespace costs time in proportion to its own entries and never
// visits another namespace; its entries stop taking room from the others at
// once. Any string, the empty one included, is a valid namespace. A
// namespace that holds nothing keeps no state, so namespaces named by data
// (a tenant, a user) do not accumulate.
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
	// MaxEntries bounds the number of entries; past it the entries least
	// likely to be used again are evicted. Default: DefaultMaxEntries, unless
	// MaxBytes is set. It must not be set with MaxBytes.
	MaxEntries int

	// MaxBytes, if set, bounds the sum of the entries' sizes instead of
	// their number. A size is what Weigher returns, or EstimateSize's
	// estimate without one.
	MaxBytes int64

	// Weigher, with MaxBytes, returns the size in bytes an entry counts for
	// (at least 1). It is called once per stored entry, with the key and the
	// stored value (a Go value, or a []byte through the byte API). It
	// requires MaxBytes.
	Weigher func(key string, value any) int64

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
	case o.MaxBytes < 0:
		return nil, fmt.Errorf("cachetoolz: memory: MaxBytes is %d, must not be negative", o.MaxBytes)
	case o.MaxBytes > 0 && o.MaxEntries > 0:
		return nil, fmt.Errorf("cachetoolz: memory: MaxEntries and MaxBytes are both set; set one bound")
	case o.Weigher != nil && o.MaxBytes == 0:
		return nil, fmt.Errorf("cachetoolz: memory: Weigher is set without MaxBytes")
	case o.ReclaimInterval < 0:
		return nil, fmt.Errorf("cachetoolz: memory: ReclaimInterval is %v, must not be negative", o.ReclaimInterval)
	}
	if o.MaxEntries == 0 && o.MaxBytes == 0 {
		o.MaxEntries = DefaultMaxEntries
	}
	if o.ReclaimInterval == 0 {
		o.ReclaimInterval = DefaultReclaimInterval
	}
	cfg := memstore.Config{
		MaxEntries:      o.MaxEntries,
		MaxBytes:        o.MaxBytes,
		Weigher:         o.Weigher,
		ReclaimInterval: o.ReclaimInterval,
	}
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
	n := b.store.Lookup(namespace)
	if n == nil {
		return nil, b.store.Epoch(), sentinel.ErrNotFound
	}
	v, gen, ok := n.GetString(key)
	if !ok {
		return nil, gen, sentinel.ErrNotFound
	}
	data, isBytes := v.([]byte)
	if !isBytes {
		// A Go value stored by a cache: not visible through the byte API.
		return nil, n.Generation(), sentinel.ErrNotFound
	}
	return data, n.Generation(), nil
}

// Set stores a copy of value under key in namespace; see cachetoolz.Backend.
func (b *Backend) Set(ctx context.Context, namespace, key string, value []byte, ttl time.Duration, gen uint64) error {
	if err := b.check(ctx); err != nil {
		return err
	}
	b.store.SetByName(namespace, key, append([]byte{}, value...), ttl, gen)
	return nil
}

// Delete removes the entry under key in namespace, if there is one; see
// cachetoolz.Deleter.
func (b *Backend) Delete(ctx context.Context, namespace, key string) error {
	if err := b.check(ctx); err != nil {
		return err
	}
	b.store.DeleteByName(namespace, key)
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

// Evictions returns how many entries have been evicted to keep the backend
// within its bound since it was created. Expired and cleared entries are not
// counted.
func (b *Backend) Evictions() uint64 { return b.store.Evictions() }

// EstimateSize is the size an entry counts for under Options.MaxBytes when
// no Weigher is set: a fixed overhead of 208 bytes for the store's own
// bookkeeping, plus the key's length, plus the value's size. A value's size
// is the length of a []byte or a string, and otherwise reflect's Type.Size
// of its dynamic type: a struct's own fields and a slice's or map's header,
// not what they point to. Give a Weigher when values hold much behind
// pointers.
func EstimateSize(key string, value any) int64 { return memstore.EstimateSize(key, value) }

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
