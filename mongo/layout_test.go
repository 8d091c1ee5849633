package mongocache

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// commands counts the commands a client sends, by name.
type commands struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *commands) monitor() *event.CommandMonitor {
	return &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.n[e.CommandName]++
	}}
}

// take returns the counts since the last call and resets them.
func (c *commands) take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.n
	c.n = map[string]int{}
	return n
}

func newCountingBackend(t *testing.T) (*Backend, *commands) {
	c := &commands{n: map[string]int{}}
	b := newTestBackend(t, &Options{Client: options.Client().SetMonitor(c.monitor())})
	return b, c
}

func TestIndexesCreatedOncePerCollection(t *testing.T) {
	b, cmds := newCountingBackend(t)
	ctx := context.Background()
	for range 3 {
		for _, ns := range []string{"one", "two"} {
			for _, k := range []string{"a", "b", "c"} {
				put(t, b, ns, k, "v")
			}
		}
	}
	if n := cmds.take()["createIndexes"]; n != 2 {
		t.Fatalf("18 stores in 2 namespaces sent createIndexes %d times, want 2", n)
	}
	if err := b.Clear(ctx, "one"); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"a", "b", "c"} {
		put(t, b, "one", k, "v")
		put(t, b, "two", k, "v")
	}
	if n := cmds.take()["createIndexes"]; n != 1 {
		t.Fatalf("stores after a clear sent createIndexes %d times, want 1 (the dropped collection's)", n)
	}

	// A drop by someone else is noticed through the generation.
	if err := b.Database().Collection(CollectionName("two")).Drop(ctx); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		put(t, b, "two", "a", "v") // the first store is discarded: stale generation
	}
	want(t, b, "two", "a", "v")
	if n := cmds.take()["createIndexes"]; n != 1 {
		t.Fatalf("stores after a foreign drop sent createIndexes %d times, want 1", n)
	}
}

func TestRoundTrips(t *testing.T) {
	b, cmds := newCountingBackend(t)
	put(t, b, "rt", "k", "v") // creates the collection, its generation and index
	cmds.take()

	want(t, b, "rt", "k", "v")
	if got := cmds.take(); got["find"] != 2 || len(got) != 1 {
		t.Errorf("a hit sent %v, want two finds (entry and generation, sent at once)", got)
	}
	wantMiss(t, b, "rt", "other")
	if got := cmds.take(); got["find"] != 2 || len(got) != 1 {
		t.Errorf("a miss in a known namespace sent %v, want two finds (entry and generation, sent at once)", got)
	}
	put(t, b, "rt", "k2", "v")
	if got := cmds.take(); got["find"] != 3 || got["update"] != 2 || len(got) != 2 {
		t.Errorf("a miss and a store sent %v, want find ×3 (entry, generation, generation) and update ×2 (mark, write)", got)
	}
}

// TestExpiredEntriesHiddenOnRead plants entries directly: one that expired a
// second ago, which no TTL monitor has had time to delete, must be a miss
// at once; one that expires in an hour, a hit.
func TestExpiredEntriesHiddenOnRead(t *testing.T) {
	b := newTestBackend(t, nil)
	ctx := context.Background()
	put(t, b, "ttl", "control", "v")
	_, gen, _ := b.Get(ctx, "ttl", "control")
	coll := b.Database().Collection(CollectionName("ttl"))
	plant := func(key string, expires time.Time) {
		doc := bson.D{
			{Key: "_id", Value: docID(key)},
			{Key: fieldValue, Value: bson.Binary{Data: []byte("planted")}},
			{Key: fieldGen, Value: int64(gen)},
			{Key: fieldWrite, Value: int64(7)},
			{Key: fieldCommit, Value: int64(7)},
			{Key: fieldExpires, Value: bson.NewDateTimeFromTime(expires)},
		}
		if _, err := coll.InsertOne(ctx, doc); err != nil {
			t.Fatal(err)
		}
	}
	plant("expired", time.Now().Add(-time.Second))
	plant("alive", time.Now().Add(time.Hour))
	wantMiss(t, b, "ttl", "expired")
	want(t, b, "ttl", "alive", "planted")

	// Uncommitted or half-committed entries are misses too.
	for _, doc := range []bson.D{
		{{Key: "_id", Value: docID("pending")}, {Key: fieldValue, Value: bson.Binary{Data: []byte("x")}}, {Key: fieldGen, Value: int64(gen)}, {Key: fieldWrite, Value: int64(1)}},
		{{Key: "_id", Value: docID("other")}, {Key: fieldValue, Value: bson.Binary{Data: []byte("x")}}, {Key: fieldGen, Value: int64(gen)}, {Key: fieldWrite, Value: int64(1)}, {Key: fieldCommit, Value: int64(2)}},
	} {
		if _, err := coll.InsertOne(ctx, doc); err != nil {
			t.Fatal(err)
		}
	}
	wantMiss(t, b, "ttl", "pending")
	wantMiss(t, b, "ttl", "other")

	// An expired entry is replaced by the next store.
	put(t, b, "ttl", "expired", "fresh")
	want(t, b, "ttl", "expired", "fresh")
}

func TestTTLWithoutMonitor(t *testing.T) {
	b := newTestBackend(t, nil)
	putTTL(t, b, "ttl", "short", "v", 100*time.Millisecond)
	want(t, b, "ttl", "short", "v")
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, _, err := b.Get(context.Background(), "ttl", "short")
		if err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("entry with a 100ms TTL still returned after 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	wantMiss(t, b, "ttl", "short")
}
