package mongocache

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// trackOverlap is how far before the previous poll's server time a poll
// looks for written entries: a write is stamped with the server's time
// when it is applied and becomes visible when it commits, a little later,
// so a write stamped just before one poll may be visible only to the next.
// Entries seen by the previous poll are not reported again.
const trackOverlap = time.Second

// trackParallel bounds the queries one poll has in flight.
const trackParallel = 8

// tracker is the poll of a tracking backend.
type tracker struct {
	b    *Backend
	sink cachetoolz.TrackSink
	stop context.CancelFunc
	done chan struct{} // closed when the poll has stopped

	watched sync.Map // namespace → *watch
	count   atomic.Int64
	// polls counts the polls that have read the server's time: a read
	// during which it moved may have its namespace watched too late for
	// a poll whose window starts after the read (see unsure).
	polls    atomic.Uint64
	overflow atomic.Bool // watched was emptied: the next poll reports Lost

	// own holds the write_ids of this backend's recent stores and
	// deletes (int64 → the time.Time they were made), which polls do not
	// report: the cache applies its own changes.
	own sync.Map
}

// watch is what the poll knows of one namespace. Only the poll changes it
// once it is stored.
type watch struct {
	s       *space
	gen     uint64           // the generation last seen; 0: none
	seen    map[string]int64 // _id → write_id of the entries the last poll saw
	indexed uint64           // the generation whose collection has the modified_at index
	// unsure: the read that made the watch overlapped the start of a
	// poll, which may have missed the namespace and looks for writes only
	// from a second before it started; a write made after the read may
	// fall before the window of every later poll. The first poll of the
	// watch reports Cleared.
	unsure bool
}

// Track starts reporting to sink the changes other processes (and other
// backends of this one) make to the namespaces this backend reads; see
// [cachetoolz.Tracker]. It polls: a goroutine, stopped by Close, reads at
// every Options.TrackInterval, with one query per namespace that a Get or
// GetTTL of this backend has read, the namespace's generation document
// and the entries written or deleted since the previous poll (by the
// server's time in their modified_at field, less a second of overlap). A
// namespace is watched from the end of its first read; should a poll
// start during that read, the namespace's first poll reports it Cleared,
// as a write made after the read may fall before the next polls' window.
// A changed generation is reported as Cleared, each entry written or
// deleted through another backend as Changed (the cache applies its own
// stores and deletes; a Clear or Delete made through this backend
// reports Cleared or Changed itself once made, for the caches that share
// it, and the polls report the clear again). The first poll that succeeds, the first that fails
// after a success, and the first that succeeds after a failure are
// reported as Lost. A Set that stores nothing because the namespace was
// cleared since its load began reports Cleared before it returns.
//
// Entries the server's TTL monitor removes are not reported: the local
// tier keeps no entry past its time to live (see [Backend.GetTTL]).
func (b *Backend) Track(sink cachetoolz.TrackSink) error {
	if sink == nil {
		return errors.New("cachetoolz: mongo: track: nil sink")
	}
	b.trackMu.Lock()
	defer b.trackMu.Unlock()
	if b.closed.Load() {
		return fmt.Errorf("cachetoolz: mongo: track: %w", cachetoolz.ErrClosed)
	}
	if b.tracking.Load() != nil {
		return errors.New("cachetoolz: mongo: track: already tracking")
	}
	ctx, stop := context.WithCancel(context.Background())
	t := &tracker{b: b, sink: sink, stop: stop, done: make(chan struct{})}
	b.tracking.Store(t)
	go t.run(ctx)
	return nil
}

// close stops the poll and waits for it.
func (t *tracker) close() {
	t.stop()
	<-t.done
}

// polls returns the count of a tracking backend's polls that have read
// the server's time, which a read takes before it begins, for watch.
func (b *Backend) polls() uint64 {
	if t := b.tracking.Load(); t != nil {
		return t.polls.Load()
	}
	return 0
}

// watch has a tracking backend watch namespace s, whose generation a Get
// has just read as gen, unless it already does; polls is what b.polls
// returned before the read began.
func (b *Backend) watch(s *space, gen, polls uint64) {
	t := b.tracking.Load()
	if t == nil {
		return
	}
	if _, ok := t.watched.Load(s.name); ok {
		return
	}
	if t.count.Load() >= maxSpaces {
		// Forget them all rather than poll without bound; the next poll
		// reports Lost, so nothing read of the forgotten ones is trusted.
		t.watched.Clear()
		t.count.Store(0)
		t.overflow.Store(true)
	}
	// If no poll read the server's time during the read, the next poll
	// starts after this store and sees the namespace, and its window
	// starts a second before a poll that read the time before the read
	// began: it covers every write made after the read.
	w := &watch{s: s, gen: gen, unsure: t.polls.Load() != polls}
	if _, loaded := t.watched.LoadOrStore(s.name, w); !loaded {
		t.count.Add(1)
	}
}

// mine has a tracking backend remember that it writes wid, so that its
// polls do not report the write back.
func (b *Backend) mine(wid int64) {
	if t := b.tracking.Load(); t != nil {
		t.own.Store(wid, time.Now())
	}
}

// forget drops the write_ids of own writes made long enough ago that a
// poll has seen them if they committed: by then they are in the polls'
// seen sets.
func (t *tracker) forget() {
	before := time.Now().Add(-2*(t.b.interval+t.b.pollMax) - trackOverlap)
	t.own.Range(func(k, v any) bool {
		if v.(time.Time).Before(before) {
			t.own.Delete(k)
		}
		return true
	})
}

// deleted tells a tracking backend's sink that key in namespace was deleted
// through this backend, once it was. Its polls leave the deletion out (see
// mine), as they do the backend's stores, which the tracking cache keeps;
// but the deletion may come from another cache on this backend (or a
// caller of the backend itself), whose removals the tracking cache's local
// tier would otherwise never hear of. The tracking cache applies its own
// as well; hearing them again costs it nothing it had not dropped.
func (b *Backend) deleted(namespace, key string) {
	if t := b.tracking.Load(); t != nil {
		t.sink.Changed(namespace, key)
	}
}

// refused tells a tracking backend's sink that namespace was cleared: by
// this backend's Clear, or since a Set of it read its generation, which
// then stored nothing.
func (b *Backend) refused(namespace string) {
	if t := b.tracking.Load(); t != nil {
		t.sink.Cleared(namespace)
	}
}

// run polls until ctx is cancelled.
func (t *tracker) run(ctx context.Context) {
	defer close(t.done)
	lost := true // nothing is known before the first poll succeeds
	var last clock
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		since := last.time.Add(-trackOverlap)
		if lost {
			since = time.Time{} // Lost covers everything before this poll
		}
		now, err := t.poll(ctx, since)
		if ctx.Err() != nil {
			return
		}
		switch {
		case err != nil && !lost:
			lost = true
			t.b.log.Warn("cachetoolz: mongo: a poll for changes failed; the local tier is told to trust nothing it holds", "error", err)
			t.sink.Lost()
		case err == nil && (lost || t.overflow.Swap(false) || !now.follows(last)):
			// A poll after a failure, after namespaces were forgotten, or
			// on a server that is not the one of the previous poll or
			// whose clock went back, may have missed changes.
			lost = false
			t.sink.Lost()
		}
		if err == nil {
			last = now
			t.forget()
		}
		if t.b.polled != nil {
			t.b.polled()
		}
		timer.Reset(t.b.interval)
	}
}

// clock is the time of a server as a poll read it, and the identity of
// the server (its address in a replica set and its process id, on servers
// that report them).
type clock struct {
	time   time.Time
	server string
}

// follows reports whether c may be the same server's time after prev:
// the same server, and a clock that did not go back. Times of unnamed
// servers (mongos, whose clocks differ a little) always follow.
func (c clock) follows(prev clock) bool {
	if c.server == "" && prev.server == "" {
		return true
	}
	return c.server == prev.server && !c.time.Before(prev.time)
}

// hello is what a poll reads of the server's hello reply.
type hello struct {
	LocalTime       time.Time `bson:"localTime"`
	Me              string    `bson:"me"`
	Msg             string    `bson:"msg"` // "isdbgrid" from a mongos
	TopologyVersion struct {
		ProcessID bson.ObjectID `bson:"processId"`
	} `bson:"topologyVersion"`
}

// server names the server that answered h: its address in a replica set
// and its process id. A mongos is not named: the driver spreads
// operations over the mongos of a URI, and the entries are written by the
// shards' primaries, whose failover makes operations fail.
func (h hello) server() string {
	if h.Msg == "isdbgrid" {
		return ""
	}
	return h.Me + "/" + h.TopologyVersion.ProcessID.Hex()
}

// poll reads every watched namespace once, reporting what changed since
// since (or since a second before the poll when since is zero), and
// returns the server's clock at its start.
func (t *tracker) poll(ctx context.Context, since time.Time) (clock, error) {
	ctx, cancel := context.WithTimeout(ctx, t.b.pollMax)
	defer cancel()
	var h hello
	if err := t.b.db.RunCommand(ctx, bson.D{{Key: "hello", Value: 1}}).Decode(&h); err != nil {
		return clock{}, fmt.Errorf("cachetoolz: mongo: poll: server time: %w", err)
	}
	now := clock{time: h.LocalTime, server: h.server()}
	t.polls.Add(1)
	if since.IsZero() {
		since = now.time.Add(-trackOverlap)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	slots := make(chan struct{}, trackParallel)
	t.watched.Range(func(_, v any) bool {
		w := v.(*watch)
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			if err := t.pollSpace(ctx, w, since); err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
		})
		return true
	})
	wg.Wait()
	return now, first
}

// pollSpace reads the generation of w's namespace and the entries written
// since since, and reports what changed since the previous poll. It
// reports nothing unless the whole read succeeds.
func (t *tracker) pollSpace(ctx context.Context, w *watch, since time.Time) error {
	filter := bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "_id", Value: genID}},
		bson.D{{Key: fieldModified, Value: bson.D{{Key: "$gte", Value: bson.NewDateTimeFromTime(since)}}}},
	}}}
	proj := options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}, {Key: fieldGen, Value: 1}, {Key: fieldWrite, Value: 1}})
	cur, err := w.s.coll.Find(ctx, filter, proj)
	if err != nil {
		return fmt.Errorf("cachetoolz: mongo: poll %q: %w", w.s.name, err)
	}
	defer cur.Close(context.WithoutCancel(ctx))
	var gen uint64
	seen := make(map[string]int64, len(w.seen))
	var changed []string
	for cur.Next(ctx) {
		id, ok := cur.Current.Lookup("_id").StringValueOK()
		if !ok {
			continue
		}
		if id == genID {
			gen = parseGeneration(cur.Current).gen // 0 when damaged
			continue
		}
		wid, _ := cur.Current.Lookup(fieldWrite).Int64OK()
		seen[id] = wid
		if prev, ok := w.seen[id]; ok && prev == wid {
			continue
		}
		if _, ok := t.own.Load(wid); !ok {
			changed = append(changed, id)
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("cachetoolz: mongo: poll %q: %w", w.s.name, err)
	}
	w.seen = seen
	if gen != w.gen || w.unsure {
		w.gen, w.unsure = gen, false
		t.sink.Cleared(w.s.name)
	} else {
		for _, id := range changed {
			if key, ok := keyOf(id); ok {
				t.sink.Changed(w.s.name, key)
			}
		}
	}
	if gen != 0 && w.indexed != gen {
		t.index(ctx, w, gen)
	}
	return nil
}

// index creates the index on modified_at that the polls of w's namespace
// use, once per collection. A failure is retried by the next poll.
func (t *tracker) index(ctx context.Context, w *watch, gen uint64) {
	model := mongo.IndexModel{
		Keys:    bson.D{{Key: fieldModified, Value: 1}},
		Options: options.Index().SetName("modified_at"),
	}
	if _, err := w.s.coll.Indexes().CreateOne(ctx, model); err == nil || unsupported(err) {
		w.indexed = gen
	}
}
