package mongocache

import (
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/cachetest"
)

// TestNear runs the local-tier conformance suite on backends that share a
// database, as processes would.
func TestNear(t *testing.T) {
	serverURI(t)
	db := randomName("t_")
	cachetest.RunNear(t, cachetest.NearHarness{
		New: func(t *testing.T) cachetoolz.Backend {
			return newTestBackend(t, &Options{Database: db})
		},
	})
}
