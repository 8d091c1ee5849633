package rediscache_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cachetoolz/cachetoolz"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
	"github.com/redis/rueidis"
)

// A cache on Redis: the backend from a URL, the cache around it, and a
// wrapped function. (It needs a server, so it is compiled but not run.)
func ExampleNew() {
	backend, err := rediscache.New("redis://localhost:6379/0", &rediscache.Options{Prefix: "myapp:"})
	if err != nil {
		fmt.Println(err)
		return
	}
	cache, err := cachetoolz.New(backend, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cache.Close()
	square, err := cachetoolz.Wrap1(cache, func(ctx context.Context, n int) (int, error) {
		return n * n, nil
	}, &cachetoolz.Options{Name: "square", Namespace: "math", TTL: time.Hour})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(square(context.Background(), 12))
}

// A URL the backend cannot use is an error from New, before any connection.
func ExampleNew_badURL() {
	_, err := rediscache.New("http://localhost:6379", nil)
	fmt.Println(err)
	// Output:
	// cachetoolz: redis: parsing "http://localhost:6379": redis: invalid URL scheme: http
}

// A backend on a Redis Cluster through a client the caller made; the same
// works for a Sentinel group (ClientOption.Sentinel) or a single server.
func ExampleNewFromClient() {
	client, err := rueidis.NewClient(rueidis.ClientOption{
		InitAddress: []string{"localhost:7000", "localhost:7001", "localhost:7002"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Close()
	backend := rediscache.NewFromClient(client, nil)
	defer backend.Close() // leaves the client open
	_ = backend
}

// Processes that share a Redis load a cold key once between them: with
// Options.Lock, one process runs the function while the others wait for
// its result. (It needs a server, so it is compiled but not run.)
func ExampleBackend_TryLock() {
	backend, err := rediscache.New("redis://localhost:6379/0", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	cache, err := cachetoolz.New(backend, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cache.Close()
	report, err := cachetoolz.Wrap1(cache, func(ctx context.Context, day string) (string, error) {
		return "the expensive report of " + day, nil // minutes of work in every process without the lock
	}, &cachetoolz.Options{
		Name:     "report",
		TTL:      time.Hour,
		Lock:     true,             // one load across the processes
		LockTTL:  10 * time.Second, // a holder that dies delays the others by at most this
		LockWait: 5 * time.Minute,  // after this, a waiter runs the function itself
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(report(context.Background(), "2026-12-01"))
}
