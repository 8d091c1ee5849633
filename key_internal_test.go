package cachetoolz

import (
	"bytes"
	"math"
	"reflect"
	"testing"

	"github.com/cachetoolz/cachetoolz/internal/canon"
)

// fastMatchesReflect checks that the allocation-free encoding of a equals the
// reflective one that DefaultKey uses, typed and untyped.
func fastMatchesReflect[A any](t *testing.T, a A) {
	t.Helper()
	for _, typed := range []bool{false, true} {
		info := newArgInfo(reflect.TypeFor[A](), typed)
		fast, err := appendArg(nil, a, &info)
		if err != nil {
			t.Fatalf("appendArg(%#v): %v", a, err)
		}
		slow, err := canon.Append(nil, any(a), typed)
		if err != nil {
			t.Fatalf("canon.Append(%#v): %v", a, err)
		}
		if !bytes.Equal(fast, slow) {
			t.Fatalf("typed=%v %T(%#v): fast %x, reflect %x", typed, a, a, fast, slow)
		}
	}
}

type userID int

// Defined types of the fast kinds, without methods and with methods that
// stand for their values.
type (
	region   string
	blob     []byte
	ratio    float64
	flag     bool
	count64  uint64
	textID   int
	binID    int
	ptrText  string
	myByte   byte
	myBytes  []myByte
	stringer int
)

func (t textID) MarshalText() ([]byte, error)   { return []byte{'t', byte(t)}, nil }
func (b binID) MarshalBinary() ([]byte, error)  { return []byte{'b', byte(b)}, nil }
func (p *ptrText) MarshalText() ([]byte, error) { return []byte("p" + *p), nil }
func (s stringer) String() string               { return "s" }

func TestFastPathMatchesReflection(t *testing.T) {
	fastMatchesReflect(t, 0)
	fastMatchesReflect(t, math.MinInt)
	fastMatchesReflect(t, int64(-5))
	fastMatchesReflect(t, int32(7))
	fastMatchesReflect(t, uint(9))
	fastMatchesReflect(t, uint64(math.MaxUint64))
	fastMatchesReflect(t, uint32(1))
	fastMatchesReflect(t, "héllo")
	fastMatchesReflect(t, true)
	fastMatchesReflect(t, 1.5)
	fastMatchesReflect(t, math.NaN())
	fastMatchesReflect(t, []byte{0, 0xff})
	fastMatchesReflect(t, []byte{})
	fastMatchesReflect(t, []byte(nil))
	fastMatchesReflect(t, math.Copysign(0, -1))
	fastMatchesReflect(t, float64(1<<63))
	fastMatchesReflect(t, float64(1<<64))
	fastMatchesReflect(t, uint64(1<<63))
	fastMatchesReflect(t, userID(3))
	fastMatchesReflect(t, region("eu"))
	fastMatchesReflect(t, blob{1, 2})
	fastMatchesReflect(t, blob(nil))
	fastMatchesReflect(t, ratio(0.5))
	fastMatchesReflect(t, flag(true))
	fastMatchesReflect(t, count64(math.MaxUint64))
	fastMatchesReflect(t, textID(3))
	fastMatchesReflect(t, binID(3))
	fastMatchesReflect(t, ptrText("x"))
	fastMatchesReflect(t, myBytes{1})
	fastMatchesReflect(t, stringer(4))
	fastMatchesReflect(t, any(3))
	fastMatchesReflect(t, any(nil))
	fastMatchesReflect(t, any("s"))
	fastMatchesReflect(t, struct{ A any }{A: 2.0})
}

// Defined types are encoded without reflection exactly when canon encodes
// them by their kind: a MarshalText or MarshalBinary of their own, on the
// value or the pointer, stands for their values instead.
func TestFastKindOfDefinedTypes(t *testing.T) {
	for _, c := range []struct {
		t    reflect.Type
		fast bool
	}{
		{reflect.TypeFor[userID](), true},
		{reflect.TypeFor[region](), true},
		{reflect.TypeFor[blob](), true},
		{reflect.TypeFor[ratio](), true},
		{reflect.TypeFor[flag](), true},
		{reflect.TypeFor[count64](), true},
		{reflect.TypeFor[stringer](), true},
		{reflect.TypeFor[textID](), false},
		{reflect.TypeFor[binID](), false},
		{reflect.TypeFor[ptrText](), false},
		{reflect.TypeFor[myBytes](), false},
		{reflect.TypeFor[*userID](), false},
	} {
		if got := fastKindOf(c.t) != fastNone; got != c.fast {
			t.Errorf("%v: fast = %v, want %v", c.t, got, c.fast)
		}
	}
}

func FuzzFastPathMatchesReflection(f *testing.F) {
	f.Add(int64(1), 1.0, "a", []byte("b"), true)
	f.Add(int64(-1), math.Inf(1), "", []byte{}, false)
	f.Add(int64(math.MaxInt64), math.Copysign(0, -1), "\x00\xff", []byte{0xff}, true)
	f.Fuzz(func(t *testing.T, i int64, x float64, s string, b []byte, ok bool) {
		fastMatchesReflect(t, i)
		fastMatchesReflect(t, int(i))
		fastMatchesReflect(t, uint64(i))
		fastMatchesReflect(t, x)
		fastMatchesReflect(t, s)
		fastMatchesReflect(t, b)
		fastMatchesReflect(t, ok)
		fastMatchesReflect(t, any(i))
		fastMatchesReflect(t, any(x))
		fastMatchesReflect(t, any(s))
	})
}
