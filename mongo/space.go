package mongocache

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// maxSpaces bounds the per-namespace state a backend remembers; past it the
// state is forgotten, which costs one more index check per namespace.
const maxSpaces = 4096

// Field names and the _id of the generation document.
const (
	fieldValue     = "value"
	fieldExpires   = "expires_at"
	fieldGen       = "gen"
	fieldNamespace = "ns"
	fieldWrite     = "write_id"
	fieldCommit    = "commit_id"
	fieldPending   = "pending_id"
	fieldModified  = "modified_at"
	genID          = "g"
)

// stamp is the update operator that records the server's time of a write
// in modified_at, by which tracking backends find the entries written
// since their last poll.
var stamp = bson.E{Key: "$currentDate", Value: bson.D{{Key: fieldModified, Value: true}}}

// space is what a backend remembers about one namespace.
type space struct {
	name string
	coll *mongo.Collection

	mu        sync.Mutex    // serialises index creation
	indexed   atomic.Uint64 // generation whose collection has its indexes
	badLogged atomic.Bool   // a damaged generation document was logged
}

// space returns the state of namespace, creating it on first use.
func (b *Backend) space(namespace string) *space {
	if s, ok := b.spaces.Load(namespace); ok {
		return s.(*space)
	}
	if b.spaceCount.Add(1) > maxSpaces {
		b.spaces.Clear()
		b.spaceCount.Store(1)
	}
	s, _ := b.spaces.LoadOrStore(namespace, &space{name: namespace, coll: b.db.Collection(CollectionName(namespace))})
	return s.(*space)
}

// genState says what a read of a generation document found.
type genState int

const (
	genOK      genState = iota // a generation
	genMissing                 // no document: a new or dropped collection
	genBad                     // a document that holds no generation
)

// genRead is the outcome of a read of a generation document. The
// generation is the only source of truth: it is never taken from an entry.
type genRead struct {
	gen   uint64 // non-zero when state is genOK
	state genState
	err   error // the server could not answer
}

// readGeneration reads the generation document of coll.
func readGeneration(ctx context.Context, coll *mongo.Collection) genRead {
	raw, err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: genID}}).Raw()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return genRead{state: genMissing}
	}
	if err != nil {
		return genRead{err: fmt.Errorf("read generation: %w", err)}
	}
	return parseGeneration(raw)
}

// parseGeneration reads the generation a generation document holds: a
// non-zero 64-bit integer, as New writes it. Anything else is damage.
func parseGeneration(raw bson.Raw) genRead {
	g, ok := raw.Lookup(fieldGen).Int64OK()
	if !ok || g == 0 {
		return genRead{state: genBad}
	}
	return genRead{gen: uint64(g), state: genOK}
}

// newGeneration creates the generation document of a collection that has
// none (new, or dropped since), and returns the generation it holds: this
// backend's random value, or whatever a concurrent writer stored first.
func (b *Backend) newGeneration(ctx context.Context, s *space) genRead {
	gen := rand.Uint64()
	for gen == 0 {
		gen = rand.Uint64()
	}
	filter := bson.D{{Key: "_id", Value: genID}}
	// The namespace is kept beside the generation, so that operators' tools
	// can name a collection whose name is a hash.
	update := bson.D{{Key: "$setOnInsert", Value: bson.D{{Key: fieldGen, Value: int64(gen)}, {Key: fieldNamespace, Value: s.name}}}}
	opts := options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)
	var raw bson.Raw
	var err error
	for range 2 { // two racing upserts may collide on _id; the loser reads the winner's
		raw, err = s.coll.FindOneAndUpdate(ctx, filter, update, opts).Raw()
		if !mongo.IsDuplicateKeyError(err) {
			break
		}
	}
	if err != nil {
		return genRead{err: fmt.Errorf("create generation: %w", err)}
	}
	return parseGeneration(raw)
}

// damaged logs, once per namespace until it is cleared, that its
// generation document is damaged.
func (b *Backend) damaged(s *space) {
	if s.badLogged.CompareAndSwap(false, true) {
		b.log.Warn("cachetoolz: mongo: the generation document of a namespace holds no generation; its calls miss and nothing is stored until it is cleared",
			"namespace", s.name, "collection", s.coll.Name())
	}
}

// ensureIndexes creates the TTL index of the collection that holds
// generation gen, once per collection: a drop changes the generation, so
// the index is created again for the collection that follows. A failure
// other than an unsupported TTL index is retried by a later write.
func (b *Backend) ensureIndexes(ctx context.Context, s *space, gen uint64) {
	if s.indexed.Load() == gen {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.indexed.Load() == gen {
		return
	}
	model := mongo.IndexModel{
		Keys:    bson.D{{Key: fieldExpires, Value: 1}},
		Options: options.Index().SetExpireAfterSeconds(0).SetName("expires_at_ttl"),
	}
	_, err := s.coll.Indexes().CreateOne(ctx, model)
	if err != nil && !unsupported(err) {
		return
	}
	if err != nil {
		b.ttlOnce.Do(func() {
			b.log.Warn("cachetoolz: mongo: the server cannot build TTL indexes; expired entries are hidden on read and stay until overwritten or cleared",
				"collection", s.coll.Name(), "error", err)
		})
	}
	s.indexed.Store(gen)
}

// unsupported reports an error that says the server lacks a feature.
func unsupported(err error) bool {
	var se mongo.ServerError
	return errors.As(err, &se) && (se.HasErrorCode(238) || se.HasErrorCode(115)) // NotImplemented, CommandNotSupported
}
