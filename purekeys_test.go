package cachetoolz_test

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/memory"
)

// askedGen is a pure key generator that counts how often it is asked for
// each key. Its keys tell apart every two arguments of one type that
// differ in any way, as %#v writes them (-0 and 0, a nil and an empty
// slice, every NaN).
type askedGen struct {
	mu    sync.Mutex
	asked map[string]int
}

func (g *askedGen) Key(_ bool, _ cachetoolz.Function, args []any) (string, error) {
	k := ""
	for _, a := range args {
		k += fmt.Sprintf("%T:%#v|", a, a)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.asked == nil {
		g.asked = map[string]int{}
	}
	g.asked[k]++
	return k, nil
}

func (*askedGen) PureKeys() {}

func (g *askedGen) total() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for _, v := range g.asked {
		n += v
	}
	return n
}

// byteCache returns a cache on a memory backend that stores bytes, as a
// remote backend does.
func byteCache(t *testing.T, b cachetoolz.Backend) *cachetoolz.Cache {
	t.Helper()
	if b == nil {
		b = memory.Must(memory.New(&memory.Options{Isolate: true}))
	}
	c := cachetoolz.Must(cachetoolz.New(b, nil))
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// A pure generator is asked once for each call its wrapper remembers, and
// the remembered key is its key: calls whose arguments differ in any way,
// even where the default key counts them equal, get their own entries and
// results. A NaN argument is asked for every time.
func TestPureKeysAreTheGeneratorsKeys(t *testing.T) {
	g := &askedGen{}
	c := byteCache(t, nil)
	f := cachetoolz.Must(cachetoolz.Wrap3(c, func(_ context.Context, x float64, s string, b []byte) (string, error) {
		return fmt.Sprintf("%#v %#v %#v", x, s, b), nil
	}, &cachetoolz.Options{Keys: g, Namespace: "pure"}))
	calls := []struct {
		x float64
		s string
		b []byte
	}{
		{0, "", nil}, {math.Copysign(0, -1), "", nil}, {0, "", []byte{}}, {1, "a", []byte("b")},
		{1, "ab", nil}, {1, "a", []byte("")}, {math.Inf(1), "é", []byte{0}}, {math.Float64frombits(1), "\x00", []byte{0, 0}},
	}
	ctx := context.Background()
	for round := range 3 {
		for _, call := range calls {
			want := fmt.Sprintf("%#v %#v %#v", call.x, call.s, call.b)
			if got, err := f(ctx, call.x, call.s, call.b); err != nil || got != want {
				t.Fatalf("round %d: f(%#v, %#v, %#v) = %q, %v; want %q", round, call.x, call.s, call.b, got, err, want)
			}
		}
	}
	if n := g.total(); n != len(calls) {
		t.Fatalf("the generator was asked %d times for %d calls made three times each, want once each", n, len(calls))
	}
	for k, n := range g.asked {
		if _, _, err := c.Backend().Get(ctx, "pure", k); err != nil {
			t.Errorf("no entry under the generator's key %q (asked %d times): %v", k, n, err)
		}
	}
	for i := range 3 {
		if got, err := f(ctx, math.NaN(), "", nil); err != nil || got != "NaN \"\" []byte(nil)" {
			t.Fatalf("f(NaN) = %q, %v", got, err)
		}
		if n := g.total(); n != len(calls)+i+1 {
			t.Fatalf("after %d calls with a NaN, the generator was asked %d times, want %d", i+1, n, len(calls)+i+1)
		}
	}
}

// Calls of two wrappers with one pure generator and the same arguments are
// remembered apart: each wrapper's entry is its own, in its own namespace.
func TestPureKeysPerWrapper(t *testing.T) {
	g := &askedGen{}
	c := byteCache(t, nil)
	wrap := func(ns string) func(context.Context, int) (string, error) {
		return cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, n int) (string, error) {
			return fmt.Sprint(ns, n), nil
		}, &cachetoolz.Options{Keys: g, Namespace: ns}))
	}
	f, h := wrap("f"), wrap("h")
	ctx := context.Background()
	for range 2 {
		for _, n := range []int{-1, 0, 255, 256, math.MaxInt, math.MinInt} {
			if got, err := f(ctx, n); err != nil || got != fmt.Sprint("f", n) {
				t.Fatalf("f(%d) = %q, %v", n, got, err)
			}
			if got, err := h(ctx, n); err != nil || got != fmt.Sprint("h", n) {
				t.Fatalf("h(%d) = %q, %v", n, got, err)
			}
		}
	}
	if n := g.total(); n != 12 {
		t.Fatalf("the generator was asked %d times for 12 calls made twice each, want 12", n)
	}
}

// A generator that does not declare itself pure is asked at every call, and
// so is a pure one when an argument's static type is an interface.
func TestImpureKeysAreAskedEveryCall(t *testing.T) {
	c := byteCache(t, nil)
	var asked atomic.Int64
	impure := cachetoolz.KeyFunc(func(_ bool, _ cachetoolz.Function, args []any) (string, error) {
		asked.Add(1)
		return fmt.Sprint(args...), nil
	})
	f := cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, n int) (int, error) { return n, nil },
		&cachetoolz.Options{Keys: impure, Namespace: "impure"}))
	g := &askedGen{}
	h := cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, v any) (string, error) { return fmt.Sprint(v), nil },
		&cachetoolz.Options{Keys: g, Namespace: "iface"}))
	ctx := context.Background()
	for i := range 3 {
		if n, err := f(ctx, 7); err != nil || n != 7 {
			t.Fatalf("f(7) = %d, %v", n, err)
		}
		if v, err := h(ctx, 7); err != nil || v != "7" {
			t.Fatalf("h(7) = %q, %v", v, err)
		}
		if asked.Load() != int64(i+1) || g.total() != i+1 {
			t.Fatalf("after %d calls: the impure generator asked %d times, the pure one for an interface argument %d; want %d each", i+1, asked.Load(), g.total(), i+1)
		}
	}
}

// joiner is a byte-storing backend that joins namespace and key, and
// counts how remembered calls read it.
type joiner struct {
	cachetoolz.Backend
	join           bool
	gets, joinedOK atomic.Int64
	bad            atomic.Value // a joined key GetJoined was given that JoinKey did not make
}

func (j *joiner) JoinKey(namespace, key string) (string, bool) {
	if !j.join {
		return "", false
	}
	return namespace + "/" + key, true
}

func (j *joiner) GetJoined(ctx context.Context, namespace, key, joined string) ([]byte, uint64, error) {
	if joined != namespace+"/"+key {
		j.bad.Store(joined)
	}
	j.joinedOK.Add(1)
	return j.Backend.Get(ctx, namespace, key)
}

func (j *joiner) Get(ctx context.Context, namespace, key string) ([]byte, uint64, error) {
	j.gets.Add(1)
	return j.Backend.Get(ctx, namespace, key)
}

// A remembered call reads the backend with the key the backend joined,
// when the backend joins keys; otherwise with Get.
func TestPureKeysReadJoinedKeys(t *testing.T) {
	for _, join := range []bool{true, false} {
		t.Run(fmt.Sprintf("join=%v", join), func(t *testing.T) {
			j := &joiner{Backend: memory.Must(memory.New(&memory.Options{Isolate: true})), join: join}
			c := byteCache(t, j)
			f := cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, n int) (int, error) { return n * 2, nil },
				&cachetoolz.Options{Keys: &askedGen{}, Namespace: "ns"}))
			ctx := context.Background()
			for range 3 {
				if n, err := f(ctx, 21); err != nil || n != 42 {
					t.Fatalf("f(21) = %d, %v", n, err)
				}
			}
			if bad := j.bad.Load(); bad != nil {
				t.Fatalf("GetJoined was given %q, which JoinKey did not make", bad)
			}
			// The first call's two looks (the call's and its load's) and
			// the two hits all know the joined key.
			wantJoined, wantGets := int64(4), int64(0)
			if !join {
				wantJoined, wantGets = 0, 4
			}
			if j.joinedOK.Load() != wantJoined || j.gets.Load() != wantGets {
				t.Fatalf("GetJoined read %d times and Get %d; want %d and %d", j.joinedOK.Load(), j.gets.Load(), wantJoined, wantGets)
			}
		})
	}
}
