package rediscache_test

import (
	"errors"
	"strconv"
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
)

// Redis may evict a namespace's generation key (allkeys-lru, allkeys-lfu).
// Entries of an earlier generation that reclaim has not removed yet must
// never become current again when the namespace gets a new generation:
// a new one starts at the server's clock, never at a small number that an
// old generation may have had.
func TestEvictedGenerationKeyResurrectsNothing(t *testing.T) {
	srv := testserver.Redis(t)
	raw := rawClient(t, srv.Addr())
	b := newBackend(t, srv.URL(), &rediscache.Options{Prefix: "evg:"})
	const ns = "evicted"
	fill(t, b, ns, 5, 0) // entries under the namespace's first generation
	genKey := rediscache.GenerationKey("evg:", ns)
	first, err := raw.Do(bg, raw.B().Get().Key(genKey).Build()).ToString()
	if err != nil {
		t.Fatal(err)
	}
	// The generation key is lost, as eviction would lose it.
	if err := raw.Do(bg, raw.B().Del().Key(genKey).Build()).Error(); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		_, gen, err := b.Get(bg, ns, "0")
		if !errors.Is(err, cachetoolz.ErrNotFound) {
			t.Fatalf("Get %d after the generation key was lost: %v, want a miss", i, err)
		}
		if g := strconv.FormatUint(gen, 10); g == first {
			t.Fatalf("the namespace got its lost generation %s back", g)
		}
		if err := b.Set(bg, ns, "new", []byte("v"), 0, gen); err != nil {
			t.Fatal(err)
		}
	}
	if v, _, err := b.Get(bg, ns, "new"); err != nil || string(v) != "v" {
		t.Fatalf("the namespace does not cache under its new generation: %q, %v", v, err)
	}
	if _, _, err := b.Get(bg, ns, "1"); !errors.Is(err, cachetoolz.ErrNotFound) {
		t.Fatalf("an entry of the lost generation was served: %v", err)
	}
}
