package cachetoolz

import (
	"math"
	"testing"
	"time"
)

func TestBreakerCycle(t *testing.T) {
	now := time.Unix(0, 0)
	b := breaker{cfg: &breakerConfig{threshold: 2, cooldown: time.Second, now: func() time.Time { return now }}}
	if !b.allow() {
		t.Fatal("a new breaker must be closed")
	}
	b.failure()
	if !b.allow() {
		t.Fatal("one failure below the threshold opened the breaker")
	}
	b.failure()
	if b.allow() {
		t.Fatal("threshold reached: the breaker must be open")
	}
	now = now.Add(time.Second)
	if !b.allow() {
		t.Fatal("after the cooldown one probe must pass")
	}
	if b.allow() {
		t.Fatal("only one probe may pass while half-open")
	}
	b.failure()
	if b.allow() {
		t.Fatal("a failed probe must reopen the breaker")
	}
	now = now.Add(time.Second)
	if !b.allow() {
		t.Fatal("second probe refused")
	}
	b.success()
	for range 2 {
		if !b.allow() {
			t.Fatal("a successful probe must close the breaker")
		}
	}
}

// A cooldown too large to add to the clock keeps the breaker open instead
// of wrapping around into the past, which closed it at once.
func TestBreakerHugeCooldown(t *testing.T) {
	now := time.Now()
	b := breaker{cfg: &breakerConfig{threshold: 1, cooldown: time.Duration(math.MaxInt64), now: func() time.Time { return now }}}
	b.failure()
	if b.allow() {
		t.Fatal("a breaker with a huge cooldown let a call through right after opening")
	}
	now = now.Add(100 * 365 * 24 * time.Hour)
	if b.allow() {
		t.Fatal("a breaker with a huge cooldown closed after a century")
	}
}

// A probe whose outcome is never reported (the backend or an observer
// panicked) must not keep the breaker open for good: one cooldown later
// another call probes.
func TestBreakerLostProbe(t *testing.T) {
	now := time.Unix(0, 0)
	b := breaker{cfg: &breakerConfig{threshold: 1, cooldown: time.Second, now: func() time.Time { return now }}}
	b.failure()
	now = now.Add(time.Second)
	if !b.allow() {
		t.Fatal("after the cooldown one probe must pass")
	}
	// The probe never reports.
	now = now.Add(time.Second / 2)
	if b.allow() {
		t.Fatal("a second probe passed while the first was within its cooldown")
	}
	now = now.Add(time.Second / 2)
	if !b.allow() {
		t.Fatal("a lost probe kept the breaker open: no probe passed one cooldown later")
	}
	b.success()
	for range 2 {
		if !b.allow() {
			t.Fatal("a successful probe must close the breaker")
		}
	}
}
