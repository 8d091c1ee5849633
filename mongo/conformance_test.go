package mongocache

import (
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/cachetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestConformance(t *testing.T) {
	serverURI(t)
	cachetest.RunHarness(t, cachetest.Harness{
		New: func(t *testing.T) cachetoolz.Backend {
			return newTestBackend(t, nil)
		},
		CorruptGeneration: func(t *testing.T, b cachetoolz.Backend, namespace string) {
			mb, ok := b.(*Backend)
			if !ok {
				t.Fatalf("CorruptGeneration: a %T, not a *Backend", b)
			}
			corrupt(t, mb, namespace, bson.D{{Key: fieldGen, Value: "garbage"}})
		},
	})
}
