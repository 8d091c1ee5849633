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

// GetCounted, whose test of a time to live reads the system clock inline,
// honours the time to live by a given clock and by the system clock alike.
func TestGetCountedHonoursTTL(t *testing.T) {
	fake := &fakeNow{t: time.Unix(1_700_000_000, 0)}
	s := newStore(t, Config{MaxEntries: 100, Now: fake.now, ReclaimInterval: time.Hour})
	n := s.Namespace("n")
	put(s, n, "k", time.Minute)
	if _, _, _, ok := n.GetCounted([]byte("k")); !ok {
		t.Fatal("given clock: a fresh entry missed")
	}
	fake.advance(time.Minute)
	if _, _, _, ok := n.GetCounted([]byte("k")); ok {
		t.Fatal("given clock: an entry past its time to live was served")
	}

	synctest.Test(t, func(t *testing.T) {
		// A store made in a bubble follows the bubble's time.
		s := New(Config{MaxEntries: 100, ReclaimInterval: time.Hour})
		defer s.Close()
		n := s.Namespace("n")
		put(s, n, "k", time.Minute)
		if _, _, _, ok := n.GetCounted([]byte("k")); !ok {
			t.Fatal("bubble: a fresh entry missed")
		}
		time.Sleep(time.Minute)
		if _, _, _, ok := n.GetCounted([]byte("k")); ok {
			t.Fatal("bubble: an entry past its time to live was served")
		}
	})

	s = newStore(t, Config{MaxEntries: 100, ReclaimInterval: time.Hour})
	n = s.Namespace("n")
	put(s, n, "k", 200*time.Millisecond)
	if _, _, _, ok := n.GetCounted([]byte("k")); !ok {
		t.Fatal("system clock: a fresh entry missed")
	}
	time.Sleep(250 * time.Millisecond) // real time passing, which the test is about
	if _, _, _, ok := n.GetCounted([]byte("k")); ok {
		t.Fatal("system clock: an entry past its time to live was served")
	}
}

// A store made outside a synctest bubble follows the bubble's time for the
// goroutines in it: an entry stored there expires when the bubble's clock
// passes its time to live.
func TestStoreMadeOutsideBubbleExpiresInBubble(t *testing.T) {
	s := New(Config{MaxEntries: 100, ReclaimInterval: time.Hour})
	defer s.Close()
	n := s.Namespace("n")
	synctest.Test(t, func(t *testing.T) {
		put(s, n, "k", time.Minute)
		if _, _, _, ok := n.GetCounted([]byte("k")); !ok {
			t.Fatal("a fresh entry missed")
		}
		time.Sleep(2 * time.Minute)
		if _, _, _, ok := n.GetCounted([]byte("k")); ok {
			t.Fatal("GetCounted served an entry past its time to live in the bubble's time")
		}
		if _, _, ok := n.GetString("k"); ok {
			t.Fatal("GetString served an entry past its time to live in the bubble's time")
		}
	})
}
