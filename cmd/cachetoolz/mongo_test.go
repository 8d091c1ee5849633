package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	mongocache "github.com/cachetoolz/cachetoolz/mongo"
)

// newMongo returns a backend on the shared server in a database of its
// own, dropped when the test ends, and that database's name.
func newMongo(t testing.TB) (*mongocache.Backend, string) {
	t.Helper()
	uri := mongoURI(t)
	var id [6]byte
	_, _ = rand.Read(id[:])
	db := "cli_" + hex.EncodeToString(id[:])
	b, err := mongocache.New(uri, &mongocache.Options{Database: db, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = b.Database().Drop(ctx)
		_ = b.Close()
	})
	return b, db
}

func TestMongo(t *testing.T) {
	b, db := newMongo(t)
	testCommands(t, nil, b, true, "-url", mongoURI(t), "-db", db, "-timeout", "30s")
}

func TestMongoErrors(t *testing.T) {
	c := cli{t: t}
	c.fails("", 1, "cannot reach mongodb://127.0.0.1:1", "stats", "-url", "mongodb://127.0.0.1:1", "-timeout", "500ms")
	c.fails("", 1, "mongo", "stats", "-url", "mongodb://127.0.0.1:1/?connectTimeoutMS=notanumber")
	c.fails("", 1, "database name", "stats", "-url", "mongodb://127.0.0.1:1", "-db", "a.b")
	_, db := newMongo(t)
	c.fails("", 1, "unknown namespace ghost", "inspect", "-url", mongoURI(t), "-db", db, "ghost")
}
