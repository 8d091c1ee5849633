package rediscache_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
)

// TestShardsURL: shards=N in the URL sets the number of shards, as
// Options.Shards does, so that a tool given only a URL uses a service's
// layout; a bad value or one that contradicts the options is an error.
func TestShardsURL(t *testing.T) {
	srv := testserver.Redis(t)
	for _, tc := range []struct {
		query  string
		opts   *rediscache.Options
		want   int
		errStr string
	}{
		{"", nil, 1, ""},
		{"?shards=4", nil, 4, ""},
		{"", &rediscache.Options{Shards: 8}, 8, ""},
		{"?shards=8", &rediscache.Options{Shards: 8}, 8, ""},
		{"?shards=4096", nil, 0, "from 1 to 1024"},
		{"?shards=0", nil, 0, "from 1 to 1024"},
		{"?shards=x", nil, 0, "from 1 to 1024"},
		{"?shards=4", &rediscache.Options{Shards: 8}, 0, "contradicts"},
	} {
		b := newChecked(t, srv.URL()+tc.query, tc.opts, tc.errStr)
		if b == nil {
			continue
		}
		if got := b.Shards(); got != tc.want {
			t.Errorf("New(%s, %+v): %d shards, want %d", tc.query, tc.opts, got, tc.want)
		}
		_ = b.Close()
	}

	// On a standalone server too, the entries of a namespace with four
	// shards spread over four hash tags, and a clear hides them all.
	raw := rawClient(t, srv.Addr())
	b := newBackend(t, srv.URL()+"?shards=4", &rediscache.Options{Prefix: "surl:"})
	fill(t, b, "ns", 40, 0)
	tags := map[string]bool{}
	for _, k := range keysMatching(t, raw, "surl:*:k:*") {
		tag, _, _ := strings.Cut(k, "}")
		tags[tag] = true
	}
	if len(tags) != 4 {
		t.Fatalf("entries under %d hash tags, want 4: %v", len(tags), tags)
	}
	if err := b.Clear(bg, "ns"); err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		if _, _, err := b.Get(bg, "ns", fmt.Sprint(i)); err == nil {
			t.Fatalf("Get(%d) after Clear: a hit", i)
		}
	}
}

// newChecked returns New(url, opts) when errStr is empty; otherwise it
// checks that New fails with an error of the backend's that contains
// errStr, and returns nil.
func newChecked(t *testing.T, url string, opts *rediscache.Options, errStr string) *rediscache.Backend {
	t.Helper()
	b, err := rediscache.New(url, opts)
	if errStr != "" {
		if err == nil || !strings.Contains(err.Error(), errStr) || !strings.HasPrefix(err.Error(), "cachetoolz: redis:") {
			t.Errorf("New(%s) error = %v, want one containing %q", url, err, errStr)
			if b != nil {
				_ = b.Close()
			}
		}
		return nil
	}
	if err != nil {
		t.Fatalf("New(%s): %v", url, err)
	}
	return b
}

// TestMoreShardsClearFewer: a shard's tag does not depend on the number of
// shards, so a clear with 16 shards hides the entries of processes with 1,
// 4 or 8.
func TestMoreShardsClearFewer(t *testing.T) {
	srv := testserver.Redis(t)
	wide := newBackend(t, srv.URL(), &rediscache.Options{Prefix: "few:", Shards: 16})
	for _, shards := range []int{1, 4, 8} {
		b := newBackend(t, srv.URL(), &rediscache.Options{Prefix: "few:", Shards: shards})
		fill(t, b, "ns", 20, 0)
		if err := wide.Clear(bg, "ns"); err != nil {
			t.Fatal(err)
		}
		for i := range 20 {
			if _, _, err := b.Get(bg, "ns", fmt.Sprint(i)); err == nil {
				t.Fatalf("%d shards: Get(%d) after a clear with 16: a hit", shards, i)
			}
		}
	}
}
