package mongocache

import (
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/cachetest"
)

func TestConformance(t *testing.T) {
	serverURI(t)
	cachetest.Run(t, func(t *testing.T) cachetoolz.Backend {
		return newTestBackend(t, nil)
	})
}
