package mongocache

import (
	"context"
	"fmt"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// benchKeys is how many entries the namespace holds during the benchmarks.
const benchKeys = 1024

func benchBackend(b *testing.B) (*Backend, string, uint64) {
	be := newTestBackend(b, nil)
	ctx := context.Background()
	ns := "bench"
	_, gen, _ := be.Get(ctx, ns, "x")
	for i := range benchKeys {
		if err := be.Set(ctx, ns, fmt.Sprint(i), []byte(`{"ID":1,"Name":"name","Tags":["a","b"]}`), 0, gen); err != nil {
			b.Fatal(err)
		}
	}
	return be, ns, gen
}

func BenchmarkGet(b *testing.B) {
	be, ns, _ := benchBackend(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, _, err := be.Get(ctx, ns, fmt.Sprint(i%benchKeys)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkRawFindOne(b *testing.B) {
	be, ns, _ := benchBackend(b)
	coll := be.space(ns).coll
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		raw, err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: docID(fmt.Sprint(i % benchKeys))}}).Raw()
		if err != nil {
			b.Fatal(err)
		}
		_ = raw
		i++
	}
}

func BenchmarkSet(b *testing.B) {
	be, ns, gen := benchBackend(b)
	benchSets(b, be, ns, gen)
}

// BenchmarkSetTracked is BenchmarkSet on a tracking backend: stores also
// maintain the modified_at index, while the backend polls the namespace.
func BenchmarkSetTracked(b *testing.B) {
	be, ns, gen := benchBackend(b)
	polls := countPolls(be)
	if err := be.Track(discard{}); err != nil {
		b.Fatal(err)
	}
	if _, _, err := be.Get(context.Background(), ns, "0"); err != nil {
		b.Fatal(err)
	}
	for len(polls) > 0 {
		<-polls
	}
	for range 2 { // the namespace is polled, and its index made
		<-polls
	}
	benchSets(b, be, ns, gen)
}

// benchSets times Sets of the benchmark's keys.
func benchSets(b *testing.B, be *Backend, ns string, gen uint64) {
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := be.Set(ctx, ns, fmt.Sprint(i%benchKeys), []byte("v"), 0, gen); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// discard is a TrackSink that drops every report.
type discard struct{}

func (discard) Changed(string, string) {}
func (discard) Cleared(string)         {}
func (discard) Lost()                  {}
