//go:build !race

package rediscache_test

import (
	"context"
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/codec"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	"github.com/cachetoolz/cachetoolz/pykey"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
)

// A hit of a wrapped function in the seed layout, keyed by pykey, allocates
// no more than a GET of its precomputed key and a codec.Python decode: the
// wrapper remembers the call's key and namespace:key (pykey.Generator is a
// PureKeyGenerator), so it neither boxes the argument nor joins the key.
// (The race detector, which this file is built without, makes pykey's pool
// drop its picklers.)
func TestSeedHitAllocations(t *testing.T) {
	srv := testserver.Redis(t)
	b := newBackend(t, srv.URL(), &rediscache.Options{Layout: rediscache.LayoutSeed})
	c, err := cachetoolz.New(b, &cachetoolz.Config{Codec: codec.Python})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	g := pykey.Generator{Module: "app", Name: "person"}
	get, err := cachetoolz.Wrap1(c, func(_ context.Context, id int) (person, error) {
		return person{Name: "p", Age: id, Tags: []string{"a", "b"}}, nil
	}, &cachetoolz.Options{Namespace: "seedalloc", Keys: g})
	if err != nil {
		t.Fatal(err)
	}
	const id = 4242 // boxed with an allocation, as most ints are
	if _, err := get(bg, id); err != nil {
		t.Fatal(err)
	}
	k, err := g.Key(false, cachetoolz.Function{}, []any{id})
	if err != nil {
		t.Fatal(err)
	}
	raw := rawClient(t, srv.Addr())
	key := "seedalloc:" + k
	rawHit := func() {
		data, err := raw.Do(bg, raw.B().Get().Key(key).Build()).AsBytes()
		var p person
		if err == nil {
			err = codec.Python.Unmarshal(data, &p)
		}
		if err != nil || p.Age != id {
			t.Fatalf("raw GET and decode: %+v, %v", p, err)
		}
	}
	hit := func() {
		if p, err := get(bg, id); err != nil || p.Age != id {
			t.Fatalf("hit: %+v, %v", p, err)
		}
	}
	for range 100 { // past the clients' lazy setup
		rawHit()
		hit()
	}
	rawAllocs := testing.AllocsPerRun(200, rawHit)
	hitAllocs := testing.AllocsPerRun(200, hit)
	t.Logf("allocations: %v per hit, %v per raw GET and decode", hitAllocs, rawAllocs)
	if hitAllocs > rawAllocs {
		t.Errorf("a seed-layout hit allocates %v times, a raw GET and decode %v: want no more", hitAllocs, rawAllocs)
	}
	if s := c.Stats()["seedalloc"]; s.Hits != 301 || s.Misses != 1 {
		t.Errorf("Stats = %+v, want the 302 calls all hits but the first", s)
	}
}
