package cachetoolz_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/memory"
)

// faultyBackend wraps a working backend and fails or stalls on demand: a
// stand-in for a remote server that is down or slow.
type faultyBackend struct {
	cachetoolz.Backend
	mode      atomic.Int32 // 0: works, 1: fails, 2: stalls until the context is done
	calls     atomic.Int64
	deadlines chan time.Duration
	only      atomic.Pointer[string] // when set, faults hit this namespace only
}

var errDown = errors.New("connection refused")

func (f *faultyBackend) fault(ctx context.Context, ns string) error {
	if only := f.only.Load(); only != nil && *only != ns {
		return nil
	}
	f.calls.Add(1)
	switch f.mode.Load() {
	case 1:
		return errDown
	case 2:
		left := time.Duration(math.MaxInt64) // no deadline at all
		if d, ok := ctx.Deadline(); ok {
			left = time.Until(d)
		}
		select {
		case f.deadlines <- left:
		default:
		}
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

func (f *faultyBackend) Get(ctx context.Context, ns, key string) ([]byte, uint64, error) {
	if err := f.fault(ctx, ns); err != nil {
		return nil, 0, err
	}
	return f.Backend.Get(ctx, ns, key)
}

func (f *faultyBackend) Set(ctx context.Context, ns, key string, v []byte, ttl time.Duration, gen uint64) error {
	if err := f.fault(ctx, ns); err != nil {
		return err
	}
	return f.Backend.Set(ctx, ns, key, v, ttl, gen)
}

// syncBuffer is a log destination safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newFaulty(t *testing.T, cfg *cachetoolz.Config) (*faultyBackend, *cachetoolz.Cache, *syncBuffer) {
	t.Helper()
	f := &faultyBackend{Backend: memory.Must(memory.New(&memory.Options{Isolate: true})), deadlines: make(chan time.Duration, 1)}
	logs := &syncBuffer{}
	c2 := *cfg
	c2.Logger = slog.New(slog.NewTextHandler(logs, nil))
	c, err := cachetoolz.New(f, &c2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return f, c, logs
}

func TestFailingBackendNeverFailsCalls(t *testing.T) {
	f, c, logs := newFaulty(t, &cachetoolz.Config{FailureThreshold: 1000})
	var runs atomic.Int64
	get := cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, id int) (int, error) {
		runs.Add(1)
		return id * 10, nil
	}, nil))
	f.mode.Store(1)
	for i := range 20 {
		v, err := get(bg, i)
		if err != nil || v != i*10 {
			t.Fatalf("call %d during an outage = %d, %v", i, v, err)
		}
	}
	if runs.Load() != 20 {
		t.Fatalf("%d runs, want 20", runs.Load())
	}
	if s := c.Stats()[cachetoolz.DefaultNamespace]; s.Errors != 20 {
		t.Fatalf("Stats = %+v, want 20 errors", s)
	}
	if n := strings.Count(logs.String(), "connection refused"); n != 1 {
		t.Fatalf("an outage burst logged %d times, want once:\n%s", n, logs)
	}
	// The backend comes back: the cache works again by itself.
	f.mode.Store(0)
	_, _ = get(bg, 1)
	_, _ = get(bg, 1)
	if s := c.Stats()[cachetoolz.DefaultNamespace]; s.Hits != 1 {
		t.Fatalf("after recovery Stats = %+v, want a hit", s)
	}
}

func TestSlowBackendIsBoundedByTimeout(t *testing.T) {
	const timeout = 30 * time.Millisecond
	f, c, _ := newFaulty(t, &cachetoolz.Config{Timeout: timeout})
	get := cachetoolz.Must(cachetoolz.Wrap0(c, func(context.Context) (string, error) { return "fresh", nil }, nil))
	f.mode.Store(2)
	v, err := get(bg)
	if err != nil || v != "fresh" {
		t.Fatalf("call with a stalled backend = %q, %v", v, err)
	}
	// A loaded machine may reach the backend after the deadline has
	// passed (a negative time left); what must not happen is an operation
	// without a deadline, or with a longer one.
	if d := <-f.deadlines; d > timeout {
		t.Fatalf("backend operation had %v left, want at most the %v timeout", d, timeout)
	}
}

func TestBreakerSkipsBackendDuringOutage(t *testing.T) {
	f, c, _ := newFaulty(t, &cachetoolz.Config{FailureThreshold: 3, Cooldown: time.Hour})
	get := cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, id int) (int, error) { return id, nil }, nil))
	f.mode.Store(1)
	for i := range 100 {
		if v, err := get(bg, i); err != nil || v != i {
			t.Fatal(v, err)
		}
	}
	// Three failed Gets open the breaker; no Set is tried after a failed Get.
	if n := f.calls.Load(); n != 3 {
		t.Fatalf("backend called %d times during the outage, want 3 before the breaker opened", n)
	}
}
