package rediscache_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
)

// TestSentinelFailover kills the master of a Sentinel group: calls fail
// within their deadline while there is no master, and the same backend
// follows the Sentinel to the promoted replica.
func TestSentinelFailover(t *testing.T) {
	s := testserver.NewRedisSentinel(t, 1)
	b := newBackend(t, s.URL(), &rediscache.Options{Timeout: 500 * time.Millisecond})
	roundTrip(t, b)
	if err := s.Master.Kill(); err != nil {
		t.Fatal(err)
	}
	// Bounded: Sentinel notices after a second, then promotes the replica.
	deadline := time.Now().Add(30 * time.Second)
	var lastErr error
	for i := 0; ; i++ {
		if time.Now().After(deadline) {
			t.Fatalf("no working master 30s after the kill; last error: %v", lastErr)
		}
		ns := fmt.Sprint("after-", i)
		lastErr = bounded(t, 3*time.Second, "Get during failover", func() error {
			ctx, cancel := context.WithTimeout(bg, 200*time.Millisecond)
			defer cancel()
			_, gen, err := b.Get(ctx, ns, "k")
			if !errors.Is(err, cachetoolz.ErrNotFound) {
				return err
			}
			return b.Set(ctx, ns, "k", []byte("v"), time.Minute, gen)
		})
		if lastErr == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(bg, 5*time.Second)
	defer cancel()
	addr, err := s.MasterAddr(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if addr != s.Replicas[0].Addr() {
		t.Fatalf("Sentinel names %s as master, want the replica %s", addr, s.Replicas[0].Addr())
	}
	// The promoted replica holds what the backend writes now.
	_, gen, _ := b.Get(bg, "promoted", "k")
	if err := b.Set(bg, "promoted", "k", []byte("v"), time.Minute, gen); err != nil {
		t.Fatal(err)
	}
	got, err := s.Replicas[0].Do(ctx, "EXISTS", "cachetoolz:{promoted}:k:k")
	if err != nil || got != int64(1) {
		t.Fatalf("EXISTS on the promoted replica = %v, %v; want 1", got, err)
	}
}
