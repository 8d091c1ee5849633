package memstore

import (
	"testing"
	"testing/synctest"
	"time"
)

// The system clock's readings move with real time, and are Unix
// nanoseconds as time.Now tells them.
func TestClockSystemReadings(t *testing.T) {
	c := newClock(nil, time.Second)
	before := time.Now().UnixNano()
	got := c.NowNano()
	after := time.Now().UnixNano()
	// The reading's base was taken a moment apart from its monotonic
	// reading: allow a millisecond either way.
	if got < before-int64(time.Millisecond) || got > after+int64(time.Millisecond) {
		t.Fatalf("NowNano = %d, want within [%d, %d]", got, before, after)
	}
	time.Sleep(2 * time.Millisecond)
	if later := c.NowNano(); later-got < int64(2*time.Millisecond) {
		t.Fatalf("NowNano moved by %v after a 2ms sleep", time.Duration(later-got))
	}
}

// A store made in a synctest bubble follows the bubble's fake time: its
// entries expire when the bubble's clock passes their time to live.
func TestStoreInSynctestBubbleExpires(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Config{MaxEntries: 10, ReclaimInterval: time.Hour})
		defer s.Close()
		n := s.Namespace("n")
		put(s, n, "k", time.Minute)
		if _, _, ok := n.GetString("k"); !ok {
			t.Fatal("a fresh entry missed")
		}
		time.Sleep(time.Minute)
		if _, _, ok := n.GetString("k"); ok {
			t.Fatal("an entry past its time to live in the bubble's time was served")
		}
	})
}
