package cachetoolz

import (
	"context"
	"testing"
	"time"
)

// A context that cannot end gets a shared deadline between 15/16 of the
// timeout and the timeout, the same for the operations that start within
// timeout/16, and a new one after that; it keeps the caller's values.
func TestSharedDeadline(t *testing.T) {
	const timeout = 160 * time.Millisecond
	var s sharedDeadlines
	t0 := time.Since(clockBase)
	a := s.get(t0, timeout)
	b := s.get(t0+timeout/16-time.Nanosecond, timeout)
	if a != b {
		t.Fatal("operations within timeout/16 of each other do not share a deadline")
	}
	c := s.get(t0+timeout/16, timeout)
	if c == a {
		t.Fatal("an operation timeout/16 later shares the old deadline")
	}
	for _, d := range []*sharedDeadline{a, c} {
		dl, ok := d.ctx.Deadline()
		if !ok {
			t.Fatal("shared context without a deadline")
		}
		// The latest operation to take d starts just before d.until.
		if left := dl.Sub(clockBase.Add(d.until)); left < timeout*15/16 || left > timeout {
			t.Fatalf("an operation taking the shared deadline last has %v left, want %v to %v", left, timeout*15/16, timeout)
		}
	}
}

type deadlineKey struct{}

func TestTimeoutContexts(t *testing.T) {
	c := Must(New(nil, &Config{Timeout: time.Second}))
	// Background: the shared deadline itself.
	ctx, cancel := c.timeout(context.Background())
	release(cancel)
	if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > time.Second || ctx.Done() == nil {
		t.Fatalf("Background: deadline %v, %v; want one within a second", dl, ok)
	}
	// A context that cannot end but holds values keeps them.
	valued := context.WithoutCancel(context.WithValue(context.Background(), deadlineKey{}, "v"))
	ctx, cancel = c.timeout(valued)
	release(cancel)
	if _, ok := ctx.Deadline(); !ok || ctx.Value(deadlineKey{}) != "v" {
		t.Fatalf("WithoutCancel: deadline set %v, value %v; want a deadline and the value", ok, ctx.Value(deadlineKey{}))
	}
	// A context that ends sooner is used as it is.
	soon, stop := context.WithTimeout(context.Background(), time.Millisecond*100)
	defer stop()
	if ctx, cancel = c.timeout(soon); ctx != soon {
		t.Fatal("a context that ends sooner than the timeout was replaced")
	}
	release(cancel)
	// One that ends later, or is cancellable with no deadline, gets its own.
	late, stop2 := context.WithTimeout(context.Background(), time.Hour)
	defer stop2()
	cancellable, stop3 := context.WithCancel(context.Background())
	defer stop3()
	for _, parent := range []context.Context{late, cancellable} {
		ctx, cancel = c.timeout(parent)
		if cancel == nil {
			t.Fatal("a context with a timer of its own came with no cancel to release it")
		}
		dl, ok := ctx.Deadline()
		if !ok || time.Until(dl) > time.Second {
			t.Fatalf("deadline %v, %v; want one within a second", dl, ok)
		}
		if parent == cancellable {
			stop3()
			<-ctx.Done() // the caller's cancellation still reaches the operation
		}
		release(cancel)
	}
}

// zeroCtx is a context of no size of its own, as context.Background's is.
type zeroCtx struct{}

func (zeroCtx) Deadline() (time.Time, bool) { return time.Time{}, false }
func (zeroCtx) Done() <-chan struct{}       { return nil }
func (zeroCtx) Err() error                  { return nil }
func (zeroCtx) Value(any) any               { return nil }

// Background is recognised, and is given the shared deadline's own context;
// no other context that cannot end is, however like it, and each keeps its
// values in a bounded context.
func TestIsBackground(t *testing.T) {
	if !isBackground(context.Background()) {
		t.Fatal("context.Background() is not recognised")
	}
	c := Must(New(nil, &Config{Timeout: time.Second}))
	if ctx, _ := c.timeout(context.Background()); ctx != c.deadlines.cur.Load().ctx {
		t.Errorf("Background is bounded by %T, not the shared deadline's context", ctx)
	}
	var nilCtx context.Context
	for _, ctx := range []context.Context{context.TODO(), zeroCtx{}, context.WithoutCancel(context.Background()), nilCtx} {
		if isBackground(ctx) {
			t.Errorf("%T taken for context.Background()", ctx)
		}
		if ctx == nil {
			continue
		}
		if got, _ := c.timeout(ctx); got == c.deadlines.cur.Load().ctx {
			t.Errorf("%T is given the shared deadline's context, without its own values", ctx)
		}
	}
}
