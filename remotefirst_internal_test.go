package cachetoolz

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/cachetoolz/cachetoolz/memory"
)

// countingJoiner is a byte-storing backend that joins keys, counting its
// reads of each kind.
type countingJoiner struct {
	Backend
	gets, joined atomic.Int64
}

func (j *countingJoiner) Get(ctx context.Context, ns, key string) ([]byte, uint64, error) {
	j.gets.Add(1)
	return j.Backend.Get(ctx, ns, key)
}

func (j *countingJoiner) JoinKey(be Backend, ns, key string) (string, bool) {
	if be != Backend(j) {
		return "", false
	}
	return ns + "/" + key, true
}

func (j *countingJoiner) GetJoined(ctx context.Context, ns, key, joined string) ([]byte, uint64, error) {
	if joined != ns+"/"+key {
		panic("bad joined " + joined)
	}
	j.joined.Add(1)
	return j.Backend.Get(ctx, ns, key)
}

// Every arity's remote-first path (a byte backend, no local tier, no
// controls yet): one run, the hits counted once, the misses once, and the
// remembered joined key used by every look.
func TestRemoteFirstEveryArity(t *testing.T) {
	WithoutControls(t)
	keys := PureKeyFunc(func(_ bool, fn Function, args []any) (string, error) { return fmt.Sprint(args...), nil })
	for arity := 0; arity <= 3; arity++ {
		j := &countingJoiner{Backend: memory.Must(memory.New(&memory.Options{Isolate: true}))}
		c := Must(New(j, nil))
		var runs atomic.Int64
		opts := &Options{Keys: keys, Namespace: "ns"}
		var call func() (int, error)
		ctx := context.Background()
		switch arity {
		case 0:
			f := Must(Wrap0(c, func(context.Context) (int, error) { runs.Add(1); return 42, nil }, opts))
			call = func() (int, error) { return f(ctx) }
		case 1:
			f := Must(Wrap1(c, func(_ context.Context, a int) (int, error) { runs.Add(1); return 42, nil }, opts))
			call = func() (int, error) { return f(ctx, 1) }
		case 2:
			f := Must(Wrap2(c, func(_ context.Context, a, b int) (int, error) { runs.Add(1); return 42, nil }, opts))
			call = func() (int, error) { return f(ctx, 1, 2) }
		case 3:
			f := Must(Wrap3(c, func(_ context.Context, a, b, d int) (int, error) { runs.Add(1); return 42, nil }, opts))
			call = func() (int, error) { return f(ctx, 1, 2, 3) }
		}
		for range 3 {
			if v, err := call(); v != 42 || err != nil {
				t.Fatalf("arity %d: %d, %v", arity, v, err)
			}
		}
		s := c.Stats()["ns"]
		if runs.Load() != 1 || s.Hits != 2 || s.Misses != 1 || s.Loads != 1 {
			t.Errorf("arity %d: %d runs, stats %+v; want 1 run, 2 hits, 1 miss, 1 load", arity, runs.Load(), s)
		}
		// the first call's two looks (its own and its load's) and the two hits
		if j.joined.Load() != 4 || j.gets.Load() != 0 {
			t.Errorf("arity %d: GetJoined %d times, Get %d; want 4 and 0", arity, j.joined.Load(), j.gets.Load())
		}
		_ = c.Close()
	}
}
