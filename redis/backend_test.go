package rediscache_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/cachetest"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
	"github.com/redis/rueidis"
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

// conformance runs the conformance suite on url once for each kind of
// damage the CorruptGeneration hook can do; raw reaches the server directly.
func conformance(t *testing.T, url string, raw rueidis.Client, opts *rediscache.Options) {
	prefix := rediscache.DefaultPrefix
	if opts != nil && opts.Prefix != "" {
		prefix = opts.Prefix
	}
	for _, damage := range damages {
		t.Run(damage.name, func(t *testing.T) {
			cachetest.RunHarness(t, cachetest.Harness{
				New: func(t *testing.T) cachetoolz.Backend { return newBackend(t, url, opts) },
				CorruptGeneration: func(t *testing.T, b cachetoolz.Backend, namespace string) {
					for _, key := range rediscache.ShardGenerationKeys(prefix, namespace, b.(*rediscache.Backend).Shards()) {
						damage.do(t, raw, key)
					}
				},
			})
		})
	}
}

// damages are the ways a generation key can be damaged: a value that is not
// a generation, and a key of another type.
var damages = []struct {
	name string
	do   func(t testing.TB, raw rueidis.Client, key string)
}{
	{"UnparsableGeneration", func(t testing.TB, raw rueidis.Client, key string) {
		t.Helper()
		if err := raw.Do(bg, raw.B().Set().Key(key).Value("not-a-generation").Build()).Error(); err != nil {
			t.Fatal(err)
		}
	}},
	{"WrongTypeGeneration", func(t testing.TB, raw rueidis.Client, key string) {
		t.Helper()
		for _, err := range raw.DoMulti(bg,
			raw.B().Del().Key(key).Build(),
			raw.B().Rpush().Key(key).Element("garbage").Build()) {
			if err.Error() != nil {
				t.Fatal(err.Error())
			}
		}
	}},
}

func TestConformanceStandalone(t *testing.T) {
	srv := testserver.Redis(t)
	conformance(t, srv.URL(), rawClient(t, srv.Addr()), nil)
}

func TestConformanceCluster(t *testing.T) {
	c := testserver.NewRedisCluster(t)
	conformance(t, clusterURL(c), rawClient(t, c.Addrs()...), nil)
}

// TestConformanceSentinel reaches the master through a Sentinel, from a URL
// with master_set.
func TestConformanceSentinel(t *testing.T) {
	s := testserver.NewRedisSentinel(t, 0)
	conformance(t, s.URL(), rawClient(t, s.Master.Addr()), nil)
}

func TestConformancePrefixed(t *testing.T) {
	srv := testserver.Redis(t)
	conformance(t, srv.URL(), rawClient(t, srv.Addr()), &rediscache.Options{Prefix: "app{x}:", ReclaimBatch: 3})
}

var bg = context.Background()
