package mongocache

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

func TestNewRejectsBadURIs(t *testing.T) {
	for _, uri := range []string{"http://localhost:27017", "mongodb://", "mongodb://[::1", "not a uri", "mongodb://localhost:27017/?connectTimeoutMS=abc"} {
		b, err := New(uri, nil)
		if err == nil {
			_ = b.Close()
			t.Errorf("New(%q) succeeded", uri)
			continue
		}
		if !strings.HasPrefix(err.Error(), "cachetoolz: mongo: connect: ") {
			t.Errorf("New(%q): %v, want a cachetoolz: mongo: connect: error", uri, err)
		}
	}
}

func TestNewRejectsBadDatabases(t *testing.T) {
	for _, db := range []string{".cachetoolz", "a.b", "a/b", "a b", "a$b", "a\x00", strings.Repeat("d", 64)} {
		if b, err := New("", &Options{Database: db}); err == nil {
			_ = b.Close()
			t.Errorf("New with database %q succeeded", db)
		}
	}
}

func TestDefaults(t *testing.T) {
	b, err := New("", nil) // lazy: no server needed
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if got := b.Database().Name(); got != DefaultDatabase {
		t.Errorf("database %q, want %q", got, DefaultDatabase)
	}
	if b.timeout != DefaultTimeout {
		t.Errorf("timeout %v, want %v", b.timeout, DefaultTimeout)
	}
}

// TestUnreachableServerIsBounded checks that an operation on a server that
// is not there fails within the server selection timeout instead of
// hanging, whatever the caller's context.
func TestUnreachableServerIsBounded(t *testing.T) {
	b, err := New("mongodb://127.0.0.1:1/", &Options{
		Client: options.Client().SetServerSelectionTimeout(200 * time.Millisecond),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	done := make(chan error, 1)
	go func() {
		_, _, err := b.Get(context.Background(), "ns", "k")
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || errors.Is(err, cachetoolz.ErrNotFound) {
			t.Fatalf("Get on an unreachable server: %v, want an error", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Get on an unreachable server did not return within 10s")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := b.Set(ctx, "ns", "k", []byte("v"), 0, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Set past its deadline: %v, want context.DeadlineExceeded", err)
	}
}

func TestNewFromClientLeavesClientOpen(t *testing.T) {
	uri := serverURI(t)
	client, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	defer client.Disconnect(ctx)
	db := randomName("t_")
	defer client.Database(db).Drop(ctx)

	b, err := NewFromClient(client, &Options{Database: db, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if b.Client() != client {
		t.Error("Client() is not the client given")
	}
	put(t, b, "ns", "k", "v")
	want(t, b, "ns", "k", "v")
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.Get(ctx, "ns", "k"); !errors.Is(err, cachetoolz.ErrClosed) {
		t.Errorf("Get after Close: %v, want ErrClosed", err)
	}
	if err := client.Ping(ctx, nil); err != nil {
		t.Errorf("the program's client after Close: %v", err)
	}
	if _, err := NewFromClient(nil, nil); err == nil {
		t.Error("NewFromClient(nil) succeeded")
	}
}
