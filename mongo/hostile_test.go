package mongocache

import (
	"context"
	"fmt"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestHostileNamespaces stores one entry in each hostile namespace, checks
// that each has a collection of its own on the server, and that clearing
// one leaves every other alone.
func TestHostileNamespaces(t *testing.T) {
	b := newTestBackend(t, nil)
	ctx := context.Background()
	for i, ns := range hostile {
		put(t, b, ns, "k", fmt.Sprint(i))
	}
	names, err := b.Database().ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	onServer := map[string]bool{}
	for _, n := range names {
		onServer[n] = true
	}
	for _, ns := range hostile {
		if !onServer[CollectionName(ns)] {
			t.Errorf("namespace %q: collection %q not on the server (have %q)", ns, CollectionName(ns), names)
		}
	}
	for i, ns := range hostile {
		want(t, b, ns, "k", fmt.Sprint(i))
	}
	for i, ns := range hostile {
		if err := b.Clear(ctx, ns); err != nil {
			t.Fatalf("Clear(%q): %v", ns, err)
		}
		wantMiss(t, b, ns, "k")
		for j := i + 1; j < len(hostile); j++ {
			want(t, b, hostile[j], "k", fmt.Sprint(j))
		}
	}
}
