// Package memstore is the engine behind the in-memory backend: a bounded map
// of Go values by namespace and key, with per-namespace generations, built
// on one otter cache (W-TinyLFU admission and eviction with an adaptive
// window, lock-free reads, timer-wheel expiry) shared by every namespace,
// and a recency tier behind it (see tier) that takes what otter drops for
// size and holds an adaptive share of the bound, so that a hot set that
// moves is kept as a recency policy would keep it.
//
// Package memory wraps it for users; package cachetoolz reaches it through
// [FromBackend] to store Go values without encoding them.
package memstore

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/maypok86/otter/v2"
)

// FromBackend returns the store behind a *memory.Backend, or nil for any
// other value. Package memory sets it when it is initialised.
var FromBackend = func(any) *Store { return nil }

// MaxTTL is the longest time to live an entry gets; longer ones, up to
// time.Duration(math.MaxInt64), are cut to it, so that adding one to the
// clock never overflows. It is about 146 years.
const MaxTTL = time.Duration(1 << 62)

// Config configures a Store. Exactly one of MaxEntries and MaxBytes bounds
// it; zero fields take the defaults of package memory.
type Config struct {
	// MaxEntries bounds the number of entries.
	MaxEntries int
	// MaxBytes bounds the sum of the entries' weights, as Weigher tells
	// them (EstimateSize if Weigher is nil). It takes precedence over
	// MaxEntries.
	MaxBytes int64
	// Weigher tells the weight of an entry, with MaxBytes.
	Weigher func(key string, value any) int64
	// ReclaimInterval is how often expired entries are dropped.
	ReclaimInterval time.Duration
	// Now tells the time; default: the system clock.
	Now func() time.Time

	noTier bool // otter alone holds the whole bound (for the package's tests)
}

// key is an entry's key in the otter cache: a digest of its namespace's
// identity and its key within the namespace (see Store.digest). otter
// hashes an integer key with two multiplications, where a key that holds
// a string would be hashed and compared byte by byte on every read.
type key uint64

// Store holds every namespace in one bounded otter cache.
type Store struct {
	_          [64]byte // see below
	cache      *otter.Cache[key, *entry]
	tier       *tier     // behind the cache: looked up when it misses
	seed       uint64    // of digest
	shortSeeds [9]uint64 // of digest, for keys of 8 to 16 bytes, by length
	clock      clock
	reads      *readClock // what otter reads
	weigher    func(key string, value any) int64

	// The fields above are set once and read by every hit; those below
	// change with stores, evictions and clears. The padding on both sides
	// keeps the former off every cache line that holds the latter or a
	// neighbouring object.
	_ [64]byte

	mu     sync.Mutex // guards names, and a namespace's pinned and dead flags
	names  map[string]*Namespace
	nextID atomic.Uint64
	// epoch is advanced by every Clear; a new namespace starts at it, and a
	// cleared one moves to its new value, so that generations handed out by
	// a namespace that no longer exists never match a later one.
	epoch atomic.Uint64

	count     atomic.Int64 // entries linked into a namespace: in the cache or the tier
	evictions atomic.Uint64
	expired   atomic.Uint64

	resizing sync.Mutex // held while the cache's bound follows the tier's share
	bound    uint64     // the cache's bound; guarded by resizing

	closed atomic.Bool
	tasks  chan func() // otter's maintenance, run by maintain
	stop   chan struct{}
	done   chan struct{}
}

// New returns a store. It runs three goroutines until Close: otter's
// periodic clean-up, every ReclaimInterval; the one that feeds it its
// ticks, each after a fresh reading of the clock and a reclaim of the
// tier's expired entries; and the one that runs otter's maintenance.
func New(cfg Config) *Store {
	interval := cfg.ReclaimInterval
	if interval <= 0 {
		interval = time.Second
	}
	s := &Store{
		clock:   newClock(cfg.Now, interval),
		seed:    rand.Uint64(),
		weigher: cfg.Weigher,
		names:   map[string]*Namespace{},
		tasks:   make(chan func(), 16),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	for i := range s.shortSeeds {
		s.shortSeeds[i] = rand.Uint64()
	}
	opts := &otter.Options[key, *entry]{
		ExpiryCalculator: otter.ExpiryWritingFunc(func(e otter.Entry[key, *entry]) time.Duration {
			return s.expiry(e.Value)
		}),
		OnAtomicDeletion: s.deleted,
		Executor:         s.execute,
	}
	s.reads = &readClock{c: s.clock, stop: s.stop, tick: func() { s.tier.reclaim(s.reads.NowNano(), false) }}
	s.reads.refresh()
	opts.Clock = s.reads
	switch {
	case cfg.MaxBytes > 0:
		s.tier, _ = newTier(s, 0, false) // off: see newTier
		opts.MaximumWeight = uint64(cfg.MaxBytes)
		s.bound = opts.MaximumWeight
		opts.Weigher = func(_ key, e *entry) uint32 { return e.weight }
		if s.weigher == nil {
			s.weigher = EstimateSize
		}
	default:
		var bound int
		s.tier, bound = newTier(s, max(cfg.MaxEntries, 1), !cfg.noTier)
		opts.MaximumSize = bound
		s.bound = uint64(bound)
	}
	s.cache = otter.Must(opts)
	go s.maintain()
	return s
}

// expiry is the time to live otter gives e, from the reading it computes
// the expiry from: the last one, which set took just before it computed
// e.expires from it (a later reading taken meanwhile only makes otter drop
// e that much sooner).
func (s *Store) expiry(e *entry) time.Duration {
	if e.expires == 0 {
		return MaxTTL
	}
	return time.Duration(max(e.expires-s.reads.NowNano(), 1))
}

// Closed reports whether Close has been called.
func (s *Store) Closed() bool { return s.closed.Load() }

// Close drops every entry and stops the store's goroutines. It reports whether this
// call closed the store.
func (s *Store) Close() bool {
	if !s.closed.CompareAndSwap(false, true) {
		return false
	}
	close(s.stop)
	<-s.done
	s.cache.StopAllGoroutines()
	s.reads.running.Wait() // the ticks' goroutine, which reads the clock and reclaims
	s.cache.InvalidateAll()
	s.tier.empty()
	return true
}

// Len returns the number of entries held, in the cache or the tier,
// expired ones not yet reclaimed included.
func (s *Store) Len() int { return int(s.count.Load()) }

// Evictions returns how many entries have been evicted to keep the store
// within its bound since it was created (expired and cleared entries are not
// counted). An entry counts once it leaves the store: dropped by the tier,
// or dropped by the cache when the tier does not take it.
func (s *Store) Evictions() uint64 { return s.evictions.Load() }

// Now returns the store's clock reading.
func (s *Store) Now() time.Time { return s.clock.now() }

// Reclaim removes every expired entry now and returns how many expired
// entries were removed while it ran.
func (s *Store) Reclaim() int {
	if s.closed.Load() {
		return 0
	}
	before := s.expired.Load()
	now := s.reads.refresh() // the timer wheel expires by otter's reading
	s.cache.CleanUp()
	s.tier.reclaim(now, true)
	return int(s.expired.Load() - before)
}

// maintain runs otter's maintenance tasks (draining its buffers, evicting,
// expiring) until Close. One long-lived goroutine does it, so that no
// caller pays for it and no goroutine is started per task. otter's own
// periodic clean-up, at the clock's ticks, submits its work here too.
func (s *Store) maintain() {
	defer close(s.done)
	for {
		select {
		case fn := <-s.tasks:
			fn()
		case <-s.stop:
			for { // tasks submitted before the stop still run
				select {
				case fn := <-s.tasks:
					fn()
				default:
					return
				}
			}
		}
	}
}

// execute is otter's executor. It never blocks: a submitter may hold one
// of otter's locks that the running task needs. When the queue is full, or
// the store is closed, the caller runs the task itself, as otter allows.
func (s *Store) execute(fn func()) {
	if !s.closed.Load() {
		select {
		case s.tasks <- fn:
			return
		default:
		}
	}
	fn()
}

// resize sets the cache's bound to what the tier's share leaves of the
// store's. A caller that finds another resizing leaves it to that one,
// which looks at the share again when done.
func (s *Store) resize() {
	t := s.tier
	for s.resizing.TryLock() {
		want := uint64(int64(t.entries) - t.share.Load())
		if s.closed.Load() || s.bound == want {
			s.resizing.Unlock()
			return
		}
		s.cache.SetMaximum(want)
		s.bound = want
		s.resizing.Unlock()
	}
}
