package cachetoolz

import (
	"testing"
	"time"
)

func TestBreakerCycle(t *testing.T) {
	now := time.Unix(0, 0)
	var b breaker
	b.init(2, time.Second, func() time.Time { return now })
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
