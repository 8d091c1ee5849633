package cachetoolz

import (
	"context"
	"errors"
	"reflect"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"
)

// A load that ends after another has taken its place (it had passed its
// deadline) leaves that other one in the map, for later callers to join.
func TestReplacedLoadKeepsItsSuccessor(t *testing.T) {
	c, err := New(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	expired, release1 := make(chan struct{}), make(chan struct{})
	started2, release2 := make(chan struct{}), make(chan struct{})
	var runs atomic.Int64
	fn := func(ctx context.Context, id int) (int, error) {
		switch runs.Add(1) {
		case 1:
			<-ctx.Done()
			close(expired)
			<-release1
			return 0, ctx.Err()
		case 2:
			close(started2)
			<-release2
		}
		return id, nil
	}
	w, err := newWrapper[int](c, fn, shapeFull, &Options{Name: "t.replaced", LoadTimeout: 50 * time.Millisecond}, reflect.TypeFor[int]())
	if err != nil {
		t.Fatal(err)
	}
	f := newFlights(w, fn)
	key := []byte("k")
	p := probe{gen: w.ns.mem.Generation(), genOK: true} // what a memory lookup that missed returns
	first := make(chan error, 1)
	go func() { _, err := f.miss(context.Background(), key, p, 1); first <- err }()
	<-expired
	second := make(chan error, 1)
	go func() { _, err := f.miss(context.Background(), key, p, 1); second <- err }()
	<-started2
	close(release1) // the first load ends while the second runs
	if err := <-first; !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("the timed-out caller got %v", err)
	}
	f.mu.Lock()
	n := len(f.m)
	f.mu.Unlock()
	close(release2)
	if err := <-second; err != nil {
		t.Fatalf("second caller: %v", err)
	}
	if n != 1 {
		t.Fatalf("%d loads in flight after the first ended, want the second's", n)
	}
}

// TestCallSize keeps a load within its size class: every miss allocates
// one.
func TestCallSize(t *testing.T) {
	if size := unsafe.Sizeof(call[struct{ a, b, c, d, e, f int }]{}); size > 64 {
		t.Fatalf("a call takes %d bytes, more than 64", size)
	}
}

// A load looks again before it runs the function: a caller that missed
// just before another load stored finds that load's result, and one that
// missed just before a clear stores under the generation after it. With
// neither, it runs the function on what its first look found.
func TestLoadLooksAgain(t *testing.T) {
	c, err := New(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	var runs atomic.Int64
	fn := func(_ context.Context, id int) (int, error) {
		runs.Add(1)
		return id, nil
	}
	w, err := newWrapper[int](c, fn, shapeFull, &Options{Name: "t.again"}, reflect.TypeFor[int]())
	if err != nil {
		t.Fatal(err)
	}
	f := newFlights(w, fn)
	ctx := context.Background()
	miss := func(key []byte) probe {
		t.Helper()
		var p probe
		if _, ok := w.lookup(ctx, key, lookCall, &p); ok {
			t.Fatalf("%s: hit before any load", key)
		}
		return p
	}

	late := miss([]byte("stored"))
	if _, err := f.miss(ctx, []byte("stored"), miss([]byte("stored")), 1); err != nil {
		t.Fatal(err)
	}
	if r, err := f.miss(ctx, []byte("stored"), late, 2); err != nil || r != 1 || runs.Load() != 1 {
		t.Fatalf("a caller that missed before another load stored got %d, %v after %d runs; want the stored 1 after 1 run", r, err, runs.Load())
	}

	late = miss([]byte("cleared"))
	if err := c.Clear(ctx, w.ns.name); err != nil {
		t.Fatal(err)
	}
	if _, err := f.miss(ctx, []byte("cleared"), late, 3); err != nil || runs.Load() != 2 {
		t.Fatalf("a caller that missed before a clear: %v after %d runs, want 2", err, runs.Load())
	}
	var p probe
	if r, ok := w.lookup(ctx, []byte("cleared"), lookAgain, &p); !ok || r != 3 {
		t.Fatalf("after a load that missed before a clear: %d, %v; want its result stored", r, ok)
	}

	if r, err := f.miss(ctx, []byte("quiet"), miss([]byte("quiet")), 4); err != nil || r != 4 || runs.Load() != 3 {
		t.Fatalf("a quiet miss got %d, %v after %d runs; want 4 after 3", r, err, runs.Load())
	}
}
