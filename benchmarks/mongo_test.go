package benchmarks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	mongocache "github.com/cachetoolz/cachetoolz/mongo"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// BenchmarkMongo compares cachetoolz on its MongoDB backend with the limit:
// a raw driver FindOne of the same User by _id plus its decode (and on a
// miss, the load and a ReplaceOne upsert). Every row talks to the same
// server: a mongotestserver (FerretDB on SQLite) started for the run, or
// the one in CACHETOOLZ_TEST_MONGO_URI. Each factory call works in a
// database of its own, dropped afterwards.
//
//   - mongo-raw: the limit, on the driver the backend uses; the User is a
//     BSON document decoded by the driver. Its _id is the decimal id as a
//     string, because FerretDB answers only string (and ObjectID) _id
//     filters from its index, as it does the backend's;
//   - cachetoolz-backend: the backend alone, Get and JSON decode (on a miss:
//     load, encode, Set with the generation Get reported);
//   - cachetoolz: load wrapped with cachetoolz.Wrap1 on the MongoDB backend.
//
// Only the hit and miss scenarios run: the test server runs one write at a
// time and answers a few hundred reads a second on a small machine, so 32
// goroutines measure its queue (and time out), not the libraries.
func BenchmarkMongo(b *testing.B) {
	uri := testserver.MongoURI(b)
	libs := []lib{
		{"mongo-raw", mongoRaw(uri)},
		{"cachetoolz-backend", mongoBackendDirect(uri)},
		{"cachetoolz", mongoWrapped(uri)},
	}
	for _, sc := range scenarios {
		if sc.name != "hit" && sc.name != "miss" {
			continue
		}
		b.Run(sc.name, func(b *testing.B) {
			for _, l := range libs {
				b.Run(l.name, func(b *testing.B) { sc.run(b, l.new) })
			}
		})
	}
}

// mongoDatabase returns a new database name, dropped when b ends.
func mongoDatabase(b *testing.B, client *mongo.Client) string {
	var r [6]byte
	_, _ = rand.Read(r[:])
	name := "bench_" + hex.EncodeToString(r[:])
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = client.Database(name).Drop(ctx)
	})
	return name
}

func mongoClient(b *testing.B, uri string) *mongo.Client {
	c, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = c.Disconnect(context.Background()) })
	return c
}

func mongoRaw(uri string) factory {
	return func(b *testing.B, load loader) memo {
		c := mongoClient(b, uri)
		coll := c.Database(mongoDatabase(b, c)).Collection("users")
		upsert := options.Replace().SetUpsert(true)
		return func(ctx context.Context, id int) (User, error) {
			filter := bson.D{{Key: "_id", Value: strconv.Itoa(id)}}
			var u User
			err := coll.FindOne(ctx, filter).Decode(&u)
			if err == nil {
				return u, nil
			}
			if !errors.Is(err, mongo.ErrNoDocuments) {
				return User{}, err
			}
			u, err = load(ctx, id)
			if err != nil {
				return User{}, err
			}
			_, err = coll.ReplaceOne(ctx, filter, u, upsert)
			return u, err
		}
	}
}

func newMongoBackend(b *testing.B, uri string) *mongocache.Backend {
	c := mongoClient(b, uri)
	be, err := mongocache.NewFromClient(c, &mongocache.Options{
		Database: mongoDatabase(b, c),
		Logger:   slog.New(slog.DiscardHandler), // FerretDB has no TTL indexes
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = be.Close() })
	return be
}

// mongoBackendDirect uses the backend the way a cache without wrappers
// would: Get and decode; on a miss, load, encode and Set with the
// generation Get reported.
func mongoBackendDirect(uri string) factory {
	return func(b *testing.B, load loader) memo {
		be := newMongoBackend(b, uri)
		return func(ctx context.Context, id int) (User, error) {
			key := strconv.Itoa(id)
			raw, gen, err := be.Get(ctx, "users", key)
			if err == nil {
				var u User
				err = json.Unmarshal(raw, &u)
				return u, err
			}
			if !errors.Is(err, cachetoolz.ErrNotFound) {
				return User{}, err
			}
			u, err := load(ctx, id)
			if err != nil {
				return User{}, err
			}
			enc, err := json.Marshal(u)
			if err != nil {
				return User{}, err
			}
			return u, be.Set(ctx, "users", key, enc, ttl, gen)
		}
	}
}

// mongoWrapped is load wrapped with cachetoolz.Wrap1 on the MongoDB backend.
// The cache's backend timeout is raised from its 250ms default: on a busy
// machine the test server now and then takes longer than that to answer,
// and the cache would then run the function instead, which is not the hit
// path being measured.
func mongoWrapped(uri string) factory {
	return func(b *testing.B, load loader) memo {
		cfg := &cachetoolz.Config{Logger: benchLogger(b), Timeout: 5 * time.Second}
		c, err := cachetoolz.New(newMongoBackend(b, uri), cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { c.Close() })
		m, err := cachetoolz.Wrap1(c, load, &cachetoolz.Options{TTL: ttl, Name: "benchmarks.load"})
		if err != nil {
			b.Fatal(err)
		}
		return m
	}
}

// BenchmarkMongoHitRatio measures the hit path of cachetoolz on MongoDB
// against the limit (a raw FindOne plus decode) by alternation: the two run
// in turns of mongoRatioBlock calls per goroutine on the same server, so
// that a busy machine slows both alike. Each b.N is one turn of each; each
// memo is warmed once, before its sub-benchmarks. It reports, for 1 and 4
// goroutines, ns-raw and ns-<row> (wall time per call, of all goroutines
// together) and ratio = ns-<row> / ns-raw. Target: at most 1.2. (More
// goroutines queue on the single test server and measure it instead.)
func BenchmarkMongoHitRatio(b *testing.B) {
	uri := testserver.MongoURI(b)
	rows := []struct {
		name string
		f    factory
	}{
		{"backend", mongoBackendDirect(uri)},
		{"cachetoolz", mongoWrapped(uri)},
	}
	raw := mongoRaw(uri)(b, load)
	warm(b, raw)
	for _, row := range rows {
		var loads atomic.Int64
		ours := row.f(b, counting(&loads))
		warm(b, ours)
		for _, g := range []int{1, 4} {
			b.Run(row.name+"/goroutines="+strconv.Itoa(g), func(b *testing.B) {
				before := loads.Load()
				tRaw, tOurs := alternate(b,
					func(int) time.Duration { return mongoHitTurn(b, raw, g) },
					func(int) time.Duration { return mongoHitTurn(b, ours, g) })
				// The wrapper falls back to the function when the backend
				// fails; a hit figure must not hide that.
				if n := loads.Load() - before; n > 0 {
					b.Fatalf("%d loads during the hits", n)
				}
				reportRatio(b, float64(b.N*mongoRatioBlock*g), tRaw, tOurs, "raw", row.name)
			})
		}
	}
}

// mongoRatioBlock is how many hits each goroutine makes in one turn: few,
// so that the two sides alternate every few tens of milliseconds and a
// burst of other work on the machine falls on both.
const mongoRatioBlock = 5

// mongoHitTurn makes mongoRatioBlock hits on m from each of g goroutines and
// returns the wall time of the turn.
func mongoHitTurn(b *testing.B, m memo, g int) time.Duration {
	ctx := context.Background()
	var wg sync.WaitGroup
	start := time.Now()
	for w := range g {
		wg.Go(func() {
			i := w * 131
			for range mongoRatioBlock {
				id := hitKeys[i&keyMask]
				i++
				if u, err := m(ctx, id); err != nil || u.ID != id {
					b.Errorf("hit on key %d: got ID %d, err %v", id, u.ID, err)
					return
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}
