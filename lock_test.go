package cachetoolz_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
)

func TestLockOptionsValidated(t *testing.T) {
	for _, o := range []cachetoolz.Options{
		{Lock: true, LockTTL: -time.Second},
		{Lock: true, LockWait: -time.Second},
	} {
		if _, err := cachetoolz.Wrap0Plain(nil, func() int { return 1 }, &o); err == nil {
			t.Errorf("Wrap accepted %+v", o)
		}
	}
}

// The memory backend is no Locker: Options.Lock changes nothing there.
func TestLockOnMemory(t *testing.T) {
	c := cachetoolz.Must(cachetoolz.New(nil, nil))
	var runs atomic.Int64
	f := cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, n int) (int, error) {
		runs.Add(1)
		return n * n, nil
	}, &cachetoolz.Options{Lock: true, LockTTL: time.Millisecond}))
	for range 3 {
		if v, err := f(context.Background(), 3); err != nil || v != 9 {
			t.Fatalf("got %d, %v", v, err)
		}
	}
	if s := c.Stats()[cachetoolz.DefaultNamespace]; runs.Load() != 1 || s.Errors != 0 || s.Hits != 2 {
		t.Fatalf("%d runs, Stats %+v; want one run, two hits, no errors", runs.Load(), s)
	}
}
