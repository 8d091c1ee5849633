package mongocache_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/cachetoolz/cachetoolz"
	mongocache "github.com/cachetoolz/cachetoolz/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// A cache on MongoDB: one backend (one pooled client) for the program.
func ExampleNew() {
	backend, err := mongocache.New("mongodb://localhost:27017", &mongocache.Options{
		Database: "cachetoolz",
		Client:   options.Client().SetMaxPoolSize(20), // driver options pass through
	})
	if err != nil {
		log.Fatal(err)
	}
	cache, err := cachetoolz.New(backend, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer cache.Close()

	square, err := cachetoolz.Wrap1(cache, func(ctx context.Context, n int) (int, error) {
		return n * n, nil
	}, &cachetoolz.Options{Name: "example.square", TTL: time.Minute})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(square(context.Background(), 12))
}
