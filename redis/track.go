package rediscache

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/cachetoolz/cachetoolz"
	"github.com/redis/rueidis"
)

var _ cachetoolz.Tracker = (*Backend)(nil)

// Errors of Track.
var (
	errTrackSeed   = fmt.Errorf("cannot report changes in the seed layout, whose keys do not name their namespace unambiguously: %w", errors.ErrUnsupported)
	errTrackClient = fmt.Errorf("cannot report changes on a client made by the caller (NewFromClient); make the backend with New: %w", errors.ErrUnsupported)
	errTrackTwice  = errors.New("already reporting changes")
)

// tracking is the state of Track: the client options that New parsed, so
// that Track can make a client with tracking on, and the sink.
type tracking struct {
	mu   sync.Mutex              // guards co, and making a client from it
	co   *rueidis.ClientOption   // nil for NewFromClient
	sink atomic.Pointer[sinkRef] // nil until Track
	// plain is the client that Track replaced, kept for blocking reads
	// (WaitLock): the client closes a connection whose blocking read is
	// cut short by its context, and on a tracking client that would
	// report Lost, emptying the local tier.
	plain atomic.Pointer[clientRef]
}

// sinkRef holds the sink of Track.
type sinkRef struct{ s cachetoolz.TrackSink }

// Track implements [cachetoolz.Tracker] with the server's client tracking
// (RESP3 CLIENT TRACKING, default mode, NOLOOP): the server remembers the
// keys that each connection of the backend reads, and pushes the name of
// each one that is then written, deleted, expired or evicted by another
// connection, on that connection. A pushed entry key is reported as
// Changed, a generation key as Cleared (a Clear moves it); a connection that
// closes (a server restart or failover, a network failure that the client
// notices) or a FLUSHALL/FLUSHDB is reported as Lost. A Set refused because
// its generation is no longer current reports Cleared before it returns.
// The server reports no connection's own writes to it: a Clear or Delete
// made through this backend reports Cleared or Changed itself once made,
// so that a cache sharing the backend with the tracking one reaches its
// local tier too; a Set made through it is not reported (see
// [cachetoolz.Tracker]), so a value that another cache on this backend
// stores over one the local tier holds (a Refresh, say) is not seen there.
//
// Until Track, the backend's client has tracking off, and costs the server
// nothing. Track replaces it with a client made from the same options with
// tracking on (the former one stays, for the blocking reads of lock waits
// only); so only a backend made by [New] can track, in the default
// layout, with RESP3 (not protocol=2). A backend made by [NewFromClient], or
// in LayoutSeed, returns an error wrapping errors.ErrUnsupported.
//
// What it costs: the server keeps, per key read by a tracking connection,
// the IDs of the connections that read it, in a table bounded by its
// tracking-table-max-keys setting (1,000,000 by default; 0 means no
// bound). When the table is full, Redis drops keys from it and pushes them
// as changed, which costs this process local misses, never staleness. Each
// write of a key read by N connections sends N pushes. A tracking client
// reads each of its connections from a goroutine of its own, so a Get that
// misses the local tier costs a few microseconds more than without it.
//
// How stale a local entry can get: reports ride on the connection that
// read the entry, and reach the sink as soon as the client reads them
// (under a millisecond on loopback). When that connection closes, Lost is
// reported as soon as the client reads the close: a server that exits,
// restarts or is failed over closes it. A connection that fails silently
// (a network partition) is noticed by the client's background PING: an
// idle connection is pinged every Dialer.KeepAlive (1 s by default) and
// closed when no answer comes within ConnWriteTimeout (10 s by default;
// write_timeout= in the URL of New); a busy one is closed when a reply
// takes longer than ConnWriteTimeout. So a write that another process
// makes during a partition reaches this process, as Lost, at most
// Dialer.KeepAlive + ConnWriteTimeout after the partition began (11 s by
// default); lower write_timeout to tighten it.
func (b *Backend) Track(s cachetoolz.TrackSink) error {
	if b.closed.Load() {
		return b.closedErr("track", "")
	}
	if b.s.layout == LayoutSeed {
		return fmt.Errorf("cachetoolz: redis: track: %w", errTrackSeed)
	}
	b.track.mu.Lock()
	defer b.track.mu.Unlock()
	if b.track.co == nil {
		return fmt.Errorf("cachetoolz: redis: track: %w", errTrackClient)
	}
	if b.track.sink.Load() != nil {
		return fmt.Errorf("cachetoolz: redis: track: %w", errTrackTwice)
	}
	co := b.trackingOptions(*b.track.co)
	old := b.client.Load()
	if old == nil { // still connecting: connectLater makes the tracking client
		b.track.co = &co
		b.track.sink.Store(&sinkRef{s})
		return nil
	}
	c, err := rueidis.NewClient(co)
	if err != nil && !unreachable(err) {
		return fmt.Errorf("cachetoolz: redis: track: %w", err)
	}
	b.track.co = &co
	b.track.sink.Store(&sinkRef{s})
	if err != nil { // the server went away since New: keep trying, as New does
		b.connErr.Store(&connError{err: err})
		b.client.Store(nil)
		b.connecting.Add(1)
		go b.connectLater()
		old.c.Close()
		return nil
	}
	b.track.plain.Store(old)
	b.client.Store(newClientRef(c))
	return nil
}

// blockingConn returns the client for blocking reads: the one without
// tracking if Track kept one, else the backend's.
func (b *Backend) blockingConn() (rueidis.Client, error) {
	if r := b.track.plain.Load(); r != nil {
		return r.c, nil
	}
	return b.conn()
}

// trackingOptions returns co with tracking on, its reports going to the
// backend's sink (and to an OnInvalidations of the caller's, if any).
func (b *Backend) trackingOptions(co rueidis.ClientOption) rueidis.ClientOption {
	// Default mode, not OPTIN: every key a connection reads is tracked,
	// with no CLIENT CACHING YES before each read. Not BCAST: the server
	// pushes only keys this process read, not every write under a prefix.
	// NOLOOP: a connection hears nothing of its own writes, which the cache
	// applies itself; otherwise each value a process stores would come back
	// as a report that drops it from its own local tier. A write removes
	// the key from the server's tracking table for every connection, so the
	// set script reads the entry back, and the writer goes on hearing of
	// other processes' writes to it; a Clear or Delete leaves the writer
	// untracked until its next read, which is all a cache that has dropped
	// what they touched needs.
	co.DisableCache = false
	co.ClientTrackingOptions = []string{"NOLOOP"}
	// One connection per node, unless Configure asked for more: the
	// client spreads commands over a node's connections at random, so a
	// read and the Set after it would often go on different connections,
	// and the one that read would hear the Set as a change; and each
	// connection that reads a key costs the server a place in its table,
	// and a push when the key changes.
	if co.PipelineMultiplex == 0 {
		co.PipelineMultiplex = -1
	}
	user := co.OnInvalidations
	co.OnInvalidations = func(msgs []rueidis.RedisMessage) {
		b.invalidated(msgs)
		if user != nil {
			user(msgs)
		}
	}
	return co
}

// options returns the options connectLater makes its client from.
func (t *tracking) options() *rueidis.ClientOption {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.co
}

// store makes c the backend's client if it was made from co, the options
// of the moment, and reports whether it did: Track may have turned tracking
// on while c was being made.
func (b *Backend) store(c rueidis.Client, co *rueidis.ClientOption) bool {
	b.track.mu.Lock()
	defer b.track.mu.Unlock()
	if b.track.co != co {
		return false
	}
	b.client.Store(newClientRef(c))
	return true
}

// invalidated passes what the server pushed to the sink: nil (the
// connection closed, or the server flushed) as Lost, keys as Changed or
// Cleared. It runs on the client's reading goroutine.
func (b *Backend) invalidated(msgs []rueidis.RedisMessage) {
	r := b.track.sink.Load()
	if r == nil || b.closed.Load() {
		return
	}
	if msgs == nil {
		r.s.Lost()
		return
	}
	for i := range msgs {
		k, err := msgs[i].ToString()
		if err != nil {
			continue
		}
		switch ns, key, kind := parseTrackedKey(b.s.prefix, k); kind {
		case trackedEntry:
			r.s.Changed(ns, key)
		case trackedGen:
			r.s.Cleared(ns)
		}
	}
}

// wroteOwn reports a Clear (cleared) of namespace, or a Delete of key in
// it, made through this backend, once it has been made: the server does
// not report a connection's own writes back to it (NOLOOP), and the
// cache that tracks may share the backend with another cache (or with
// callers of the backend itself), whose clears and deletes its local
// tier would otherwise never hear of. The tracking cache applies its own
// as well; hearing them again costs it nothing it had not dropped.
// (Stores are not reported: the tracking cache keeps what it stores, and
// a report of its own store would drop it.)
func (b *Backend) wroteOwn(namespace, key string, cleared bool) {
	r := b.track.sink.Load()
	if r == nil || b.closed.Load() {
		return
	}
	if cleared {
		r.s.Cleared(namespace)
	} else {
		r.s.Changed(namespace, key)
	}
}

// refused reports a Set that its script refused, because the namespace's
// generation moved since the caller read it: the caller's view of the
// namespace is out of date, whether or not its report has arrived yet.
func (b *Backend) refused(namespace string) {
	if r := b.track.sink.Load(); r != nil && !b.closed.Load() {
		r.s.Cleared(namespace)
	}
}
