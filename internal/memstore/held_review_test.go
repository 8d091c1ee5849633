package memstore

import (
	"sync/atomic"
	"testing"
	"time"
)

// A hold reads closed and holds its task under heldMu, and Close does not
// take heldMu: a hold that found the store open may hold its task after
// Close marked the store closed. The goroutine's stop path must then still
// run it, not return because it read nothing held without heldMu.
func TestCloseRunsATaskHeldAsItCloses(t *testing.T) {
	s := New(Config{MaxEntries: 10})
	var ran atomic.Bool
	s.heldMu.Lock() // a hold in progress, that found the store open
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		s.Close()
	}()
	for !s.closed.Load() {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // the goroutine reaches its stop path
	s.held[heldPass] = func() { ran.Store(true) }
	s.holds++
	s.heldSeq.Store(s.holds)
	s.heldMu.Unlock()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return")
	}
	if !ran.Load() || s.heldSeq.Load() != 0 {
		t.Fatal("a task held as the store closed was never run")
	}
}
