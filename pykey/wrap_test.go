package pykey_test

import (
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/pykey"
)

// A wrap keyed by a Generator caches calls with equal arguments once, and
// runs calls it cannot key uncached.
func TestWrap(t *testing.T) {
	c := cachetoolz.Must(cachetoolz.New(nil, nil))
	calls := 0
	get := cachetoolz.Must(cachetoolz.Wrap2Plain(c, func(id int, kw pykey.Kwargs) int {
		calls++
		return id * 2
	}, &cachetoolz.Options{Keys: pykey.Generator{Module: "app.users", Name: "get_user"}, Typed: true}))

	for range 3 {
		if got := get(21, pykey.Kwargs{"verbose": true, "limit": 10}); got != 42 {
			t.Fatalf("got %d", got)
		}
	}
	if calls != 1 {
		t.Errorf("%d calls of equal arguments, want 1", calls)
	}
	get(21, pykey.Kwargs{"verbose": false, "limit": 10})
	if calls != 2 {
		t.Errorf("%d calls after other arguments, want 2", calls)
	}
	// A struct has no Python value, and typed keyword values of a str and
	// a bool do not sort in Python: every such call runs.
	get(21, pykey.Kwargs{"opts": struct{}{}})
	get(21, pykey.Kwargs{"opts": struct{}{}})
	get(21, pykey.Kwargs{"region": "eu", "verbose": true})
	get(21, pykey.Kwargs{"region": "eu", "verbose": true})
	if calls != 6 {
		t.Errorf("%d calls after four unkeyable ones, want 6", calls)
	}
}
