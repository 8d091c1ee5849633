package cachetoolz_test

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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
	n     int // the sum of asked
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
	g.n++
	return k, nil
}

func (*askedGen) PureKeys() {}

func (g *askedGen) total() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.n
}

// byteCache returns a cache on a memory backend that stores bytes, as a
// remote backend does.
func byteCache(t testing.TB, b cachetoolz.Backend) *cachetoolz.Cache {
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

// wordCalls makes, twice each, calls of a function of one integer argument
// of type A, wrapped with g: a remembered call (looked up by the
// argument's word) gets its own result, and g is asked once per value.
func wordCalls[A any](t *testing.T, c *cachetoolz.Cache, g *askedGen, values ...A) {
	t.Helper()
	ns := fmt.Sprintf("%T", values[0])
	f := cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, a A) (string, error) {
		return fmt.Sprintf("%T %v", a, a), nil
	}, &cachetoolz.Options{Keys: g, Namespace: ns, Name: "wordCalls." + ns}))
	before := g.total()
	ctx := context.Background()
	for round := range 2 {
		for _, a := range values {
			if got, err := f(ctx, a); err != nil || got != fmt.Sprintf("%T %v", a, a) {
				t.Fatalf("round %d: f(%T %v) = %q, %v", round, a, a, got, err)
			}
		}
	}
	if n := g.total() - before; n != len(values) {
		t.Fatalf("%s: the generator was asked %d times for %d calls made twice each, want once each", ns, n, len(values))
	}
}

// A wrapper of one integer argument, of any integer type, remembers each
// value's key apart, however close the values' bits: the extremes, -1 and
// the unsigned numbers past MaxInt64.
func TestPureKeysOneInteger(t *testing.T) {
	g := &askedGen{}
	c := byteCache(t, nil)
	wordCalls(t, c, g, 0, 1, -1, 255, 256, math.MaxInt, math.MinInt)
	wordCalls(t, c, g, int64(0), -1, math.MaxInt64, math.MinInt64)
	wordCalls(t, c, g, int32(0), -1, 1, math.MaxInt32, math.MinInt32)
	wordCalls(t, c, g, uint(0), 1, math.MaxUint)
	wordCalls(t, c, g, uint64(0), 1, math.MaxInt64, math.MaxInt64+1, math.MaxUint64)
	wordCalls(t, c, g, uint32(0), 1, math.MaxUint32)
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

func (j *joiner) JoinKey(be cachetoolz.Backend, namespace, key string) (string, bool) {
	if !j.join || be != cachetoolz.Backend(j) {
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
	for _, tc := range []struct {
		name           string
		join, controls bool
	}{{"join", true, false}, {"nojoin", false, false}, {"controls", true, true}} {
		join := tc.join
		t.Run(tc.name, func(t *testing.T) {
			if tc.controls {
				// Once a control is given, every lookup takes the
				// freshness path, which must carry the joined key too.
				_ = cachetoolz.WithControl(context.Background(), cachetoolz.Bypass)
			} else {
				cachetoolz.WithoutControls(t) // whatever tests ran before
			}
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

// FuzzPureKeys: a wrapper that remembers its calls' keys never answers a
// call with another's result, however close their arguments, and once it
// has seen a call whose arguments hold no NaN and are short enough to
// remember, does not ask for its key again.
func FuzzPureKeys(f *testing.F) {
	f.Add(0.0, "", []byte(nil), math.Copysign(0, -1), "", []byte{}, int64(0), false, int64(0), true)
	f.Add(1.0, "ab", []byte("c"), 1.0, "a", []byte("bc"), int64(-1), true, int64(255), true)
	f.Add(math.Inf(-1), "\x00", []byte{0}, math.Float64frombits(1), "\x00\x00", []byte{0, 0}, int64(math.MinInt64), false, int64(math.MaxInt64), false)
	f.Add(math.NaN(), "é", []byte("é"), math.Float64frombits(0x7ff8000000000001), "\xff", []byte{0xff}, int64(1), true, int64(1), false)
	g := &askedGen{}
	c := byteCache(f, nil)
	show3 := func(x float64, s string, b []byte) string { return fmt.Sprintf("%#v %#v %#v", x, s, b) }
	show2 := func(n int64, t bool) string { return fmt.Sprintf("%#v %#v", n, t) }
	f3 := cachetoolz.Must(cachetoolz.Wrap3(c, func(_ context.Context, x float64, s string, b []byte) (string, error) {
		return show3(x, s, b), nil
	}, &cachetoolz.Options{Keys: g, Namespace: "fuzz3"}))
	f2 := cachetoolz.Must(cachetoolz.Wrap2(c, func(_ context.Context, n int64, t bool) (string, error) {
		return show2(n, t), nil
	}, &cachetoolz.Options{Keys: g, Namespace: "fuzz2"}))
	f32 := cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, n int32) (string, error) {
		return fmt.Sprint("int32 ", n), nil
	}, &cachetoolz.Options{Keys: g, Namespace: "fuzz32"}))
	fu64 := cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, n uint64) (string, error) {
		return fmt.Sprint("uint64 ", n), nil
	}, &cachetoolz.Options{Keys: g, Namespace: "fuzzu64"}))
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, x1 float64, s1 string, b1 []byte, x2 float64, s2 string, b2 []byte, n1 int64, t1 bool, n2 int64, t2 bool) {
		type call struct {
			name     string
			do       func() (string, error)
			want     string
			memoable bool // no NaN, and short enough to remember
		}
		var calls []call
		for _, a := range []struct {
			x float64
			s string
			b []byte
		}{{x1, s1, b1}, {x2, s2, b2}} {
			calls = append(calls, call{
				name:     fmt.Sprintf("f3(%#v, %#v, %#v)", a.x, a.s, a.b),
				do:       func() (string, error) { return f3(ctx, a.x, a.s, a.b) },
				want:     show3(a.x, a.s, a.b),
				memoable: !math.IsNaN(a.x) && len(a.s)+len(a.b) < 120,
			})
		}
		for _, a := range []struct {
			n int64
			t bool
		}{{n1, t1}, {n2, t2}} {
			calls = append(calls, call{
				name:     fmt.Sprintf("f2(%#v, %#v)", a.n, a.t),
				do:       func() (string, error) { return f2(ctx, a.n, a.t) },
				want:     show2(a.n, a.t),
				memoable: true,
			}, call{
				// One integer argument: looked up by its word.
				name:     fmt.Sprintf("f32(%d)", int32(a.n)),
				do:       func() (string, error) { return f32(ctx, int32(a.n)) },
				want:     fmt.Sprint("int32 ", int32(a.n)),
				memoable: true,
			}, call{
				name:     fmt.Sprintf("fu64(%d)", uint64(a.n)),
				do:       func() (string, error) { return fu64(ctx, uint64(a.n)) },
				want:     fmt.Sprint("uint64 ", uint64(a.n)),
				memoable: true,
			})
		}
		for round := range 2 {
			for _, c := range calls {
				if got, err := c.do(); err != nil || got != c.want {
					t.Fatalf("round %d: %s = %q, %v; want %q", round, c.name, got, err, c.want)
				}
				// The call just made is remembered, unless it cannot be:
				// made again at once, its key is not asked for.
				asked := g.total()
				if got, err := c.do(); err != nil || got != c.want {
					t.Fatalf("round %d, again: %s = %q, %v; want %q", round, c.name, got, err, c.want)
				}
				if c.memoable && g.total() != asked {
					t.Fatalf("%s, made twice in a row, was asked for twice", c.name)
				}
			}
		}
	})
}

// prefixed embeds a joiner to change its Get and Set: every namespace
// gets a prefix. It inherits JoinKey and GetJoined, which know nothing of
// the prefix.
type prefixed struct{ *joiner }

func (p prefixed) Get(ctx context.Context, namespace, key string) ([]byte, uint64, error) {
	return p.joiner.Get(ctx, "tenant/"+namespace, key)
}

func (p prefixed) Set(ctx context.Context, namespace, key string, v []byte, ttl time.Duration, gen uint64) error {
	return p.joiner.Set(ctx, "tenant/"+namespace, key, v, ttl, gen)
}

// A backend that embeds a KeyJoiner and changes its Get is read with its
// own Get, never with the GetJoined it inherits: a remembered call finds
// what the backend's Set stored, not an entry under another key.
func TestPureKeysEmbeddedJoiner(t *testing.T) {
	j := &joiner{Backend: memory.Must(memory.New(&memory.Options{Isolate: true})), join: true}
	ctx := context.Background()
	// An entry under the key the embedded joiner would read.
	_, gen, _ := j.Backend.Get(ctx, "ns", "int:21|")
	if err := j.Backend.Set(ctx, "ns", "int:21|", []byte("7"), time.Minute, gen); err != nil {
		t.Fatal(err)
	}
	c := byteCache(t, prefixed{j})
	runs := 0
	f := cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, n int) (int, error) {
		runs++
		return n * 2, nil
	}, &cachetoolz.Options{Keys: &askedGen{}, Namespace: "ns"}))
	for i := range 3 {
		if n, err := f(ctx, 21); err != nil || n != 42 {
			t.Fatalf("call %d: f(21) = %d, %v; want 42 (%d runs)", i, n, err, runs)
		}
	}
	if runs != 1 || j.joinedOK.Load() != 0 {
		t.Fatalf("%d runs and %d reads with GetJoined; want 1 and 0", runs, j.joinedOK.Load())
	}
}
