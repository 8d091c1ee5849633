package testserver

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestRedisKillRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers")
	}
	s := RedisWith(t, RedisOptions{Password: "secret"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := s.Do(ctx, "SET", "k", "v"); err != nil {
		t.Fatal(err)
	}
	if err := s.Kill(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Do(ctx, "PING"); err == nil {
		t.Fatal("PING answered after Kill")
	}
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	got, err := s.Do(ctx, "EXISTS", "k")
	if err != nil || got != int64(0) {
		t.Fatalf("EXISTS after restart = %v, %v; want 0 (nothing persisted)", got, err)
	}
}

func TestRedisCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers")
	}
	c := NewRedisCluster(t)
	if c.External() {
		t.Skip("external cluster")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	reply, err := c.Nodes()[0].Do(ctx, "CLUSTER", "NODES")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(reply.(string), "master"); n != 3 {
		t.Fatalf("CLUSTER NODES lists %d masters, want 3:\n%s", n, reply)
	}
}

func TestRedisSentinel(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers")
	}
	s := NewRedisSentinel(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	reply, err := s.Sentinel.Do(ctx, "SENTINEL", "MASTERS")
	if err != nil {
		t.Fatal(err)
	}
	if masters, ok := reply.([]any); !ok || len(masters) != 1 {
		t.Fatalf("SENTINEL MASTERS = %v, want one master", reply)
	}
}
