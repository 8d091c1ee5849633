package rediscache_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
)

// TestDeleteLayout: Delete removes the entry and its member of the current
// generation's index, and leaves the generation and the other entries.
func TestDeleteLayout(t *testing.T) {
	srv := testserver.Redis(t)
	b := newBackend(t, srv.URL(), &rediscache.Options{Prefix: "del:"})
	raw := rawClient(t, srv.Addr())
	_, gen, _ := b.Get(bg, "ns", "a")
	for _, k := range []string{"a", "b"} {
		if err := b.Set(bg, "ns", k, []byte("v"), 0, gen); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Delete(bg, "ns", "a"); err != nil {
		t.Fatal(err)
	}
	base := "del:{ns}:"
	want := []string{base + "g", base + fmt.Sprintf("i:%d", gen), base + "k:b"}
	if got := keysMatching(t, raw, escapeGlob(base)+"*"); !slices.Equal(got, want) {
		t.Fatalf("keys %q, want %q", got, want)
	}
	members, err := raw.Do(bg, raw.B().Zrange().Key(base+fmt.Sprintf("i:%d", gen)).Min("0").Max("-1").Build()).AsStrSlice()
	if err != nil || !slices.Equal(members, []string{"b"}) {
		t.Fatalf("index %q, %v; want [b]", members, err)
	}
	if _, g, _ := b.Get(bg, "ns", "a"); g != gen {
		t.Fatalf("generation %d after Delete, want %d", g, gen)
	}
}
