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
	storing   atomic.Int32 // stores between the start and the end of their calls to otter (see hold)
	evictions atomic.Uint64
	expired   atomic.Uint64

	resizing sync.Mutex // held while the cache's bound follows the tier's share
	bound    uint64     // the cache's bound; guarded by resizing

	closed atomic.Bool
	tasks  chan func() // otter's maintenance, run by maintain
	stop   chan struct{}
	done   chan struct{}

	// The tasks held for a store to run (see hold).
	heldMu  sync.Mutex
	held    [heldKinds]func() // by kind; guarded by heldMu
	holds   uint64            // holds so far; guarded by heldMu
	heldSeq atomic.Uint64     // the number of the hold while a task is held, 0 while none is; written under heldMu
	armed   atomic.Bool       // maintain watches the held tasks (see watchHeld)
	heldCh  chan struct{}     // tells maintain to watch them
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
		heldCh:  make(chan struct{}, 1),
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
// periodic clean-up, at the clock's ticks, submits its work here too. It
// also runs the tasks held for a store that no store ran in time (see
// hold), by one timer of its own, which it sets and stops itself: it
// reads the time as the goroutine that made the store does, in a synctest
// bubble or out of one, whichever goroutine held the task.
func (s *Store) maintain() {
	defer close(s.done)
	timer := time.NewTimer(heldDelay)
	timer.Stop()
	defer timer.Stop()
	var watched uint64 // the hold the timer is set for; 0: the timer is stopped
	for {
		select {
		case fn := <-s.tasks:
			fn()
		case <-s.heldCh:
			watched = s.watchHeld(timer, 0)
		case <-timer.C:
			watched = s.watchHeld(timer, watched)
		case <-s.stop:
			for { // tasks submitted or held before the stop still run
				select {
				case fn := <-s.tasks:
					fn()
				default:
					// Read under heldMu: a hold that found the store
					// open may still be holding its task, and this
					// waits for it to finish (see hold).
					s.heldMu.Lock()
					held := s.heldSeq.Load() != 0
					s.heldMu.Unlock()
					if !held {
						return
					}
					s.runHeld() // its settle, if any, runs at once: the store is closed
				}
			}
		}
	}
}

// execute is otter's executor. It never blocks: a submitter may hold one
// of otter's locks that the running task needs. A task asked for while a
// store is in progress is held for a store to run (see hold); any other
// goes to the maintenance goroutine. When its queue is full, or the store
// is closed, the caller runs the task itself, as otter allows.
func (s *Store) execute(fn func()) { s.schedule(heldPass, fn) }

// schedule holds fn, a task of the given kind, for a store to run (see
// hold), or else hands it to the maintenance goroutine (see submit).
func (s *Store) schedule(kind int, fn func()) {
	if !s.hold(kind, fn) {
		s.submit(fn)
	}
}

// submit hands fn to the maintenance goroutine, or runs it if its queue
// is full or the store is closed.
func (s *Store) submit(fn func()) {
	if !s.closed.Load() {
		select {
		case s.tasks <- fn:
			return
		default:
		}
	}
	fn()
}

// heldMask selects the stores that run the held tasks: those whose digest
// has the bits of heldMask clear, one in heldMask+1.
const heldMask = 31

// heldDelay is how long a held task waits for such a store before the
// maintenance goroutine runs it.
const heldDelay = 500 * time.Microsecond

// The kinds of held tasks, in the order a store runs them: otter's
// maintenance pass, and the tier's settle, which the pass's evictions may
// ask for.
const (
	heldPass = iota
	heldSettle
	heldKinds
)

// hold holds fn, a task of the given kind, for a store to run, and
// reports whether it did: it does if one store, and only one, is in
// progress, the store is not closed and no task of that kind is held
// already; the caller hands on any other.
//
// A serial stream of misses, each a store into otter, asks otter for a
// pass at nearly every store. Handed to the maintenance goroutine, each
// wakes it on another processor, and the two processors then take turns
// at otter's buffers and policy; that traffic costs a miss more than the
// pass. So a pass asked for by a store waits, and one store in heldMask+1,
// picked by its digest, runs it on its own goroutine after its own call
// to otter returned (see runHeldAfterStore), with the tier's settle if the
// pass asked for one. Until then otter asks for no other pass: it marks
// its drain in progress from the request until the pass ends, and a read
// or a store meanwhile only marks a pass required, which the held pass
// does. So a pass asked for by a read, or by otter's clean-up, goes to the
// goroutine at once, and a hit in otter hands on a held pass (see
// releaseHeld): a read buffer otter does not drain loses the reads'
// recency, and the hit ratio of a loop with it. If no picked store comes
// within heldDelay, the goroutine runs the task (see watchHeld). Stores
// from several goroutines at once hold nothing: one pass on the goroutine
// then serves many stores, and a store that ran it would make the others
// wait for otter's eviction lock.
//
// A store in progress is told by storing, which counts the stores between
// the start and the end of their calls to otter: Go has no goroutine-local
// state, and otter calls the executor on the goroutine of the operation
// that asks for the pass. A read's request that comes while one other
// goroutine stores is held too. That only changes who runs the pass and
// when, never whether: every held task is taken out under heldMu by
// exactly one of a picked store, the goroutine's timer and the goroutine's
// stop, and otter's drain protocol lets any goroutine run a pass it asked
// for.
func (s *Store) hold(kind int, fn func()) bool {
	if s.storing.Load() != 1 {
		return false
	}
	s.heldMu.Lock()
	// Close marks the store closed before it stops the goroutine, which
	// then takes what is held under heldMu: a task held after that would
	// be held for ever. It is not held, and its caller runs it.
	if s.closed.Load() || s.held[kind] != nil {
		s.heldMu.Unlock()
		return false
	}
	s.held[kind] = fn
	first := s.heldSeq.Load() == 0
	if first {
		s.holds++
		s.heldSeq.Store(s.holds)
	}
	s.heldMu.Unlock()
	if first && !s.armed.Swap(true) {
		select {
		case s.heldCh <- struct{}{}:
		default:
		}
	}
	return true
}

// take takes out the task of the given kind held, if any.
func (s *Store) take(kind int) func() {
	s.heldMu.Lock()
	fn := s.held[kind]
	s.held[kind] = nil
	if s.held[heldPass] == nil && s.held[heldSettle] == nil {
		s.heldSeq.Store(0)
	}
	s.heldMu.Unlock()
	return fn
}

// runHeld runs the held pass, then the held settle: that one may have
// been asked for by the pass.
func (s *Store) runHeld() {
	if fn := s.take(heldPass); fn != nil {
		fn()
	}
	if fn := s.take(heldSettle); fn != nil {
		fn()
	}
}

// releaseHeld hands the held tasks to the maintenance goroutine. A hit in
// otter calls it: each hit is recorded in otter's read buffer, which no
// pass drains while one is held, and a read buffer left full drops the
// reads' recency (the hit ratio of a loop falls with it). So a pass is
// held only through a stream of misses, where it saves most, and a hit
// ends the hold. A hit that finds another releasing leaves it to that
// one.
func (s *Store) releaseHeld() {
	if !s.heldMu.TryLock() {
		return
	}
	var fns [heldKinds]func()
	fns, s.held = s.held, [heldKinds]func(){}
	s.heldSeq.Store(0)
	s.heldMu.Unlock()
	for _, fn := range fns {
		if fn != nil {
			s.submit(fn)
		}
	}
}

// runHeldAfterStore runs the held tasks if the store of digest d is one
// of those picked to (see hold). Its caller has returned from otter and
// holds no lock. It counts as a store while it runs them, so that the
// settle the pass asks for is held for it, not handed to the goroutine.
func (s *Store) runHeldAfterStore(d key) {
	if d&heldMask != 0 || s.heldSeq.Load() == 0 {
		return
	}
	s.storing.Add(1)
	s.runHeld()
	s.storing.Add(-1)
}

// watchHeld is the maintenance goroutine's watch over the held tasks, at
// a hold that found it not watching (watched is 0) or at its timer, set
// for the hold watched. It returns the hold the timer is set for next, or
// 0 if it stopped watching. A task held at two readings heldDelay apart,
// under the same hold, has waited heldDelay: it runs it. A task is then
// run heldDelay after it was held if it was held while the goroutine was
// not watching (the stream of stores had stopped), and within twice that
// otherwise: while stores go on, the goroutine wakes once in heldDelay,
// not once per hold.
func (s *Store) watchHeld(timer *time.Timer, watched uint64) uint64 {
	for {
		seq := s.heldSeq.Load()
		if seq != 0 && seq == watched {
			s.runHeld()
			seq = s.heldSeq.Load() // a settle the pass asked for while a store was in progress
		}
		if seq != 0 {
			timer.Reset(heldDelay)
			return seq
		}
		// Nothing held: stop watching. A hold that finds armed still set
		// sends nothing; one that comes after the Store finds it clear.
		s.armed.Store(false)
		if s.heldSeq.Load() == 0 || s.armed.Swap(true) {
			return 0
		}
		watched = 0
	}
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
