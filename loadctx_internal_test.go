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
	c.cancel(cancelled)
	<-done
	if !errors.Is(c.Err(), context.Canceled) {
		t.Fatalf("Err after cancel = %v", c.Err())
	}
	c.cancel(expired) // a second cancel changes nothing
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
	c.cancel(cancelled)
	<-child.Done()
}

// The cause of a load context's end is its own, never that of the caller
// that started it.
func TestLoadContextCause(t *testing.T) {
	parent, cancelParent := context.WithCancelCause(context.Background())
	c := newLoadContext(parent, time.Hour)
	cancelParent(errors.New("starter went away"))
	c.cancel(expired)
	if got := context.Cause(c); !errors.Is(got, context.DeadlineExceeded) {
		t.Fatalf("Cause = %v, want DeadlineExceeded", got)
	}
}

// Child contexts follow the load context through AfterFunc, whether it
// ends by its timer, by Err noticing the deadline, or by cancel.
func TestLoadContextAfterFunc(t *testing.T) {
	c := newLoadContext(context.Background(), 10*time.Millisecond)
	child, cancel := context.WithCancel(c)
	defer cancel()
	<-child.Done()
	if !errors.Is(child.Err(), context.DeadlineExceeded) {
		t.Fatalf("child after the deadline: %v, %v", child.Err(), context.Cause(child))
	}
	c = newLoadContext(context.Background(), time.Hour)
	ran := make(chan struct{})
	stop := c.AfterFunc(func() { close(ran) })
	c.cancel(cancelled)
	<-ran
	if stop() {
		t.Fatal("stop after the function ran reported that it stopped it")
	}
	c = newLoadContext(context.Background(), time.Hour)
	stop = c.AfterFunc(func() { t.Error("a stopped function ran") })
	if !stop() {
		t.Fatal("stop before the end did not report stopping")
	}
	c.cancel(cancelled)
}
