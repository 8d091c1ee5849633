package pykey_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/pykey"
)

// The opcodes of single values, from pickle's specification. Around each
// value, the pickle of a call f(v) in module "mod", without frames:
//
//	mod MEMOIZE fun MEMOIZE TUPLE2 MEMOIZE <v> TUPLE1 MEMOIZE EMPTY_TUPLE TUPLE3 MEMOIZE STOP
const (
	callHead = "\x8c\x03mod\x94\x8c\x03fun\x94\x86\x94"
	callTail = "\x85\x94)\x87\x94."
)

// pickleOf returns the pickle of v as the only argument, checking what
// surrounds it.
func pickleOf(t *testing.T, proto int, v any) []byte {
	t.Helper()
	b, err := pykey.Generator{Module: "mod", Name: "fun", Protocol: proto}.Pickle(false, cachetoolz.Function{}, []any{v})
	if err != nil {
		t.Fatalf("%#v: %v", v, err)
	}
	if b[0] != 0x80 || int(b[1]) != proto {
		t.Fatalf("%#v: pickle starts % x", v, b[:2])
	}
	return b
}

// argOps returns the opcodes of v in a pickle small enough to be one frame.
func argOps(t *testing.T, v any) string {
	t.Helper()
	b := pickleOf(t, 4, v)
	if b[2] != 0x95 || binary.LittleEndian.Uint64(b[3:11]) != uint64(len(b)-11) {
		t.Fatalf("%#v: not one frame: % x", v, b[:min(len(b), 11)])
	}
	s := string(b[11:])
	if !strings.HasPrefix(s, callHead) || !strings.HasSuffix(s, callTail) {
		t.Fatalf("%#v: % x", v, b)
	}
	return s[len(callHead) : len(s)-len(callTail)]
}

func bigExp(sign int64, exp uint, add int64) *big.Int {
	x := new(big.Int).Lsh(big.NewInt(1), exp)
	x.Add(x, big.NewInt(add))
	return x.Mul(x, big.NewInt(sign))
}

func TestIntOpcodes(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{0, "K\x00"},
		{uint8(255), "K\xff"},
		{256, "M\x00\x01"},
		{int16(-1), "J\xff\xff\xff\xff"},
		{65535, "M\xff\xff"},
		{65536, "J\x00\x00\x01\x00"},
		{math.MaxInt32, "J\xff\xff\xff\x7f"},
		{math.MinInt32, "J\x00\x00\x00\x80"},
		{math.MaxInt32 + 1, "\x8a\x05\x00\x00\x00\x80\x00"},
		{math.MinInt32 - 1, "\x8a\x05\xff\xff\xff\x7f\xff"},
		{int64(-1) << 32, "\x8a\x05\x00\x00\x00\x00\xff"},
		{int64(-1) << 39, "\x8a\x05\x00\x00\x00\x00\x80"},
		{int64(-1)<<39 - 1, "\x8a\x06\xff\xff\xff\xff\x7f\xff"},
		{int64(1) << 39, "\x8a\x06\x00\x00\x00\x00\x80\x00"},
		{int64(math.MaxInt64), "\x8a\x08\xff\xff\xff\xff\xff\xff\xff\x7f"},
		{int64(math.MinInt64), "\x8a\x08\x00\x00\x00\x00\x00\x00\x00\x80"},
		{uint64(math.MaxUint64), "\x8a\x09\xff\xff\xff\xff\xff\xff\xff\xff\x00"},
		{big.NewInt(7), "K\x07"},
		{bigExp(1, 64, 0), "\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\x01"},
		{bigExp(-1, 64, 0), "\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\xff"},
		{bigExp(-1, 63, 0), "\x8a\x08\x00\x00\x00\x00\x00\x00\x00\x80"},
		{bigExp(-1, 63, 1), "\x8a\x09\xff\xff\xff\xff\xff\xff\xff\x7f\xff"},
		// 255 bytes is LONG1's longest; 2^2039 needs 256.
		{bigExp(1, 2039, -1), "\x8a\xff" + strings.Repeat("\xff", 254) + "\x7f"},
		{bigExp(1, 2039, 0), "\x8b\x00\x01\x00\x00" + strings.Repeat("\x00", 254) + "\x80\x00"},
		{bigExp(-1, 2039, 0), "\x8a\xff" + strings.Repeat("\x00", 254) + "\x80"},
		{bigExp(-1, 2039, 1), "\x8b\x00\x01\x00\x00\xff" + strings.Repeat("\xff", 253) + "\x7f\xff"},
		{(*big.Int)(nil), "N"},
	} {
		if got := argOps(t, c.v); got != c.want {
			t.Errorf("%v: % x, want % x", c.v, got, c.want)
		}
	}
}

func TestScalarOpcodes(t *testing.T) {
	negNaN := math.Copysign(math.NaN(), -1)
	for _, c := range []struct {
		v    any
		want string
	}{
		{nil, "N"},
		{(*int)(nil), "N"},
		{true, "\x88"},
		{false, "\x89"},
		{1.5, "G\x3f\xf8\x00\x00\x00\x00\x00\x00"},
		{math.Copysign(0, -1), "G\x80\x00\x00\x00\x00\x00\x00\x00"},
		{math.Inf(-1), "G\xff\xf0\x00\x00\x00\x00\x00\x00"},
		{math.NaN(), "G\x7f\xf8\x00\x00\x00\x00\x00\x00"},
		{negNaN, "G\xff\xf8\x00\x00\x00\x00\x00\x00"},
		{float32(0.1), "G\x3f\xb9\x99\x99\xa0\x00\x00\x00"},
		{"", "\x8c\x00\x94"},
		{"é", "\x8c\x02\xc3\xa9\x94"},
		{strings.Repeat("a", 255), "\x8c\xff" + strings.Repeat("a", 255) + "\x94"},
		{strings.Repeat("a", 256), "X\x00\x01\x00\x00" + strings.Repeat("a", 256) + "\x94"},
		{[]byte{}, "C\x00\x94"},
		{[2]byte{1, 2}, "C\x02\x01\x02\x94"},
		{bytes.Repeat([]byte("b"), 255), "C\xff" + strings.Repeat("b", 255) + "\x94"},
		{bytes.Repeat([]byte("b"), 256), "B\x00\x01\x00\x00" + strings.Repeat("b", 256) + "\x94"},
	} {
		if got := argOps(t, c.v); got != c.want {
			t.Errorf("%#v: % x, want % x", c.v, got, c.want)
		}
	}
}

func TestContainerOpcodes(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{pykey.Tuple{}, ")"},
		{pykey.Tuple{1}, "K\x01\x85\x94"},
		{[2]int{1, 2}, "K\x01K\x02\x86\x94"},
		{pykey.Tuple{1, 2, 3}, "K\x01K\x02K\x03\x87\x94"},
		{pykey.Tuple{1, 2, 3, 4}, "(K\x01K\x02K\x03K\x04t\x94"},
		{[]int(nil), "]\x94"},
		{[]int{1}, "]\x94K\x01a"},
		{[]any{1, "x"}, "]\x94(K\x01\x8c\x01x\x94e"},
		{map[string]int(nil), "}\x94"},
		{map[string]int{"k": 1}, "}\x94\x8c\x01k\x94K\x01s"},
		{map[int]bool{2: true, 1: false}, "}\x94(K\x01\x89K\x02\x88u"},
		// Keys in Python's order: exact across int and float.
		{map[any]int{1.5: 0, 1: 0, 2: 0, math.Inf(-1): 0}, "}\x94(G\xff\xf0\x00\x00\x00\x00\x00\x00K\x00K\x01K\x00G\x3f\xf8\x00\x00\x00\x00\x00\x00K\x00K\x02K\x00u"},
		// One-character str and bytes are one object each; others are not.
		{[]any{"a", "a", "ab", "ab", []byte{9}, []byte{9}}, "]\x94(\x8c\x01a\x94h\x04\x8c\x02ab\x94\x8c\x02ab\x94C\x01\x09\x94h\x07e"},
	} {
		if got := argOps(t, c.v); got != c.want {
			t.Errorf("%#v: % x, want % x", c.v, got, c.want)
		}
	}
}

// countOps returns the number of times each byte of ops occurs in s.
func countOps(s string, ops string) []int {
	n := make([]int, len(ops))
	for i := range ops {
		n[i] = strings.Count(s, ops[i:i+1])
	}
	return n
}

func TestBatches(t *testing.T) {
	for _, c := range []struct {
		n          int
		list, dict []int // MARK and APPENDS; MARK and SETITEMS
	}{
		{2, []int{1, 1}, []int{1, 1}},
		{999, []int{1, 1}, []int{1, 1}},
		{1000, []int{1, 1}, []int{2, 2}}, // CPython's empty last batch of a dict
		{1001, []int{2, 2}, []int{2, 2}},
		{2000, []int{2, 2}, []int{3, 3}},
		{2001, []int{3, 3}, []int{3, 3}},
	} {
		l := make([]bool, c.n)
		m := make(map[string]bool, c.n)
		for i := range c.n {
			m[fmt.Sprintf("%04d", i)] = true
		}
		// Neither holds a byte that looks like MARK, APPENDS or SETITEMS
		// but those opcodes.
		if got := countOps(argOps(t, l), "(e"); !slices.Equal(got, c.list) {
			t.Errorf("list of %d: MARK, APPENDS %v, want %v", c.n, got, c.list)
		}
		if got := countOps(argOps(t, m), "(u"); !slices.Equal(got, c.dict) {
			t.Errorf("dict of %d: MARK, SETITEMS %v, want %v", c.n, got, c.dict)
		}
	}
}

func TestFrames(t *testing.T) {
	// A payload of 64 KiB or more goes outside any frame; what precedes it
	// is a frame only if at least 4 bytes long.
	big := strings.Repeat("x", 64*1024)
	b := pickleOf(t, 4, big)
	want := "\x80\x04\x95\x0e\x00\x00\x00\x00\x00\x00\x00" + callHead + "X\x00\x00\x01\x00" + big + "\x95\x07\x00\x00\x00\x00\x00\x00\x00\x94" + callTail
	if string(b) != want {
		t.Errorf("large str: %s", diffPickles(b, hexOf(want)))
	}
	// Between two large payloads, the MEMOIZE of the first is a frame too
	// small for a header.
	b = pickleOf(t, 4, []any{big, big})
	want = "\x80\x04\x95\x11\x00\x00\x00\x00\x00\x00\x00" + callHead + "]\x94(" +
		"X\x00\x00\x01\x00" + big + "\x94" + "X\x00\x00\x01\x00" + big +
		"\x95\x08\x00\x00\x00\x00\x00\x00\x00\x94e" + callTail
	if string(b) != want {
		t.Errorf("two large str: %s", diffPickles(b, hexOf(want)))
	}
	// One byte shorter, it is framed, and its frame ends at the next
	// value: the tuple of keyword arguments, which with the rest makes a
	// frame of 4 bytes.
	small := strings.Repeat("x", 64*1024-1)
	b = pickleOf(t, 5, small)
	first := 11 + int(binary.LittleEndian.Uint64(b[3:]))
	if b[2] != 0x95 || first != len(b)-13 || string(b[first:]) != "\x95\x04\x00\x00\x00\x00\x00\x00\x00)\x87\x94." {
		t.Errorf("a str one byte shorter: frame of %d bytes, then % x", first-11, b[first:])
	}
	// A frame ends at the first value after it reaches 64 KiB.
	items := make([]any, 200)
	for i := range items {
		items[i] = strings.Repeat("y", 1000) // BINUNICODE, 1000 bytes, MEMOIZE: 1006
	}
	b = pickleOf(t, 4, items)
	first = int(binary.LittleEndian.Uint64(b[3:]))
	head := len(callHead) + 3 // EMPTY_LIST MEMOIZE MARK
	if want := head + 1006*((64*1024-head+1005)/1006); first != want {
		t.Errorf("first frame %d bytes, want %d", first, want)
	}
	if b[11+first] != 0x95 {
		t.Errorf("no frame after the first: % x", b[11+first:11+first+9])
	}
}

func TestSharedNames(t *testing.T) {
	// Module, function and keyword names are interned: equal ones are
	// one object, also the "builtins" of the types.
	g := pykey.Generator{Module: "builtins", Name: "builtins"}
	b, err := g.Pickle(true, cachetoolz.Function{}, []any{1, pykey.Kwargs{"builtins": 2}})
	if err != nil {
		t.Fatal(err)
	}
	want := "\x80\x04\x95\x2b\x00\x00\x00\x00\x00\x00\x00(\x8c\x08builtins\x94h\x00\x86\x94K\x01\x85\x94h\x00K\x02\x86\x94\x85\x94h\x00\x8c\x03int\x94\x93\x94h\x06t\x94."
	if string(b) != want {
		t.Errorf("%s", diffPickles(b, hexOf(want)))
	}
}

func hexOf(s string) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(s))
	for i := range len(s) {
		out = append(out, digits[s[i]>>4], digits[s[i]&15])
	}
	return string(out)
}

func TestUnsupported(t *testing.T) {
	g := pykey.Generator{Module: "m", Name: "f"}
	for _, c := range []struct {
		name  string
		typed bool
		args  []any
	}{
		{"struct", false, []any{struct{}{}}},
		{"complex", false, []any{1i}},
		{"func", false, []any{func() {}}},
		{"invalid UTF-8", false, []any{"\xff"}},
		{"Kwargs not last", false, []any{pykey.Kwargs{}, 1}},
		{"nested Kwargs", false, []any{[]any{pykey.Kwargs{}}}},
		{"list key", false, []any{map[*[]int]int{{}: 1}}},
		{"NaN key", false, []any{map[float64]int{math.NaN(): 1}}},
		{"equal keys", false, []any{map[any]int{1: 1, 1.0: 2}}},
		{"unordered keys", false, []any{map[any]int{1: 1, "a": 2}}},
		{"unordered typed kwargs", true, []any{pykey.Kwargs{"a": 1, "b": "x"}}},
		{"dict typed kwargs", true, []any{pykey.Kwargs{"a": map[int]int{}, "b": map[int]int{}}}},
		{"NaN among types", true, []any{pykey.Kwargs{"a": math.NaN(), "b": 1}}},
		{"cycle", false, []any{cyclic()}},
	} {
		_, err := g.Key(c.typed, cachetoolz.Function{}, c.args)
		if !errors.Is(err, cachetoolz.ErrUnsupportedArgument) {
			t.Errorf("%s: %v, want ErrUnsupportedArgument", c.name, err)
		} else if !strings.HasPrefix(err.Error(), "cachetoolz: pykey: ") {
			t.Errorf("%s: %q", c.name, err)
		}
	}
	// The same calls untyped, or with one value, have keys.
	for _, args := range [][]any{
		{pykey.Kwargs{"a": 1, "b": "x"}},
		{pykey.Kwargs{"a": map[int]int{}}},
		{pykey.Kwargs{"a": math.NaN(), "b": 1}},
	} {
		if _, err := g.Key(false, cachetoolz.Function{}, args); err != nil {
			t.Errorf("%v: %v", args, err)
		}
	}
	if _, err := (pykey.Generator{Protocol: 3}).Key(false, cachetoolz.Function{}, nil); err == nil || errors.Is(err, cachetoolz.ErrUnsupportedArgument) {
		t.Errorf("protocol 3: %v", err)
	}
}

func cyclic() any {
	l := []any{nil}
	l[0] = l
	return l
}

func TestTypedKwargsOrder(t *testing.T) {
	// Values sort by Python's <, equal ones in the order of their names:
	// 0.5 (float) < True (bool) == 1 (int), names b before c.
	g := pykey.Generator{Module: "m", Name: "f"}
	b, err := g.Pickle(true, cachetoolz.Function{}, []any{pykey.Kwargs{"c": 1, "b": true, "a": 0.5}})
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	fl, bo, in := strings.Index(s, "\x8c\x05float"), strings.Index(s, "\x8c\x04bool"), strings.Index(s, "\x8c\x03int")
	if !(fl >= 0 && fl < bo && bo < in) {
		t.Errorf("types not in the order float, bool, int: %q", s)
	}
}

func TestFunctionName(t *testing.T) {
	// Without Module and Name, the cachetoolz function name splits at its
	// last dot.
	fn := cachetoolz.Function{Name: "example.com/app/users.Get"}
	a, err := pykey.Generator{}.Key(false, fn, []any{1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := pykey.Generator{Module: "example.com/app/users", Name: "Get"}.Key(false, cachetoolz.Function{Name: "other"}, []any{1})
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Errorf("%s != %s", a, b)
	}
}
