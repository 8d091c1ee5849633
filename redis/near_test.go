package rediscache_test

import (
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/cachetest"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
)

// runNear runs the local-tier conformance suite on backends of their own on
// url, as three processes would have.
func runNear(t *testing.T, url string) {
	cachetest.RunNear(t, cachetest.NearHarness{
		New: func(t *testing.T) cachetoolz.Backend {
			b, err := rediscache.New(url, &rediscache.Options{Prefix: "near:"})
			if err != nil {
				t.Fatal(err)
			}
			return b
		},
	})
}

func TestNearStandalone(t *testing.T) { runNear(t, testserver.Redis(t).URL()) }

func TestNearCluster(t *testing.T) { runNear(t, clusterURL(testserver.NewRedisCluster(t))) }
