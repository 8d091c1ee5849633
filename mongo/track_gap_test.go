package mongocache

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestTrackFirstReadDelayedPastAPoll checks the first read of a namespace
// whose reply is handled only after a poll has started and its overlap has
// passed: the namespace is watched too late for that poll, and the next
// one looks for writes only from a second before that poll's start. An
// overwrite made between the read and then must still be reported (or
// the namespace reported cleared).
func TestTrackFirstReadDelayedPastAPoll(t *testing.T) {
	ctx := context.Background()
	a, other := pair(t, Options{TrackInterval: 10 * time.Millisecond})
	const ns, key = "gap", "k"
	_, gen, err := other.Get(ctx, ns, key)
	if err == nil {
		t.Fatal("a hit in a new namespace")
	}
	if err := other.Set(ctx, ns, key, []byte("v1"), 0, gen); err != nil {
		t.Fatal(err)
	}
	r := track(t, a)
	read := make(chan struct{})
	release := make(chan struct{})
	a.watching = func() {
		a.watching = nil
		close(read)
		<-release
	}
	got := make(chan []byte, 1)
	go func() {
		v, _, _, err := a.GetTTL(ctx, ns, key)
		if err != nil {
			t.Error(err)
		}
		got <- v
	}()
	<-read // a has read v1, and does not watch the namespace yet
	if err := other.Set(ctx, ns, key, []byte("v2"), 0, gen); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Modified time.Time `bson:"modified_at"`
	}
	if err := other.db.Collection(CollectionName(ns)).FindOne(ctx, bson.D{{Key: "_id", Value: docID(key)}}).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	// Wait for a poll that began more than the overlap after the write:
	// the polls after it look for writes made after the write.
	for {
		var h hello
		if err := other.db.RunCommand(ctx, bson.D{{Key: "hello", Value: 1}}).Decode(&h); err != nil {
			t.Fatal(err)
		}
		if h.LocalTime.Sub(doc.Modified) > trackOverlap {
			break
		}
		<-r.polls
	}
	for range 2 {
		<-r.polls
	}
	close(release)
	if v := <-got; string(v) != "v1" {
		t.Fatalf("read %q, want v1", v)
	}
	for len(r.polls) > 0 {
		<-r.polls
	}
	for range 3 {
		<-r.polls
	}
	for len(r.reports) > 0 {
		x := <-r.reports
		if x.kind == "lost" || x.ns == ns {
			return
		}
	}
	t.Fatal("the overwrite of an entry read before its namespace was watched was never reported")
}
