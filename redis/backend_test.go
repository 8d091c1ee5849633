package rediscache_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/cachetest"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
)

// clusterURL returns a URL naming every master of c.
func clusterURL(c *testserver.RedisCluster) string {
	addrs := c.Addrs()
	return "redis://" + addrs[0] + "?addr=" + strings.Join(addrs[1:], "&addr=")
}

func newBackend(t testing.TB, url string, opts *rediscache.Options) *rediscache.Backend {
	t.Helper()
	b, err := rediscache.New(url, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func TestConformanceStandalone(t *testing.T) {
	srv := testserver.Redis(t)
	cachetest.Run(t, func(t *testing.T) cachetoolz.Backend {
		return newBackend(t, srv.URL(), nil)
	})
}

func TestConformanceCluster(t *testing.T) {
	c := testserver.NewRedisCluster(t)
	cachetest.Run(t, func(t *testing.T) cachetoolz.Backend {
		return newBackend(t, clusterURL(c), nil)
	})
}

// TestConformanceSentinel reaches the master through a Sentinel, from a URL
// with master_set.
func TestConformanceSentinel(t *testing.T) {
	s := testserver.NewRedisSentinel(t, 0)
	cachetest.Run(t, func(t *testing.T) cachetoolz.Backend {
		return newBackend(t, s.URL(), nil)
	})
}

func TestConformancePrefixed(t *testing.T) {
	srv := testserver.Redis(t)
	cachetest.Run(t, func(t *testing.T) cachetoolz.Backend {
		return newBackend(t, srv.URL(), &rediscache.Options{Prefix: "app{x}:", ReclaimBatch: 3})
	})
}

var bg = context.Background()
