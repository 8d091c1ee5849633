package cachetoolz

import (
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/cachetoolz/cachetoolz/codec"
	"github.com/cachetoolz/cachetoolz/memory"
)

// DefaultNamespace is the namespace of wraps and clears that name none. The
// empty string stands for it wherever a namespace is taken.
const DefaultNamespace = "default"

// Defaults of Config.
const (
	DefaultTimeout          = 250 * time.Millisecond
	DefaultFailureThreshold = 5
	DefaultCooldown         = time.Second
)

// DefaultLoadTimeout is Options.LoadTimeout when it is zero.
const DefaultLoadTimeout = time.Minute

// DefaultStaleRetry is Options.StaleRetry when it is zero and
// Options.MaxStale is set.
const DefaultStaleRetry = time.Second

// DefaultLockTTL is Options.LockTTL when it is zero.
const DefaultLockTTL = 5 * time.Second

// MaxTTL is the longest time to live an entry gets: a longer Options.TTL is
// taken as MaxTTL, which every backend can represent. It is about a
// century.
const MaxTTL = 100 * 365 * 24 * time.Hour

// Config configures a Cache. A nil *Config, and every zero field, takes the
// documented default.
type Config struct {
	// Codec encodes values for backends that store bytes. It is not used
	// with a memory backend, which keeps Go values, unless that backend
	// isolates callers. Default: codec.JSON.
	Codec codec.Codec

	// Logger receives backend trouble, at most once per second for each
	// kind of operation (get, set, encode, mismatch, key, clear, lock), with a
	// count of what was not logged. Default: slog.Default().
	Logger *slog.Logger

	// Timeout bounds every backend operation a call waits for, so that a
	// slow backend never delays a call by more than this before the
	// function runs. A context that ends sooner bounds it instead. The
	// operations of calls whose context can never end (Background, or
	// made by context.WithoutCancel) share one deadline among those that
	// start within Timeout/16 of each other, and so are bounded by
	// between 15/16 of Timeout and Timeout: a context and a timer per
	// operation cost a Redis hit about a tenth of its throughput from
	// many goroutines. Default: DefaultTimeout.
	Timeout time.Duration

	// FailureThreshold is how many backend failures in a row, within one
	// namespace, open that namespace's circuit breaker: while it is open,
	// calls in the namespace skip the backend and run their functions
	// straight away. Other namespaces keep using the backend, so that one
	// namespace's bad data, or the one Cluster master it lives on being
	// down, never switches the cache off for the rest. Default:
	// DefaultFailureThreshold.
	FailureThreshold int

	// Cooldown is how long a breaker stays open before one call probes
	// the backend again. Default: DefaultCooldown.
	Cooldown time.Duration

	// Observer is told about runs of wrapped functions and backend
	// operations, for metrics and traces. Default: nil, none.
	Observer Observer

	// Local, if set, gives a cache on a remote backend a local tier: a
	// bounded memory store, configured by these options, of the decoded
	// results that calls found or stored remotely (a Weigher is given
	// those results, as on the memory backend). A call whose result is
	// there returns it as from the memory backend: no round trip, no
	// decoding, no allocation. The backend tells the tier when entries
	// change in other processes (see Tracker): a Clear anywhere, a store
	// or removal of a key the tier holds, or the loss of the connection
	// that carries these reports, drops what it concerns before the
	// tier serves it again; an entry never outlives its remote one (see
	// TTLGetter), and with Options.EarlyRefresh or Options.MaxStale, it
	// lives until its result stops being fresh, not past: decisions about
	// refreshes and stale values are taken on the reads that reach the
	// backend.
	//
	// The trade-offs: results are shared by the calls of this process, as
	// with the memory backend (treat them as read-only); memory is spent in
	// every process, within the bound the options set (MaxEntries or
	// MaxBytes); a change made in another process is seen here only once
	// its report has arrived (on loopback, within milliseconds; a call in
	// between gets the former result, as it would have had it come a
	// moment earlier); and every remote read also asks for the entry's
	// time to live. Options.Lock, Options.Version and the rest work as
	// without it.
	//
	// New fails if Local is set and the backend is the memory backend, or
	// does not implement both Tracker and TTLGetter; Local.Isolate and
	// Local.Clock cannot be set (the tier reads Now). Default: nil, no
	// local tier.
	Local *memory.Options

	// Now tells the time for the freshness of entries (Options.EarlyRefresh,
	// Options.MaxStale, Options.StaleRetry): when an entry stops being fresh,
	// how long its load took. Backends keep their own clocks for the time
	// to live of what they store, which Options.MaxStale lengthens. The
	// local tier (Local) measures its entries' lives with it. Tests give a
	// fake clock here instead of sleeping. Default: time.Now.
	Now func() time.Time
}

func (c *Config) withDefaults() (Config, error) {
	var o Config
	if c != nil {
		o = *c
	}
	if err := notNegative(duration{"Timeout", o.Timeout}, duration{"Cooldown", o.Cooldown}); err != nil {
		return o, err
	}
	if o.FailureThreshold < 0 {
		return o, fmt.Errorf("cachetoolz: FailureThreshold is %d, must not be negative", o.FailureThreshold)
	}
	if o.Codec == nil {
		o.Codec = codec.JSON
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.FailureThreshold == 0 {
		o.FailureThreshold = DefaultFailureThreshold
	}
	if o.Cooldown == 0 {
		o.Cooldown = DefaultCooldown
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o, nil
}

// Options configures one wrapped function: the Go form of the arguments of
// the seed's @cache decorator. A nil *Options, and every zero field, takes
// the documented default.
type Options struct {
	// TTL is how long a result stays cached; a TTL longer than MaxTTL is
	// taken as MaxTTL. Default: zero, which means the result never expires
	// (it may still be evicted, or cleared).
	TTL time.Duration

	// Namespace groups cached results so that they can be cleared together.
	// Any string is valid. Default: DefaultNamespace.
	Namespace string

	// Typed caches arguments of different dynamic types separately: with
	// Typed, an argument of interface type holding int(1) and one holding
	// float64(1) are different keys. Arguments whose static types differ
	// are always different keys. Default: false.
	Typed bool

	// Keys derives the key of a call from its arguments. Default: the
	// canonical key described at DefaultKey, computed without allocating.
	Keys KeyGenerator

	// Name identifies the function in its keys, so that different functions
	// given the same arguments never share results. Default: the function's
	// qualified name as the runtime reports it, such as
	// "example.com/app/users.Get". Set it for closures and method values:
	// every closure made by one function literal shares one name, and so
	// does a method bound to different receivers. An instance of a generic
	// function must be named: every instance has the same runtime name, so
	// wrapping one without a Name fails.
	Name string

	// LoadTimeout bounds a run of the function: its context is cancelled
	// once it has run this long, so that a function that waits on its
	// context always ends, and a key is never stuck behind a run that
	// hangs. The run's context is also cancelled when every caller waiting
	// for it has gone (callers of wrappers that report errors leave when
	// their own context is done). A run of a function that takes a context
	// stores nothing if that context ended before it returned; a function
	// without one cannot see it end, so its result is stored whenever it
	// comes. A caller that arrives after a run's deadline starts a new run
	// instead of joining it. Default: DefaultLoadTimeout.
	LoadTimeout time.Duration

	// Version is mixed into the fingerprint that every entry in a
	// byte-storing backend carries, beside the shape of the result type.
	// An entry stored under another fingerprint is never served: it is
	// counted in Stats.Mismatches, and overwritten. The shape changes by
	// itself when the result type's fields do; bump Version by hand when
	// the meaning of a result changes while its type does not. Default:
	// "".
	Version string

	// Lock makes processes that share a backend which implements Locker
	// (the Redis backend does) load each key once between them: on a miss,
	// one process takes the key's load lock and runs the function, and the
	// others wait for it and read the result it stored. Within a process,
	// concurrent calls share one load whether or not Lock is set. See
	// Locker for what the lock guarantees; with a backend that is not a
	// Locker, Lock changes nothing. Default: false.
	Lock bool

	// LockTTL is how long a load lock lasts unless its holder renews it;
	// the holder renews it every third of LockTTL while its function runs.
	// It bounds how long the other processes wait when the holder dies:
	// they take the lock over at most LockTTL after its last renewal.
	// Default: DefaultLockTTL.
	LockTTL time.Duration

	// LockWait bounds how long a call waits for another process's load:
	// once it has waited this long, it runs the function itself. Default:
	// zero, which waits while the holder is alive and renews its lock, and
	// the load's own LoadTimeout has not passed.
	LockWait time.Duration

	// EarlyRefresh reloads hot entries before they expire, so that callers
	// do not all wait for a reload when an entry's TTL ends: each hit on an
	// entry with a TTL starts a refresh in the background with a
	// probability that grows as the expiry nears, and with the entry's
	// measured load time, scaled by EarlyRefresh (probabilistic early
	// expiration, "XFetch"). A hit at time now refreshes when
	//
	//	now - delta*EarlyRefresh*ln(rand) >= expiry
	//
	// where delta is how long the entry's load took and rand is uniform in
	// (0, 1]. Callers keep getting the cached value while the refresh runs;
	// a process runs at most one load per key at a time, refreshes and
	// misses alike. The refreshed value is stored under the generation rule:
	// a refresh begun before a Clear stores nothing. The typical value is 1;
	// larger values refresh earlier. Entries then carry their load time and
	// expiry, in a header format of their own (see Stats.Mismatches). A
	// refresh takes no load lock (Options.Lock): each process refreshes on
	// its own. Default: zero, off.
	EarlyRefresh float64

	// MaxStale keeps entries for MaxStale past their TTL, as a fallback
	// (stale while revalidate, fail-safe): a call that finds an entry past
	// its TTL does not take it as a hit but loads, and if that load fails
	// (the function returns an error, panics, or passes HardTimeout, or
	// SoftTimeout passes first) the caller gets the stale value instead of
	// the failure. CallInfo and Stats.Stale tell when that happened. After
	// a failed load, callers get the stale value without running the
	// function for StaleRetry. A Clear removes stale values too: a stale
	// value is never served after a clear. It applies to entries with a TTL
	// only. With Lock, the reload of an entry past its TTL takes no lock
	// (the lock would find the entry, which tells nothing of its
	// freshness): each process reloads on its own. Default: zero, off.
	MaxStale time.Duration

	// StaleRetry is how long, after a load of a key failed and its stale
	// value was served, callers of that key get the stale value without
	// running the function. Default: DefaultStaleRetry (when MaxStale is
	// set).
	StaleRetry time.Duration

	// SoftTimeout bounds how long a caller that has a stale value (see
	// MaxStale) waits for a load: once it passes, the caller gets the stale
	// value, and the load goes on in the background and stores its result
	// when it ends. Callers without a stale value are not affected. A
	// SoftTimeout at or past HardTimeout changes nothing. Default: zero,
	// none.
	SoftTimeout time.Duration

	// HardTimeout bounds how long a caller waits for a load, stale value or
	// not: once it passes, the load's context is cancelled (HardTimeout
	// takes the place of a longer LoadTimeout) and the caller gets the
	// stale value if there is one, else an error that wraps ErrTimeout. A
	// function that takes no context cannot be stopped: its result is
	// stored when it comes, as with LoadTimeout. Callers of wrappers
	// without an error result get the zero value. Default: zero, none.
	HardTimeout time.Duration
}

func (o *Options) withDefaults() (Options, error) {
	var w Options
	if o != nil {
		w = *o
	}
	err := notNegative(
		duration{"TTL", w.TTL}, duration{"LoadTimeout", w.LoadTimeout},
		duration{"LockTTL", w.LockTTL}, duration{"LockWait", w.LockWait},
		duration{"MaxStale", w.MaxStale}, duration{"StaleRetry", w.StaleRetry},
		duration{"SoftTimeout", w.SoftTimeout}, duration{"HardTimeout", w.HardTimeout},
	)
	if err != nil {
		return w, err
	}
	if !(w.EarlyRefresh >= 0) || math.IsInf(w.EarlyRefresh, 0) {
		return w, fmt.Errorf("cachetoolz: EarlyRefresh is %v, must be a finite number, not negative", w.EarlyRefresh)
	}
	w.TTL = min(w.TTL, MaxTTL)
	if w.LoadTimeout == 0 {
		w.LoadTimeout = DefaultLoadTimeout
	}
	if w.Namespace == "" {
		w.Namespace = DefaultNamespace
	}
	if w.LockTTL == 0 {
		w.LockTTL = DefaultLockTTL
	}
	if w.HardTimeout > 0 {
		w.LoadTimeout = min(w.LoadTimeout, w.HardTimeout)
	}
	if w.MaxStale > 0 && w.StaleRetry == 0 {
		w.StaleRetry = DefaultStaleRetry
	}
	return w, nil
}

// duration is an option of type time.Duration and its field's name.
type duration struct {
	name string
	d    time.Duration
}

// notNegative returns an error naming the first of ds that is negative.
func notNegative(ds ...duration) error {
	for _, d := range ds {
		if d.d < 0 {
			return fmt.Errorf("cachetoolz: %s is %v, must not be negative", d.name, d.d)
		}
	}
	return nil
}
