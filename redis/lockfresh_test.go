package rediscache_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
)

// An entry kept past its TTL for Options.MaxStale is still in Redis, where
// the load lock finds it: with Lock set, a call past the TTL reloads and
// gets the new value (never the stale one taken for a result another
// process stored), or the stale value if the load fails; past MaxStale
// too, the lock's find is not served either.
func TestLockWithMaxStale(t *testing.T) {
	srv := testserver.Redis(t)
	var mu sync.Mutex
	now := time.Unix(1_700_000_000, 0)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	c := lockedCache(t, srv.URL(), &cachetoolz.Config{Now: clock})
	var val atomic.Int64
	var fail atomic.Bool
	get, err := cachetoolz.Wrap1(c, func(_ context.Context, id int) (int64, error) {
		if fail.Load() {
			return 0, errors.New("down")
		}
		return val.Load(), nil
	}, &cachetoolz.Options{Name: "lockfresh", Namespace: "lockfresh", TTL: time.Second, MaxStale: time.Minute, Lock: true})
	if err != nil {
		t.Fatal(err)
	}
	check := func(want int64, stale bool) {
		t.Helper()
		var info cachetoolz.CallInfo
		v, err := get(cachetoolz.WithCallInfo(bg, &info), 1)
		if v != want || err != nil || info.Stale != stale {
			t.Fatalf("= %d, %v, stale %v; want %d, stale %v", v, err, info.Stale, want, stale)
		}
	}
	val.Store(1)
	check(1, false)
	advance(2 * time.Second)
	val.Store(2)
	check(2, false) // reloaded past the TTL
	advance(2 * time.Second)
	fail.Store(true)
	check(2, true) // the load failed: the stale value
	advance(2 * time.Minute)
	fail.Store(false)
	val.Store(3)
	check(3, false) // past MaxStale, the entry the lock finds is not served
}
