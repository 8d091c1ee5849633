package rediscache_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
	"github.com/redis/rueidis"
)

// rawClient returns a plain client on srv for inspecting what the backend
// wrote.
func rawClient(t testing.TB, addrs ...string) rueidis.Client {
	t.Helper()
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: addrs, DisableCache: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// keysMatching lists the keys of a standalone server that match pattern.
func keysMatching(t testing.TB, c rueidis.Client, pattern string) []string {
	t.Helper()
	keys, err := c.Do(bg, c.B().Keys().Pattern(pattern).Build()).AsStrSlice()
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(keys)
	return keys
}

func TestKeyLayout(t *testing.T) {
	srv := testserver.Redis(t)
	b := newBackend(t, srv.URL(), &rediscache.Options{Prefix: "layout:"})
	raw := rawClient(t, srv.Addr())
	cases := map[string]string{
		"users":          "layout:{users}:",
		"user*":          "layout:{user%2A}:",
		"":               "layout:{%}:",
		"%":              "layout:{%25}:",
		"a:b/c":          "layout:{a:b/c}:",
		"{x}?[y]\\":      "layout:{%7Bx%7D%3F%5By%5D%5C}:",
		"ünï 名前\x00\x7f": "layout:{ünï 名前%00%7F}:",
	}
	for ns, base := range cases {
		_, gen, _ := b.Get(bg, ns, "key:1")
		if err := b.Set(bg, ns, "key:1", []byte("v"), 0, gen); err != nil {
			t.Fatal(err)
		}
		if err := b.Clear(bg, ns); err != nil {
			t.Fatal(err)
		}
		if err := b.Reclaim(bg, ns); err != nil {
			t.Fatal(err)
		}
		_, gen, _ = b.Get(bg, ns, "key:1")
		if err := b.Set(bg, ns, "key:1", []byte("v"), 0, gen); err != nil {
			t.Fatal(err)
		}
		want := []string{base + "g", base + fmt.Sprintf("i:%d", gen), base + "k:key:1"}
		got := keysMatching(t, raw, escapeGlob(base)+"*")
		if !slices.Equal(got, want) {
			t.Errorf("namespace %q: keys %q, want %q", ns, got, want)
		}
		v, err := raw.Do(bg, raw.B().Get().Key(base+"k:key:1").Build()).ToString()
		if err != nil || v != fmt.Sprintf("%d:v", gen) {
			t.Errorf("namespace %q: entry %q, %v; want \"<gen>:v\"", ns, v, err)
		}
	}
}

// escapeGlob quotes the glob characters of s for KEYS.
func escapeGlob(s string) string {
	var out []byte
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '*', '?', '[', ']', '\\':
			out = append(out, '\\')
		}
		out = append(out, s[i])
	}
	return string(out)
}

func TestEntryTTLIsMilliseconds(t *testing.T) {
	srv := testserver.Redis(t)
	b := newBackend(t, srv.URL(), &rediscache.Options{Prefix: "ttl:"})
	raw := rawClient(t, srv.Addr())
	for ttl, want := range map[string]struct{ lo, hi int64 }{
		"1500ms": {1400, 1500}, "0": {-1, -1}, "-1s": {-1, -1}, "100us": {0, 1},
	} {
		d, _ := timeParse(ttl)
		_, gen, _ := b.Get(bg, "ns", ttl)
		if err := b.Set(bg, "ns", ttl, []byte("v"), d, gen); err != nil {
			t.Fatal(err)
		}
		pttl, err := raw.Do(bg, raw.B().Pttl().Key("ttl:{ns}:k:"+ttl).Build()).AsInt64()
		if err != nil {
			t.Fatal(err)
		}
		if pttl < want.lo || pttl > want.hi {
			if !(want.lo == 0 && pttl == -2) { // a 1 ms entry may already be gone
				t.Errorf("ttl %s: PTTL %d, want %d..%d", ttl, pttl, want.lo, want.hi)
			}
		}
	}
}
