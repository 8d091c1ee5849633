package rediscache_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
	"github.com/redis/rueidis"
)

// startsLater builds a backend on url while nothing answers there, checks
// that its operations fail at once, then runs start and checks that the
// same backend starts working by itself.
func startsLater(t *testing.T, url string, start func() error) {
	t.Helper()
	b, err := rediscache.New(url, &rediscache.Options{Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatalf("New while the server is down: %v, want a backend", err)
	}
	t.Cleanup(func() { _ = b.Close() })
	for _, op := range []func() error{
		func() error { return b.Ping(bg) },
		func() error { _, _, err := b.Get(bg, "ns", "k"); return err },
		func() error { return b.Set(bg, "ns", "k", []byte("v"), 0, 0) },
		func() error { return b.Clear(bg, "ns") },
	} {
		err := bounded(t, 2*time.Second, "an operation before the server starts", op)
		if err == nil || errors.Is(err, cachetoolz.ErrNotFound) {
			t.Fatalf("operation before the server starts: %v, want an error", err)
		}
	}
	if err := start(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "the backend to reach the server", func() bool {
		_, _, err := b.Get(bg, "ns", "k")
		return errors.Is(err, cachetoolz.ErrNotFound)
	})
	roundTrip(t, b)
	if err := b.Ping(bg); err != nil {
		t.Fatalf("Ping once the server answers: %v", err)
	}
}

func TestNewBeforeServerStarts(t *testing.T) {
	srv := testserver.Redis(t)
	if srv.External() {
		t.Skip("needs a server it can stop")
	}
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	startsLater(t, srv.URL(), srv.Restart)
}

func TestNewBeforeSentinelStarts(t *testing.T) {
	s := testserver.NewRedisSentinel(t, 0)
	if err := s.Sentinel.Kill(); err != nil {
		t.Fatal(err)
	}
	startsLater(t, s.URL(), s.Sentinel.Restart)
}

func TestNewBeforeClusterStarts(t *testing.T) {
	c := testserver.NewRedisCluster(t)
	if c.External() {
		t.Skip("needs a cluster it can stop")
	}
	for _, n := range c.Nodes() {
		if err := n.Kill(); err != nil {
			t.Fatal(err)
		}
	}
	startsLater(t, clusterURL(c), func() error {
		for _, n := range c.Nodes() {
			if err := n.Restart(); err != nil {
				return err
			}
		}
		// The nodes reload their cluster configuration; wait until every
		// one serves all slots again, so that any namespace works.
		eventually(t, 20*time.Second, "the cluster to be ok", func() bool {
			for _, n := range c.Nodes() {
				info, err := n.Do(bg, "CLUSTER", "INFO")
				if s, ok := info.(string); err != nil || !ok || !strings.Contains(s, "cluster_state:ok") {
					return false
				}
			}
			return true
		})
		return nil
	})
}

// TestNewRefusesBadOptions: a server being down is no reason to accept
// options the client refuses.
func TestNewRefusesBadOptions(t *testing.T) {
	_, err := rediscache.New("redis://127.0.0.1:1/0", &rediscache.Options{
		Configure: func(o *rueidis.ClientOption) { o.PipelineMultiplex = 100 },
	})
	if !errors.Is(err, rueidis.ErrWrongPipelineMultiplex) {
		t.Fatalf("New with a refused option: %v, want ErrWrongPipelineMultiplex", err)
	}
	if _, err := rediscache.New("redis://127.0.0.1:notaport/0", nil); err == nil {
		t.Fatal("New with an invalid URL: no error")
	}
}
