package cachetoolz_test

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/cachetoolz/cachetoolz"
)

var bubbleCalls atomic.Int64

// bubbleGet is wrapped at package initialisation, as functions usually are:
// on the default cache, made outside any synctest bubble.
var bubbleGet = cachetoolz.Must(cachetoolz.Wrap1(nil, func(_ context.Context, id int) (int64, error) {
	return bubbleCalls.Add(1), nil
}, &cachetoolz.Options{TTL: time.Minute, Name: "synctest.bubbleGet"}))

// A test in a synctest bubble sees the default cache's entries expire in
// the bubble's time, although the cache was made outside the bubble.
func TestTTLFollowsBubbleWithCacheMadeOutside(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		first, err := bubbleGet(ctx, 7)
		if err != nil {
			t.Fatal(err)
		}
		if again, _ := bubbleGet(ctx, 7); again != first {
			t.Fatalf("a fresh entry was not served: %d, then %d", first, again)
		}
		time.Sleep(2 * time.Minute)
		if later, _ := bubbleGet(ctx, 7); later == first {
			t.Fatalf("an entry past its 1m time to live (2m of the bubble's time) was served: %d again", first)
		}
	})
}
