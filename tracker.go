package cachetoolz

import (
	"context"
	"time"
)

// Tracker is an optional interface of a [Backend] that can tell a cache's
// local tier (see Config.Local) when entries change in other processes, so
// that the local tier never keeps serving what another process has cleared
// or replaced. The Redis backend implements it with the server's client
// tracking; the MongoDB backend by polling.
//
// A backend that implements Tracker must also implement [TTLGetter], so that
// local entries never outlive their remote ones.
//
// The local tier keeps what a load stored only if nothing was reported
// between the remote read that began the load and the moment it keeps it.
// So that a load begun before a Clear in another process never becomes
// visible after it, here either, a Tracker promises this too: when its
// Set drops a value, or stores it where no reader looks, because the
// generation it was given is no longer the namespace's (the namespace was
// cleared since the Get that reported it), the sink has heard Cleared for
// that namespace before Set returns, whether or not the clear's own report
// has arrived yet. Reporting Cleared, or Lost, when unsure is allowed: it
// only costs this process some remote reads.
type Tracker interface {
	// Track starts reporting changes to s and returns. From the moment it
	// returns, every entry that a Get or GetTTL of this backend reads is
	// watched: a change to it made afterwards, by any process, reaches s
	// (Changed or Cleared), or s hears Lost. Stores made through this
	// backend itself need not be reported (the cache applies its own), but
	// may be: a report of one costs a remote read. Clears and deletions
	// made through it must be, at the latest once they return: another
	// cache, or a caller of the backend, may share it with the cache that
	// tracks. Track is called at most once, before any Get; reports stop
	// when the backend is closed.
	Track(s TrackSink) error
}

// TrackSink receives what a [Tracker] reports. Its methods are called from
// the backend's own goroutines, must return quickly, and must not call the
// backend.
type TrackSink interface {
	// Changed reports that the entry under key in namespace was stored,
	// deleted or expired since it was read.
	Changed(namespace, key string)
	// Cleared reports that namespace was cleared.
	Cleared(namespace string)
	// Lost reports that changes may have gone unreported (the connection
	// that carries reports was lost or replaced, the server restarted or
	// was flushed): nothing read before the call may be trusted.
	Lost()
}

// TTLGetter is an optional interface of a [Backend] whose reads can also
// tell how long the entry has left to live.
type TTLGetter interface {
	// GetTTL is Get, and also returns the entry's remaining time to live
	// as the backend knew it when it answered; zero means the entry never
	// expires, so an entry about to expire reports a positive duration,
	// however short (a server that counts in milliseconds and answers
	// zero left reports one). A miss returns ErrNotFound, as Get does.
	GetTTL(ctx context.Context, namespace, key string) (value []byte, gen uint64, ttl time.Duration, err error)
}
