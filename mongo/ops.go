package mongocache

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Get returns the value stored under key in namespace. It reads the entry
// and the namespace's generation document, each by _id, in two reads sent
// at once (so a hit waits for one round trip), and returns the entry only
// when it is committed, not expired, and of the generation that document
// holds: an entry of any other generation (left behind when the generation
// document was lost or damaged) is never served.
//
// On a miss Get returns [cachetoolz.ErrNotFound] with the generation the
// document holds as of this call, creating the document (one more round
// trip) when the namespace has none, after a clear or on first use. A
// generation document that cannot be read as one (a foreign or damaged
// write) makes every Get of that namespace a miss with generation 0, under
// which Set stores nothing, until Clear replaces it; it is logged once, and
// other namespaces are untouched.
func (b *Backend) Get(ctx context.Context, namespace, key string) ([]byte, uint64, error) {
	value, gen, _, err := b.get(ctx, namespace, key)
	return value, gen, err
}

// GetTTL is Get, and also returns the time the entry has left to live,
// zero for an entry that never expires; see [cachetoolz.TTLGetter]. The
// time left is taken from the same read as the value: the entry's
// expires_at less this process's clock, the clock by which Get decides
// that an entry has expired, so a read after the time returned is a miss.
func (b *Backend) GetTTL(ctx context.Context, namespace, key string) ([]byte, uint64, time.Duration, error) {
	return b.get(ctx, namespace, key)
}

// get is Get and GetTTL.
func (b *Backend) get(ctx context.Context, namespace, key string) ([]byte, uint64, time.Duration, error) {
	ctx, cancel, err := b.begin(ctx, "get")
	if err != nil {
		return nil, 0, 0, err
	}
	defer cancel()
	s := b.space(namespace)
	polls := b.polls()
	genc := make(chan genRead, 1)
	go func() { genc <- readGeneration(ctx, s.coll) }()
	raw, err := s.coll.FindOne(ctx, bson.D{{Key: "_id", Value: docID(key)}}).Raw()
	g := <-genc
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, 0, 0, fmt.Errorf("cachetoolz: mongo: get: %w", err)
	}
	if g.err != nil {
		return nil, 0, 0, fmt.Errorf("cachetoolz: mongo: get: %w", g.err)
	}
	if b.watching != nil {
		b.watching()
	}
	switch g.state {
	case genOK:
		b.watch(s, g.gen, polls)
		if err == nil {
			now := time.Now()
			if value, gen, ok := visible(raw, now); ok && gen == g.gen {
				ttl := time.Duration(0)
				if exp, ok := expiry(raw); ok {
					ttl = exp.Sub(now)
				}
				return value, gen, ttl, nil
			}
		}
	case genMissing:
		g = b.newGeneration(ctx, s)
		if g.err != nil {
			return nil, 0, 0, fmt.Errorf("cachetoolz: mongo: get: %w", g.err)
		}
		if g.state == genOK {
			b.watch(s, g.gen, polls)
		}
	}
	if g.state == genBad {
		b.damaged(s)
		return nil, 0, 0, fmt.Errorf("cachetoolz: mongo: get: %w", cachetoolz.ErrNotFound)
	}
	return nil, g.gen, 0, fmt.Errorf("cachetoolz: mongo: get: %w", cachetoolz.ErrNotFound)
}

// expiry returns the time an entry document expires at, if it does.
func expiry(doc bson.Raw) (time.Time, bool) {
	exp, ok := doc.Lookup(fieldExpires).DateTimeOK()
	return time.UnixMilli(exp), ok
}

// visible returns the value and generation of an entry document that is
// committed and not expired at now.
func visible(doc bson.Raw, now time.Time) ([]byte, uint64, bool) {
	wid, ok1 := doc.Lookup(fieldWrite).Int64OK()
	cid, ok2 := doc.Lookup(fieldCommit).Int64OK()
	if !ok1 || !ok2 || wid != cid {
		return nil, 0, false
	}
	if exp, ok := expiry(doc); ok && !exp.After(now) {
		return nil, 0, false
	}
	_, data, ok := doc.Lookup(fieldValue).BinaryOK()
	if !ok {
		return nil, 0, false
	}
	gen, _ := doc.Lookup(fieldGen).Int64OK()
	return append([]byte{}, data...), uint64(gen), true
}

// Set stores value under key in namespace for ttl (never expiring when
// ttl <= 0), on behalf of a load that began when a Get reported generation
// gen. It takes three round trips: it marks the entry's document with a
// random pending id (creating the document if need be, and leaving any
// value it holds readable), reads the namespace's generation, and, only if
// that is still gen, writes the value with an update that matches the
// document only while it carries that pending id and cannot create one.
// Otherwise (the namespace was cleared since, or its generation document
// is lost or damaged) nothing is written and Set returns nil, so a load
// that spanned a clear never hides the entry of a load that followed it;
// a tracking backend then reports Cleared before returning (see
// [Backend.Track]), as it does when its commit matched nothing and the
// generation, read again, has changed. With gen 0 (no Get succeeded) nothing is written. The
// write stamps the entry with the server's time (modified_at), by which
// tracking backends find it. The first write of a collection also creates
// its TTL index.
func (b *Backend) Set(ctx context.Context, namespace, key string, value []byte, ttl time.Duration, gen uint64) error {
	ctx, cancel, err := b.begin(ctx, "set")
	if err != nil {
		return err
	}
	defer cancel()
	if gen == 0 {
		return nil
	}
	s := b.space(namespace)
	id := docID(key)
	if value == nil {
		value = []byte{}
	}
	wid := int64(rand.Uint64())
	filter := bson.D{{Key: "_id", Value: id}}
	mark := bson.D{{Key: "$set", Value: bson.D{{Key: fieldPending, Value: wid}}}}
	upsert := options.UpdateOne().SetUpsert(true)
	for range 2 { // two racing upserts may collide on _id; the second try updates
		_, err = s.coll.UpdateOne(ctx, filter, mark, upsert)
		if !mongo.IsDuplicateKeyError(err) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("cachetoolz: mongo: set: %w", err)
	}
	current := readGeneration(ctx, s.coll)
	if current.err != nil {
		return fmt.Errorf("cachetoolz: mongo: set: %w", current.err)
	}
	if current.state != genOK || current.gen != gen {
		// Cleared, lost or damaged since the load began: a tracking
		// backend says so before returning, whether or not its poll has
		// seen it yet.
		b.refused(namespace)
		return nil
	}
	set := bson.D{
		{Key: fieldValue, Value: bson.Binary{Data: value}},
		{Key: fieldGen, Value: int64(gen)},
		{Key: fieldWrite, Value: wid},
		{Key: fieldCommit, Value: wid},
	}
	if ttl > 0 {
		set = append(set, bson.E{Key: fieldExpires, Value: bson.NewDateTimeFromTime(time.Now().Add(ttl))})
	}
	update := bson.D{{Key: "$set", Value: set}, stamp}
	if ttl <= 0 {
		update = append(update, bson.E{Key: "$unset", Value: bson.D{{Key: fieldExpires, Value: ""}}})
	}
	// Without upsert, and only while the mark is this Set's: if the
	// collection was dropped since, or another Set marked the document
	// after this one, this matches nothing and writes nothing.
	commit := bson.D{{Key: "_id", Value: id}, {Key: fieldPending, Value: wid}}
	b.mine(wid)
	res, err := s.coll.UpdateOne(ctx, commit, update)
	if err != nil {
		return fmt.Errorf("cachetoolz: mongo: set: commit: %w", err)
	}
	if res.MatchedCount == 0 {
		b.unmatched(ctx, s, gen)
		return nil
	}
	b.ensureIndexes(ctx, s, gen)
	return nil
}

// unmatched is what a tracking backend does when a Set's commit matched
// nothing: another store or a delete took the document's mark, or a clear
// dropped the collection after the Set read its generation. It reads the
// generation again and reports Cleared if it is no longer gen, or if the
// read fails.
func (b *Backend) unmatched(ctx context.Context, s *space, gen uint64) {
	if b.tracking.Load() == nil {
		return
	}
	if g := readGeneration(ctx, s.coll); g.err != nil || g.state != genOK || g.gen != gen {
		b.refused(s.name)
	}
}

// Clear drops the collections of the given namespaces, which removes their
// entries and generation documents, damaged ones included: the next Get
// creates a new generation, so no load that began before the clear commits
// after it, and no call after it joins such a load.
func (b *Backend) Clear(ctx context.Context, namespaces ...string) error {
	ctx, cancel, err := b.begin(ctx, "clear")
	if err != nil {
		return err
	}
	defer cancel()
	for _, ns := range namespaces {
		s := b.space(ns)
		err := s.coll.Drop(ctx)
		// A tracking backend reports its own clear once made (a drop
		// that failed may have dropped), not only when its poll sees it:
		// see cachetoolz.Tracker.
		b.refused(ns)
		if err != nil {
			return fmt.Errorf("cachetoolz: mongo: clear %q: %w", ns, err)
		}
		s.indexed.Store(0)
		s.badLogged.Store(false)
	}
	return nil
}
