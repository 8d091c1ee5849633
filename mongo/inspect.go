package mongocache

import (
	"context"
	"encoding/base64"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// The backend describes what it holds to operators' tools such as the
// cachetoolz command; the cache itself never calls these methods.
var _ cachetoolz.Inspector = (*Backend)(nil)

// inspectBatch is how many documents the inspector asks for per batch.
const inspectBatch = 1000

// Namespaces lists the namespaces of the backend's database that hold live
// entries (committed, of the current generation, not expired), with their
// number and the size of their values, sorted by name.
//
// The namespace is read back from its collection's name (see
// [CollectionName]); a namespace too long to be spelled out lives in a
// collection named by a hash, and is read from the generation document,
// which records it. A collection whose generation document predates that
// is listed under its own name ("h_" and 64 hex digits).
//
// Counting reads every document of every collection (values included, to
// size them): it is meant for operators' listings, not for the cache.
func (b *Backend) Namespaces(ctx context.Context) ([]cachetoolz.NamespaceInfo, error) {
	ctx, cancel, err := b.begin(ctx, "namespaces")
	if err != nil {
		return nil, err
	}
	defer cancel()
	names, err := b.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("cachetoolz: mongo: namespaces: %w", err)
	}
	var out []cachetoolz.NamespaceInfo
	for _, coll := range names {
		ns, ok := namespaceOf(coll)
		if !ok {
			continue
		}
		if strings.HasPrefix(coll, "h_") {
			ns = b.hashedName(ctx, coll)
		}
		info := cachetoolz.NamespaceInfo{Name: ns}
		err := b.eachLive(ctx, b.db.Collection(coll), "", 0, func(_ string, doc bson.Raw, size int64) bool {
			if doc != nil {
				info.Entries++
				info.Bytes += size
			}
			return true
		})
		if err != nil {
			return nil, fmt.Errorf("cachetoolz: mongo: namespaces: %q: %w", coll, err)
		}
		if info.Entries > 0 {
			out = append(out, info)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Entries lists up to limit live entries of namespace (100 when limit <= 0)
// in the order of their _id, with the time each has left and the size of
// its value. The cursor is the last _id read: a page holds fewer than limit
// entries when some of the documents it read were not live.
func (b *Backend) Entries(ctx context.Context, namespace, cursor string, limit int) ([]cachetoolz.EntryInfo, string, error) {
	ctx, cancel, err := b.begin(ctx, "entries")
	if err != nil {
		return nil, "", err
	}
	defer cancel()
	if limit <= 0 {
		limit = 100
	}
	var out []cachetoolz.EntryInfo
	now := time.Now()
	last := ""
	read := 0
	err = b.eachLive(ctx, b.db.Collection(CollectionName(namespace)), cursor, limit, func(id string, doc bson.Raw, size int64) bool {
		read++
		last = id
		if doc == nil { // read, but not live
			return true
		}
		key, ok := keyOf(id)
		if !ok {
			return true
		}
		ttl := cachetoolz.NoExpiry
		if exp, ok := expiry(doc); ok {
			ttl = exp.Sub(now)
		}
		out = append(out, cachetoolz.EntryInfo{Key: key, TTL: ttl, Size: size})
		return true
	})
	if err != nil {
		return nil, "", fmt.Errorf("cachetoolz: mongo: entries %q: %w", namespace, err)
	}
	next := ""
	if read == limit {
		next = last
	}
	return out, next, nil
}

// eachLive reads the entry documents of coll in _id order, after the _id
// after (from the start when empty) and at most limit of them (all when
// 0), and calls fn with each one's _id and, for a live one, the document
// and the size of its value; fn is called with a nil document for one that
// is not live, and stops the walk by returning false.
func (b *Backend) eachLive(ctx context.Context, coll *mongo.Collection, after string, limit int, fn func(id string, doc bson.Raw, size int64) bool) error {
	g := readGeneration(ctx, coll)
	if g.err != nil {
		return g.err
	}
	gen := g.gen // 0 (no entry is live) unless the document holds one
	filter := bson.D{}
	if after != "" {
		filter = bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}}}
	}
	opts := options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetBatchSize(inspectBatch)
	if limit > 0 {
		opts.SetLimit(int64(limit) + 1) // the generation document may be among them
	}
	cur, err := coll.Find(ctx, filter, opts)
	if err != nil {
		return err
	}
	defer cur.Close(context.WithoutCancel(ctx))
	now := time.Now()
	n := 0
	for cur.Next(ctx) {
		id, ok := cur.Current.Lookup("_id").StringValueOK()
		if !ok || id == genID {
			continue
		}
		if limit > 0 && n == limit {
			break
		}
		n++
		var doc bson.Raw
		var size int64
		if value, g, ok := visible(cur.Current, now); ok && gen != 0 && g == gen {
			doc, size = cur.Current, int64(len(value))
		}
		if !fn(id, doc, size) {
			break
		}
	}
	return cur.Err()
}

// hashedName returns the namespace of a collection named by a hash, as its
// generation document records it, or the collection's name if it does not.
func (b *Backend) hashedName(ctx context.Context, coll string) string {
	raw, err := b.db.Collection(coll).FindOne(ctx, bson.D{{Key: "_id", Value: genID}}).Raw()
	if err != nil {
		return coll
	}
	if name, ok := raw.Lookup(fieldNamespace).StringValueOK(); ok && CollectionName(name) == coll {
		return name
	}
	return coll
}

// namespaceOf returns the namespace whose collection is named coll, or for
// a hashed name the name itself; ok is false for a collection that is not
// one of the backend's.
func namespaceOf(coll string) (string, bool) {
	if rest, ok := strings.CutPrefix(coll, "h_"); ok {
		return coll, len(rest) == 64 && strings.Trim(rest, "0123456789abcdef") == ""
	}
	rest, ok := strings.CutPrefix(coll, "c_")
	if !ok {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if c != '_' {
			b.WriteByte(c)
			continue
		}
		if i+2 >= len(rest) {
			return "", false
		}
		hi, lo := unhex(rest[i+1]), unhex(rest[i+2])
		if hi < 0 || lo < 0 {
			return "", false
		}
		b.WriteByte(byte(hi<<4 | lo))
		i += 2
	}
	ns := b.String()
	return ns, CollectionName(ns) == coll // rejects what CollectionName never writes
}

// unhex returns the value of a lower-case hex digit, or -1.
func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	}
	return -1
}

// keyOf reverses docID.
func keyOf(id string) (string, bool) {
	switch {
	case strings.HasPrefix(id, "k"):
		return id[1:], true
	case strings.HasPrefix(id, "b"):
		key, err := base64.RawURLEncoding.DecodeString(id[1:])
		return string(key), err == nil
	}
	return "", false
}
