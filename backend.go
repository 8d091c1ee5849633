package cachetoolz

import (
	"context"
	"time"

	"github.com/cachetoolz/cachetoolz/internal/sentinel"
)

// Sentinel errors returned by backends. Check them with [errors.Is]; backends
// wrap them with context.
var (
	// ErrNotFound is returned by [Backend.Get] on a miss.
	ErrNotFound = sentinel.ErrNotFound
	// ErrClosed is returned by every method of a [Backend] after Close.
	ErrClosed = sentinel.ErrClosed
)

// Backend stores encoded values by namespace and key. Remote backends (Redis,
// MongoDB) implement it; the in-memory backend implements it too, and the
// cache uses a faster path that stores Go values when it meets one.
//
// Namespaces and keys are arbitrary strings: a backend must accept every
// string, including ones that contain separators or glob characters, and
// must never let an operation on one namespace touch another.
//
// Every namespace has a generation, an opaque number that changes whenever the
// namespace is cleared (or one per part of the namespace, in a backend that
// splits it; see Sharder). Get reports it, and Set of the same key takes it
// back, so that a value loaded before a clear never becomes visible after it.
//
// Implementations must be safe for concurrent use. The conformance suite in
// package cachetest checks these rules against a real instance.
type Backend interface {
	// Get returns the value stored under key in namespace, and the
	// namespace's current generation. On a miss it returns ErrNotFound, and
	// still reports the generation, which the caller passes to Set once it
	// has loaded the value. Any other error means the backend could not
	// answer.
	Get(ctx context.Context, namespace, key string) (value []byte, gen uint64, err error)

	// Set stores value under key in namespace for ttl; a ttl of zero or less
	// means the entry never expires. gen is the generation a previous Get of
	// the same key in namespace reported: if the namespace has been cleared
	// since, the value must never become visible to Get (it may be dropped,
	// or stored where no reader looks). Values are arbitrary bytes and must
	// round-trip exactly; a nil value reads back as an empty one.
	Set(ctx context.Context, namespace, key string, value []byte, ttl time.Duration, gen uint64) error

	// Clear removes every entry of the given namespaces. Once it returns, no
	// Get sees an entry stored before the call, and no other namespace has
	// been touched. Clearing a namespace that holds nothing is not an error.
	Clear(ctx context.Context, namespaces ...string) error

	// Close releases the backend's resources and stops every goroutine it
	// started. Later calls of any method return ErrClosed; Close itself may
	// be called more than once.
	Close() error
}

// PlainBackend is an optional interface of a [Backend] whose entries other
// programs read and write too, such as the Redis backend's seed layout,
// shared with the Python library. When PlainValues reports true, the
// wrappers store the codec's output as it is, without the header that
// otherwise starts every entry (a fingerprint of the result type and of
// Options.Version), and decode whatever they find under a key with the
// codec alone. The cache asks once, when a function is wrapped.
//
// What the header gave is then up to the codec: an entry written for
// another result type is served if it decodes into the wrapper's, so use a
// strict codec (codec.Python and the default JSON codec refuse unknown
// fields and mistyped values), and Options.Version cannot tell deploys
// apart: wrapping with a Version on such a backend is an error.
type PlainBackend interface {
	PlainValues() bool
}

// KeyJoiner is an optional interface of a [Backend] that keeps the entry
// of a namespace and a key under one key of its own, joined from the two,
// such as the Redis backend's seed layout (namespace:key). A wrapper that
// remembers the keys of its calls (see [PureKeyGenerator]) remembers the
// joined key beside each, and reads the entry of a remembered call with
// GetJoined, so that a hit spends nothing on joining them again. A cache
// with a local tier (Config.Local) does not use it.
//
// A type that embeds a KeyJoiner to change its Get (adding a prefix to
// namespaces, say) inherits JoinKey and GetJoined, which know nothing of
// the change; so JoinKey is given the cache's backend, and must report
// false unless that is the KeyJoiner itself.
type KeyJoiner interface {
	// JoinKey returns the key under which the entry of namespace and key
	// is kept, for a cache whose backend is be, or false if be is not the
	// receiver or there is no such single key (the Redis backend's
	// default layout, whose keys change with every clear).
	JoinKey(be Backend, namespace, key string) (joined string, ok bool)
	// GetJoined is Get of the entry of namespace and key, given joined,
	// what JoinKey returned for them.
	GetJoined(ctx context.Context, namespace, key, joined string) (value []byte, gen uint64, err error)
}
