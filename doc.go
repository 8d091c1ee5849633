// Package cachetoolz caches the results of function calls. Wrap a function
// once, and repeated calls with the same arguments are answered from a cache
// held in memory, in Redis or in MongoDB, grouped in namespaces that can be
// cleared together when the data behind them changes.
//
// # Wrapping
//
// A wrapper takes a function and returns one of the very same type:
//
//	getUser, err := cachetoolz.Wrap1(nil, db.GetUser, &cachetoolz.Options{
//		TTL:       10 * time.Minute,
//		Namespace: "users",
//	})
//	...
//	u, err := getUser(ctx, 42) // runs db.GetUser once, then answers from the cache
//
// There is a wrapper for each usual shape: WrapN for
// func(context.Context, A1, ..., AN) (R, error), WrapNNoCtx without the
// context, WrapNNoErr without the error, WrapNPlain without either, for N from
// zero to three. More arguments go in a struct. A nil *Cache means Default,
// the process-wide cache on the in-memory backend; nil *Options means the
// defaults: no expiry, the namespace DefaultNamespace, untyped keys, the
// default key derivation, and the function's own name as its identity.
//
// # Keys
//
// A call's key is derived from the function's identity and a canonical
// encoding of its arguments: pointers are followed, map entries sorted,
// numbers encoded by value, nil kept apart from empty, and a type's own
// MarshalBinary or MarshalText (never one promoted from an embedded field)
// stands for its values, so equal arguments give equal keys in every process
// and unequal ones never share a key (DefaultKey states the rule). On the
// in-memory backend the encoding itself is the key; for other backends it is
// hashed to 128 bits with SHA-256. Functions, channels, unsafe pointers and
// contexts have no stable identity and are rejected, at wrap time where the
// static type shows them; so are cyclic values. Options.Keys replaces the
// derivation; Options.Name sets the identity, which closures and method
// values need (see Options.Name). Every instance of a generic function has
// the same runtime name, pkg.F[...], so wrapping one without a name fails.
//
// # Loads
//
// Concurrent calls that miss on the same key share one run of the function.
// A caller whose context is done returns its error at once, and the run goes
// on for the callers still waiting; once none is left, the run's context is
// cancelled, and the next call starts afresh. Every run is also bounded by
// Options.LoadTimeout, so a function that waits on its context always ends
// and no key is ever stuck. A panic reaches every waiting caller as a
// *PanicError, with the original value and stack, and nothing is cached; nor
// is a result that comes with an error, or one that a function taking a
// context returned after that context ended. The result is stored before any caller returns, so the next
// call is a hit.
//
// With Options.Lock, processes that share a backend which implements Locker
// (the Redis backend does) load each key once between them rather than once
// each: one takes the key's load lock and runs the function, the others
// wait for its result. The lock saves loads; it is not a mutual exclusion,
// and it never fails a call. See Locker for what it guarantees.
//
// # Freshness
//
// Options off by default make hot keys and failing functions cheaper:
// Options.EarlyRefresh refreshes an entry in the background before its TTL
// ends, with a probability that grows as expiry nears and with the entry's
// measured load time (XFetch); Options.MaxStale keeps entries past their
// TTL so that a load that fails (error, panic, timeout) gives way to the
// stale value, with retries Options.StaleRetry apart; Options.SoftTimeout
// and Options.HardTimeout bound how long callers wait for a load.
// WithCallInfo tells a caller it got a stale value; Stats counts them.
// WithControl makes one call bypass the cache, refresh its entry, or remove
// it (Forget, through Deleter). Config.Now is the clock of these decisions.
// A clear removes stale values too, and a refresh begun before a clear
// stores nothing.
//
// # Clearing
//
// Cache.Clear removes every result of some namespaces, and ClearAfter wraps a
// function that changes data so that a successful call clears them. Any
// string is a namespace; the empty string means DefaultNamespace. A clear
// never touches another namespace, and a run that began before a clear never
// makes its result visible after it.
//
// # Backends
//
// The memory package is the default: bounded, no server, and it stores the Go
// values themselves, so a hit costs no decoding and no allocation (and cached
// values are shared: treat them as read-only, or set memory.Options.Isolate).
// The Redis and MongoDB backends live in modules of their own,
// github.com/cachetoolz/cachetoolz/redis and .../mongo, so that a program
// that caches in memory pulls in no database driver. Any type that implements
// Backend can serve; package cachetest checks one against the contract.
//
// # Local tier
//
// A cache on a remote backend can also keep, in each process, a bounded
// memory store of the decoded results its calls found or stored (see
// Config.Local): hot keys are then answered at the cost of a memory hit. The
// backend must tell the cache what other processes change (Tracker), and
// how long its entries have left (TTLGetter): a local entry is dropped when
// another process clears its namespace, stores or removes its key, or when
// those reports may have been lost, and it never outlives its remote entry.
// The rule of clearing holds with it: a run begun before a clear, in any
// process, never makes its result visible after it.
//
// # Failures
//
// The cache is an optimisation, so its trouble never fails a call. A backend
// operation that errs or takes longer than Config.Timeout makes the call run
// its function instead; the failure is counted in Stats and logged through
// log/slog once per burst of each kind. After Config.FailureThreshold
// failures in a row within a namespace, that namespace's circuit breaker
// skips the backend for Config.Cooldown, so that an outage does not add a
// timeout to every call; then one call probes it again. Breakers are per
// namespace, so that one namespace's bad data, or the Cluster master it
// lives on being down, never costs the other namespaces their hits.
// Arguments that cannot be made into a key at call time (a channel behind an
// interface, say) run the function uncached, counted and logged the same way.
//
// An entry in a byte-storing backend carries a fingerprint of its result
// type's shape and of Options.Version. An entry stored for another type (by
// another deploy sharing the backend, say), or one that does not decode
// exactly, is never served: it is counted in Stats.Mismatches, logged, and
// overwritten by the run that follows.
//
// # Encoding
//
// Backends other than memory store bytes made by Config.Codec, by default
// codec.JSON, which round-trips Go values exactly (binary []byte, maps with
// non-string keys, time zones, big numbers, IP addresses, URLs and more) and
// takes custom encoders through a registry.
package cachetoolz
