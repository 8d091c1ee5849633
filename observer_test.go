package cachetoolz_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/memory"
)

type obsKey struct{}

// recorder is an Observer that writes down what it is told.
type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) add(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, s)
}

func (r *recorder) StartLoad(ctx context.Context, l cachetoolz.Load) (context.Context, func(error)) {
	r.add(fmt.Sprintf("load %s %s", l.Namespace, l.Function))
	return context.WithValue(ctx, obsKey{}, "span"), func(err error) { r.add(fmt.Sprintf("load end %v", outcome(err))) }
}

func (r *recorder) StartOp(ctx context.Context, o cachetoolz.Op) (context.Context, func(error)) {
	r.add(fmt.Sprintf("%s %s", o.Kind, o.Namespace))
	return ctx, func(err error) { r.add(fmt.Sprintf("%s end %v", o.Kind, outcome(err))) }
}

func outcome(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, cachetoolz.ErrNotFound):
		return "miss"
	case errors.Is(err, cachetoolz.ErrAborted):
		return "aborted"
	}
	return "error"
}

func TestObserver(t *testing.T) {
	rec := &recorder{}
	c := cachetoolz.Must(cachetoolz.New(memory.Must(memory.New(&memory.Options{Isolate: true})), &cachetoolz.Config{Observer: rec}))
	boom := errors.New("boom")
	var sawSpan bool
	get := cachetoolz.Must(cachetoolz.Wrap1(c, func(ctx context.Context, id int) (int, error) {
		sawSpan = ctx.Value(obsKey{}) == "span"
		switch id {
		case 2:
			return 0, boom
		case 3:
			panic("kaput")
		}
		return id, nil
	}, &cachetoolz.Options{Namespace: "ns", Name: "f"}))
	_, _ = get(bg, 1) // miss, load, store
	_, _ = get(bg, 1) // hit: one get, nothing else
	_, _ = get(bg, 2) // the function fails
	func() {
		defer func() { _ = recover() }()
		_, _ = get(bg, 3)
	}()
	_ = c.Clear(bg, "ns", "other")
	want := []string{
		"get ns", "get end miss", "get ns", "get end miss", "load ns f", "load end ok", "set ns", "set end ok",
		"get ns", "get end ok",
		"get ns", "get end miss", "get ns", "get end miss", "load ns f", "load end error",
		"get ns", "get end miss", "get ns", "get end miss", "load ns f", "load end aborted",
		"clear ns", "clear other", "clear end ok", "clear end ok",
	}
	if !slices.Equal(rec.events, want) {
		t.Fatalf("events:\n%q\nwant:\n%q", rec.events, want)
	}
	if !sawSpan {
		t.Fatal("the function did not run under the context StartLoad returned")
	}
}

// An observer adds nothing to a memory hit.
func TestObserverHitAllocatesNothing(t *testing.T) {
	c := cachetoolz.Must(cachetoolz.New(nil, &cachetoolz.Config{Observer: &recorder{}}))
	get := cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, id int) (int, error) { return id, nil }, nil))
	_, _ = get(bg, 1)
	if n := testing.AllocsPerRun(100, func() { _, _ = get(bg, 1) }); n != 0 {
		t.Fatalf("a hit with an observer allocates %v times", n)
	}
}
