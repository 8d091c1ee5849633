package pykey

import (
	"crypto/md5"
	"encoding/hex"
	"math"
	"sync"
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/keymemo"
)

// direct is the key of a call computed without the memo: the MD5 of its
// pickle.
func direct(t testing.TB, g Generator, typed bool, fn cachetoolz.Function, args []any) string {
	t.Helper()
	b, err := g.Pickle(typed, fn, args)
	if err != nil {
		t.Fatalf("Pickle(%#v): %v", args, err)
	}
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

// memoCalls are calls whose identities are close: equal values of other
// Go types, floats with equal values and other bits, strings that run into
// the next argument, byte strings and strings of the same bytes.
var memoCalls = [][]any{
	{0}, {1}, {int64(1)}, {int32(1)}, {1.0}, {true}, {false}, {nil},
	{0.0}, {math.Copysign(0, -1)},
	{math.NaN()}, {math.Float64frombits(0x7ff8000000000001)},
	{"ab", "c"}, {"a", "bc"}, {"abc"}, {[]byte("abc")}, {[]byte(nil)}, {[]byte{}}, {""},
	{1, 2}, {2, 1}, {1, 2, 3}, {},
	{-1}, {math.MaxInt64}, {math.MinInt64}, {int32(math.MinInt32)},
	{"é", 1}, {1, "é"},
}

// crowd fills both slots of the call's identity, when it has one, with
// the entry of another call, as other calls sharing its slots leave them.
func crowd(t testing.TB, m *keymemo.Memo, g Generator, typed bool, fn cachetoolz.Function, args []any) {
	t.Helper()
	proto, module, name, err := g.resolve(fn)
	if err != nil {
		return
	}
	var buf [memoMaxID]byte
	id, ok := appendIdentity(buf[:0], proto, typed, module, name, args)
	if !ok {
		return
	}
	other := []byte("\x00other call")
	i, j := m.Ways(id)
	m.PutIn(i, j, other, "0123456789abcdef0123456789abcdef", "")
	m.PutIn(i, j, other, "0123456789abcdef0123456789abcdef", "")
	for _, k := range []uint64{i, j} {
		if s := m.At(k); s == nil || !s.Is(other) {
			t.Fatalf("slot %d of %#v holds %v, want the other call", k, args, s)
		}
	}
}

// A key from the memo is the key computed without it, for every call and
// every generator, whichever call held its slots before: when crowded,
// each call first finds both its slots taken by another call, and is then
// asked for again.
func TestMemoKeysEqualComputed(t *testing.T) {
	gens := []Generator{
		{Module: "app", Name: "f"},
		{Module: "app", Name: "f", Protocol: 5},
		{Module: "ap", Name: "pf"},
		{},
	}
	fns := []cachetoolz.Function{{}, {Name: "app.f"}, {Name: "other.g"}}
	saved := memo.Load()
	defer memo.Store(saved)
	for _, crowded := range []bool{true, false} {
		m := keymemo.New()
		memo.Store(m)
		for round := range 3 {
			for _, g := range gens {
				for _, fn := range fns {
					for _, typed := range []bool{false, true} {
						for _, args := range memoCalls {
							want := direct(t, g, typed, fn, args)
							if crowded {
								crowd(t, m, g, typed, fn, args)
							}
							for ask := range 2 {
								got, err := g.Key(typed, fn, args)
								if err != nil || got != want {
									t.Fatalf("crowded %v, round %d, ask %d, %+v %+v typed=%v %#v: Key = %s, %v; want %s",
										crowded, round, ask, g, fn, typed, args, got, err, want)
								}
							}
						}
					}
				}
			}
		}
	}
}

// Calls with an argument the memo does not take, or too long an identity,
// are not remembered, and still get their keys.
func TestMemoSkips(t *testing.T) {
	long := string(make([]byte, memoMaxID))
	for _, args := range [][]any{
		{long}, {[]byte(long)}, {uint8(1)}, {[]any{1}}, {1, Kwargs{"a": 1}}, {"x", long},
	} {
		var buf [memoMaxID]byte
		if _, ok := appendIdentity(buf[:0], 4, false, "m", "f", args); ok {
			t.Errorf("%#v: remembered", args)
		}
		g := Generator{Module: "m", Name: "f"}
		if got, want := mustKey(t, g, args), direct(t, g, false, cachetoolz.Function{}, args); got != want {
			t.Errorf("%#v: Key = %s, want %s", args, got, want)
		}
	}
	if _, ok := appendIdentity(nil, 4, false, long, "f", []any{1}); ok {
		t.Error("a module name longer than the identity's bound was remembered")
	}
}

func mustKey(t *testing.T, g Generator, args []any) string {
	t.Helper()
	k, err := g.Key(false, cachetoolz.Function{}, args)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// A call whose key fails is not remembered: it fails again.
func TestMemoKeepsFailures(t *testing.T) {
	g := Generator{Module: "m", Name: "f"}
	for range 2 {
		if _, err := g.Key(false, cachetoolz.Function{}, []any{"\xff"}); err == nil {
			t.Fatal("a string that is not UTF-8 got a key")
		}
	}
	bad := Generator{Module: "m\xff", Name: "f"}
	for range 2 {
		if _, err := bad.Key(false, cachetoolz.Function{}, []any{1}); err == nil {
			t.Fatal("a module name that is not UTF-8 got a key")
		}
	}
}

// A remembered call's key allocates nothing, whatever the race detector
// does to the picklers' pool: it is the string remembered.
func TestMemoHitAllocatesNothing(t *testing.T) {
	g := Generator{Module: "app.users", Name: "get_user"}
	args := []any{1000, "eu", 2.5, true}
	want := mustKey(t, g, args)
	if n := testing.AllocsPerRun(100, func() {
		k, err := g.Key(false, cachetoolz.Function{}, args)
		if err != nil || k != want {
			t.Fatalf("Key = %s, %v; want %s", k, err, want)
		}
	}); n != 0 {
		t.Errorf("a remembered key allocates %v times, want 0", n)
	}
}

// FuzzMemoKey checks the memo against the computed key for calls of the
// memo's types built from the fuzzer's values, each asked twice (the second
// from the memo) after another call took both its slots.
func FuzzMemoKey(f *testing.F) {
	f.Add(int64(1), uint64(0), "a", []byte("b"), true, uint8(0))
	f.Add(int64(-1), math.Float64bits(math.NaN()), "", []byte(nil), false, uint8(7))
	f.Add(int64(math.MaxInt64), uint64(1<<63), "é", []byte{0xff}, true, uint8(200))
	saved := memo.Load()
	m := keymemo.New()
	memo.Store(m)
	f.Cleanup(func() { memo.Store(saved) })
	f.Fuzz(func(t *testing.T, i int64, fbits uint64, s string, b []byte, x bool, shape uint8) {
		vals := []any{i, math.Float64frombits(fbits), s, b, x, nil, int32(i), int(i)}
		var args []any
		for j, v := range vals {
			if shape&(1<<j) != 0 {
				args = append(args, v)
			}
		}
		g := Generator{Module: "m", Name: "f", Protocol: 4 + int(shape%2)}
		for _, typed := range []bool{false, true} {
			p, err := g.Pickle(typed, cachetoolz.Function{}, args)
			crowd(t, m, g, typed, cachetoolz.Function{}, args)
			for range 2 {
				got, kerr := g.Key(typed, cachetoolz.Function{}, args)
				if (err == nil) != (kerr == nil) {
					t.Fatalf("%#v: Pickle err %v, Key err %v", args, err, kerr)
				}
				if err != nil {
					continue
				}
				sum := md5.Sum(p)
				if want := hex.EncodeToString(sum[:]); got != want {
					t.Fatalf("%#v typed=%v: Key = %s, want %s", args, typed, got, want)
				}
			}
		}
	})
}

// Goroutines that need the memo at once, before it is made, all get the
// one memo, which stays.
func TestTheMemoIsOne(t *testing.T) {
	saved := memo.Load()
	defer memo.Store(saved)
	memo.Store(nil)
	const goroutines = 8
	got := make([]*keymemo.Memo, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() { got[g] = theMemo() })
	}
	wg.Wait()
	for g, m := range got {
		if m == nil || m != got[0] || m != theMemo() {
			t.Fatalf("goroutine %d got memo %p, goroutine 0 %p, and the package holds %p", g, m, got[0], theMemo())
		}
	}
}
