package mongocache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// sibling returns a second backend on b's database, with a client of its
// own: another process sharing the cache.
func sibling(t *testing.T, b *Backend) *Backend {
	t.Helper()
	o, err := New(serverURI(t), &Options{
		Database: b.Database().Name(),
		Timeout:  30 * time.Second,
		Logger:   slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = o.Close() })
	return o
}

// TestLostGenerationDocument checks that the generation is learnt from the
// generation document alone: once that document is lost, old entries are
// no longer served, and new keys are stored and hit at once instead of
// being loaded again on every call.
func TestLostGenerationDocument(t *testing.T) {
	b := newTestBackend(t, nil)
	ctx := context.Background()
	put(t, b, "lost", "old", "old value")
	want(t, b, "lost", "old", "old value")
	if _, err := b.space("lost").coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: genID}}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		key := fmt.Sprint("new", i)
		put(t, b, "lost", key, "new value")
		want(t, b, "lost", key, "new value")
		wantMiss(t, b, "lost", "old") // of a generation that is gone
	}
	put(t, b, "lost", "old", "reloaded")
	want(t, b, "lost", "old", "reloaded")
}

// TestEntryOfAnotherGeneration checks that a committed entry whose
// generation is not the document's is a miss, and that the miss reports
// the document's generation.
func TestEntryOfAnotherGeneration(t *testing.T) {
	b := newTestBackend(t, nil)
	ctx := context.Background()
	put(t, b, "other", "k", "v")
	g := readGeneration(ctx, b.space("other").coll)
	if g.state != genOK {
		t.Fatalf("generation %+v", g)
	}
	_, err := b.space("other").coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: docID("k")}},
		bson.D{{Key: "$set", Value: bson.D{{Key: fieldGen, Value: int64(g.gen + 1)}}}})
	if err != nil {
		t.Fatal(err)
	}
	_, gen, err := b.Get(ctx, "other", "k")
	if !errors.Is(err, cachetoolz.ErrNotFound) || gen != g.gen {
		t.Fatalf("Get = gen %d, %v; want a miss with generation %d", gen, err, g.gen)
	}
}

// TestMissReportsGenerationClearedElsewhere checks that a miss reports the
// generation the namespace has now, even when another process cleared it
// since this backend last looked, and that a load begun before that clear
// stores nothing.
func TestMissReportsGenerationClearedElsewhere(t *testing.T) {
	a := newTestBackend(t, nil)
	b := sibling(t, a)
	ctx := context.Background()
	_, before, err := b.Get(ctx, "shared", "k")
	if !errors.Is(err, cachetoolz.ErrNotFound) {
		t.Fatal(err)
	}
	if err := a.Clear(ctx, "shared"); err != nil {
		t.Fatal(err)
	}
	_, after, err := b.Get(ctx, "shared", "k")
	if !errors.Is(err, cachetoolz.ErrNotFound) {
		t.Fatal(err)
	}
	if after == before {
		t.Fatalf("a miss after another process's clear reports the generation from before it (%d)", before)
	}
	if err := b.Set(ctx, "shared", "k", []byte("stale"), 0, before); err != nil {
		t.Fatal(err)
	}
	wantMiss(t, a, "shared", "k")
	if err := b.Set(ctx, "shared", "k", []byte("fresh"), 0, after); err != nil {
		t.Fatal(err)
	}
	want(t, a, "shared", "k", "fresh")
}

// TestNoJoinAcrossClearElsewhere runs the cache in process B: a call made
// after process A cleared the namespace must not join a load that began
// before the clear, and that load's result must not be stored.
func TestNoJoinAcrossClearElsewhere(t *testing.T) {
	procA := newTestBackend(t, nil)
	procB := sibling(t, procA)
	c, err := cachetoolz.New(procB, &cachetoolz.Config{Logger: slog.New(slog.DiscardHandler), Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	started := make(chan struct{}, 1)
	release := make(chan struct{})
	f, err := cachetoolz.Wrap1(c, func(_ context.Context, id int) (string, error) {
		n := calls.Add(1)
		if n == 1 {
			started <- struct{}{}
			<-release
		}
		return fmt.Sprint("load ", n), nil
	}, &cachetoolz.Options{Namespace: "users"})
	if err != nil {
		t.Fatal(err)
	}

	first := make(chan string, 1)
	go func() {
		v, err := f(context.Background(), 7)
		if err != nil {
			v = err.Error()
		}
		first <- v
	}()
	<-started
	if err := procA.Clear(context.Background(), "users"); err != nil {
		t.Fatal(err)
	}
	// Joining the first load would wait for release: the deadline turns
	// that into a failure instead of a hang.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	v, err := f(ctx, 7)
	if err != nil || v != "load 2" {
		t.Fatalf("the call after the clear = %q, %v; want its own load, %q", v, err, "load 2")
	}
	close(release)
	if v := <-first; v != "load 1" {
		t.Fatalf("the call before the clear = %q", v)
	}
	// The load from before the clear stored nothing over the new one.
	if v, err := f(ctx, 7); err != nil || v != "load 2" {
		t.Fatalf("after both loads: %q, %v; want %q", v, err, "load 2")
	}
}

// garbage is what damaged generation documents may hold instead of a
// generation.
var garbage = map[string]bson.D{
	"string":   {{Key: fieldGen, Value: "not a number"}},
	"int32":    {{Key: fieldGen, Value: int32(5)}},
	"double":   {{Key: fieldGen, Value: 1.5}},
	"zero":     {{Key: fieldGen, Value: int64(0)}},
	"binary":   {{Key: fieldGen, Value: bson.Binary{Data: []byte{0xff, 0}}}},
	"document": {{Key: fieldGen, Value: bson.D{{Key: "x", Value: 1}}}},
	"absent":   {{Key: "other", Value: true}},
}

// corrupt replaces the generation document of namespace with doc.
func corrupt(t testing.TB, b *Backend, namespace string, doc bson.D) {
	t.Helper()
	_, err := b.Database().Collection(CollectionName(namespace)).ReplaceOne(context.Background(),
		bson.D{{Key: "_id", Value: genID}}, doc, options.Replace().SetUpsert(true))
	if err != nil {
		t.Fatal(err)
	}
}

// TestDamagedGeneration checks that a generation document that holds no
// generation is that namespace's miss (never an error, never an old
// entry), leaves other namespaces alone, and is repaired by Clear.
func TestDamagedGeneration(t *testing.T) {
	for name, doc := range garbage {
		t.Run(name, func(t *testing.T) {
			b := newTestBackend(t, nil)
			ctx := context.Background()
			put(t, b, "bad", "k", "v")
			put(t, b, "good", "k", "v")
			corrupt(t, b, "bad", doc)

			for _, be := range []*Backend{b, sibling(t, b)} { // warm and cold
				for _, key := range []string{"k", "new"} {
					_, gen, err := be.Get(ctx, "bad", key)
					if !errors.Is(err, cachetoolz.ErrNotFound) {
						t.Fatalf("Get(%q) = %v; want a miss", key, err)
					}
					if err := be.Set(ctx, "bad", key, []byte("w"), 0, gen); err != nil {
						t.Fatalf("Set(%q) = %v", key, err)
					}
					wantMiss(t, be, "bad", key)
				}
				want(t, be, "good", "k", "v")
			}
			if err := b.Clear(ctx, "bad"); err != nil {
				t.Fatal(err)
			}
			put(t, b, "bad", "k", "repaired")
			want(t, b, "bad", "k", "repaired")
		})
	}
}

// TestStaleSetKeepsNewerEntry checks that a store for a load that began
// before another process's clear neither shows its value nor hides the
// entry a load after the clear stored.
func TestStaleSetKeepsNewerEntry(t *testing.T) {
	a := newTestBackend(t, nil)
	b := sibling(t, a)
	ctx := context.Background()
	_, before, err := b.Get(ctx, "ns", "k")
	if !errors.Is(err, cachetoolz.ErrNotFound) {
		t.Fatal(err)
	}
	if err := a.Clear(ctx, "ns"); err != nil {
		t.Fatal(err)
	}
	put(t, a, "ns", "k", "after the clear")
	if err := b.Set(ctx, "ns", "k", []byte("before the clear"), 0, before); err != nil {
		t.Fatal(err)
	}
	want(t, a, "ns", "k", "after the clear")
	want(t, b, "ns", "k", "after the clear")
}
