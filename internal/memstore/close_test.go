package memstore

import (
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// TestSetDuringCloseKeepsNothing checks that a store racing with Close
// leaves nothing behind: a closed store hears of no change any more (a
// local tier's backend stops reporting when it closes), so an entry that
// reached it after Close emptied it would be served for ever.
func TestSetDuringCloseKeepsNothing(t *testing.T) {
	weighing := make(chan struct{})
	release := make(chan struct{})
	s := newStore(t, Config{MaxBytes: 1 << 20, Weigher: func(key string, _ any) int64 {
		if key == "racing" {
			close(weighing) // past Set's test of closed, before the entry is in the cache
			<-release
		}
		return 1
	}})
	n := s.Namespace("n")
	stored := make(chan struct{})
	go func() {
		defer close(stored)
		s.SetUntil(n, "racing", "v", 0, n.Generation())
	}()
	<-weighing
	s.Close()
	close(release)
	<-stored
	if v, _, ok := n.GetString("racing"); ok {
		t.Fatalf("a closed store serves %v, stored while it closed", v)
	}
}

// TestCloseWaitsForTheTicker checks that Close returns only once the
// goroutine that feeds otter's clean-up its ticks has returned: it reads
// the clock and drops the tier's expired entries at every tick, and one
// that outlived Close would still call the store's clock, and touch the
// store, after Close said every goroutine had stopped. In a synctest
// bubble, Wait returns once every goroutine is blocked, so a Close that
// does not wait has returned by then.
func TestCloseWaitsForTheTicker(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var blocking atomic.Bool
		inClock := make(chan struct{})
		release := make(chan struct{})
		now := func() time.Time {
			if blocking.CompareAndSwap(true, false) {
				close(inClock) // the ticker's reading: nothing else reads the clock meanwhile
				<-release
			}
			return time.Unix(1000, 0)
		}
		s := New(Config{MaxEntries: 100, Now: now, ReclaimInterval: time.Millisecond})
		blocking.Store(true)
		<-inClock
		closed := make(chan struct{})
		go func() {
			s.Close()
			close(closed)
		}()
		synctest.Wait()
		select {
		case <-closed:
			t.Error("Close returned while the ticker's goroutine was still reading the clock")
		default: // Close waits, as it should
		}
		close(release)
		<-closed
	})
}
