package mongocache

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// TestStartBeforeServer builds a backend while its server is down, then
// starts the server: until then operations fail within their context, and
// then they work, on the same backend, without anything done to it.
func TestStartBeforeServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own server")
	}
	srv := testserver.MongoOwn(t)
	if err := srv.Kill(); err != nil { // keeps its address free for Restart
		t.Fatal(err)
	}
	b, err := New(srv.URI(), &Options{
		Database: "startup",
		Timeout:  2 * time.Second,
		Logger:   slog.New(slog.DiscardHandler),
		Client:   options.Client().SetServerSelectionTimeout(300 * time.Millisecond),
	})
	if err != nil {
		t.Fatalf("New with the server down: %v", err)
	}
	defer b.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	_, _, err = b.Get(ctx, "ns", "k")
	cancel()
	if err == nil || errors.Is(err, cachetoolz.ErrNotFound) {
		t.Fatalf("Get with the server down = %v; want an error", err)
	}
	if err := b.Set(context.Background(), "ns", "k", []byte("v"), time.Minute, 1); err == nil {
		t.Fatal("Set with the server down succeeded")
	}

	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	// Each attempt is bounded by the backend's timeout; the driver finds
	// the server by itself within a few of them.
	var gen uint64
	for i := 0; ; i++ {
		_, gen, err = b.Get(context.Background(), "ns", "k")
		if errors.Is(err, cachetoolz.ErrNotFound) {
			break
		}
		if i == 100 {
			t.Fatalf("Get after the server started: %v", err)
		}
	}
	if err := b.Set(context.Background(), "ns", "k", []byte("v"), time.Minute, gen); err != nil {
		t.Fatal(err)
	}
	want(t, b, "ns", "k", "v")
	if err := b.Clear(context.Background(), "ns"); err != nil {
		t.Fatal(err)
	}
	wantMiss(t, b, "ns", "k")
}
