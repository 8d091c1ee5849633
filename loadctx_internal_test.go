package cachetoolz

import (
	"context"
	"errors"
	"testing"
	"time"
)

type ctxKey struct{}

func TestLoadContext(t *testing.T) {
	parent, cancelParent := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, "v"))
	c := newLoadContext(parent, time.Hour)
	cancelParent()
	if c.Err() != nil {
		t.Fatal("the load context took its parent's cancellation")
	}
	if c.Value(ctxKey{}) != "v" {
		t.Fatal("the load context lost its parent's values")
	}
	if d, ok := c.Deadline(); !ok || time.Until(d) <= 0 {
		t.Fatalf("Deadline = %v, %v", d, ok)
	}
	done := c.Done()
	select {
	case <-done:
		t.Fatal("Done closed before cancel")
	default:
	}
	c.cancel(context.Canceled)
	<-done
	if !errors.Is(c.Err(), context.Canceled) {
		t.Fatalf("Err after cancel = %v", c.Err())
	}
	c.cancel(context.DeadlineExceeded) // a second cancel changes nothing
	if !errors.Is(c.Err(), context.Canceled) {
		t.Fatalf("Err after a second cancel = %v", c.Err())
	}
}

func TestLoadContextDeadline(t *testing.T) {
	// The deadline fires through Done's timer...
	c := newLoadContext(context.Background(), time.Millisecond)
	<-c.Done()
	if !errors.Is(c.Err(), context.DeadlineExceeded) {
		t.Fatalf("Err = %v, want DeadlineExceeded", c.Err())
	}
	// ...and through Err when nobody asked for Done.
	c = newLoadContext(context.Background(), 0)
	if !errors.Is(c.Err(), context.DeadlineExceeded) {
		t.Fatalf("Err past the deadline = %v", c.Err())
	}
	<-c.Done() // made after the deadline: already closed
	// A child context sees the load's cancellation.
	c = newLoadContext(context.Background(), time.Hour)
	child, cancel := context.WithCancel(c)
	defer cancel()
	c.cancel(context.Canceled)
	<-child.Done()
}
