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

// Get returns the value stored under key in namespace, reading one document
// by _id. An entry that is past its expiry, or that was never committed (see
// the package documentation), is a miss: Get then returns
// [cachetoolz.ErrNotFound] with the namespace's generation, which costs a
// second read the first time a backend meets the namespace (or after a
// clear).
func (b *Backend) Get(ctx context.Context, namespace, key string) ([]byte, uint64, error) {
	ctx, cancel, err := b.begin(ctx, "get")
	if err != nil {
		return nil, 0, err
	}
	defer cancel()
	s := b.space(namespace)
	raw, err := s.coll.FindOne(ctx, bson.D{{Key: "_id", Value: docID(key)}}).Raw()
	switch {
	case err == nil:
		if value, gen, ok := visible(raw, time.Now()); ok {
			if s.gen.Load() != gen {
				s.gen.Store(gen)
			}
			return value, gen, nil
		}
	case !errors.Is(err, mongo.ErrNoDocuments):
		return nil, 0, fmt.Errorf("cachetoolz: mongo: get: %w", err)
	}
	gen, err := b.generation(ctx, s)
	if err != nil {
		return nil, 0, err
	}
	return nil, gen, fmt.Errorf("cachetoolz: mongo: get: %w", cachetoolz.ErrNotFound)
}

// visible returns the value and generation of an entry document that is
// committed and not expired at now.
func visible(doc bson.Raw, now time.Time) ([]byte, uint64, bool) {
	wid, ok1 := doc.Lookup(fieldWrite).Int64OK()
	cid, ok2 := doc.Lookup(fieldCommit).Int64OK()
	if !ok1 || !ok2 || wid != cid {
		return nil, 0, false
	}
	if exp, ok := doc.Lookup(fieldExpires).DateTimeOK(); ok && exp <= now.UnixMilli() {
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
// gen. It takes three round trips: it writes the entry uncommitted, reads
// the namespace's generation, and commits the entry only if that is still
// gen; otherwise (the namespace was cleared since) the entry stays
// invisible and Set returns nil. With gen 0 (no Get succeeded) nothing is
// written. The first write of a collection also creates its TTL index.
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
	doc := bson.D{
		{Key: "_id", Value: id},
		{Key: fieldValue, Value: bson.Binary{Data: value}},
		{Key: fieldGen, Value: int64(gen)},
		{Key: fieldWrite, Value: wid},
	}
	if ttl > 0 {
		doc = append(doc, bson.E{Key: fieldExpires, Value: bson.NewDateTimeFromTime(time.Now().Add(ttl))})
	}
	filter := bson.D{{Key: "_id", Value: id}}
	upsert := options.Replace().SetUpsert(true)
	for range 2 { // two racing upserts may collide on _id; the second try replaces
		_, err = s.coll.ReplaceOne(ctx, filter, doc, upsert)
		if !mongo.IsDuplicateKeyError(err) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("cachetoolz: mongo: set: %w", err)
	}
	current, err := b.readGeneration(ctx, s)
	if err != nil {
		return err
	}
	if current != gen {
		s.gen.Store(current) // 0 when the document is gone: the next Get creates it
		return nil
	}
	// Without upsert: if the collection was dropped since, this matches
	// nothing and writes nothing. If another Set replaced the entry
	// meanwhile, its write id differs from wid and the entry stays hidden
	// until that Set commits it.
	_, err = s.coll.UpdateOne(ctx, filter, bson.D{{Key: "$set", Value: bson.D{{Key: fieldCommit, Value: wid}}}})
	if err != nil {
		return fmt.Errorf("cachetoolz: mongo: set: commit: %w", err)
	}
	b.ensureIndexes(ctx, s, gen)
	return nil
}

// Clear drops the collections of the given namespaces, which removes their
// entries and generation documents: the next Get creates a new generation,
// so no load that began before the clear commits after it.
func (b *Backend) Clear(ctx context.Context, namespaces ...string) error {
	ctx, cancel, err := b.begin(ctx, "clear")
	if err != nil {
		return err
	}
	defer cancel()
	for _, ns := range namespaces {
		s := b.space(ns)
		if err := s.coll.Drop(ctx); err != nil {
			return fmt.Errorf("cachetoolz: mongo: clear %q: %w", ns, err)
		}
		s.gen.Store(0)
		s.indexed.Store(0)
	}
	return nil
}
