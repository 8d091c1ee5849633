package cachetoolz_test

import (
	"context"
	"errors"
	"math"
	"math/big"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
)

// sameKey reports whether two argument lists get one key, failing the test
// if either cannot be keyed.
func sameKey(t *testing.T, typed bool, a, b []any) bool {
	t.Helper()
	ka, err := cachetoolz.DefaultKey(typed, fn, a)
	if err != nil {
		t.Fatalf("DefaultKey(%#v): %v", a, err)
	}
	kb, err := cachetoolz.DefaultKey(typed, fn, b)
	if err != nil {
		t.Fatalf("DefaultKey(%#v): %v", b, err)
	}
	return ka == kb
}

type stamped struct {
	time.Time
	N int
}

type stampedPtr struct {
	*time.Time
	N int
}

type addrPort struct {
	netip.Addr
	Port int
}

type bigTagged struct {
	big.Int
	N int
}

// uuid is a UUID type of the usual kind: an array with a MarshalText.
type uuid [16]byte

func (u uuid) MarshalText() ([]byte, error) { return []byte(strings.Repeat("u", int(u[0]))), nil }

type uuidTagged struct {
	uuid
	N int
}

// caseless is a string whose own MarshalText says case does not matter.
type caseless string

func (c caseless) MarshalText() ([]byte, error) { return []byte(strings.ToLower(string(c))), nil }

// shadowed embeds a caseless and declares its own MarshalText, which hides
// the promoted one and stands for the whole value.
type shadowed struct {
	caseless
	N int
}

func (s shadowed) MarshalText() ([]byte, error) { return s.caseless.MarshalText() }

// shadowedPtr is shadowed with a pointer receiver.
type shadowedPtr struct {
	caseless
	N int
}

func (s *shadowedPtr) MarshalText() ([]byte, error) { return s.caseless.MarshalText() }

func TestKeyIgnoresPromotedMethods(t *testing.T) {
	ts := time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC)
	ip := netip.MustParseAddr("192.0.2.1")
	for _, pair := range [][2]any{
		{stamped{ts, 1}, stamped{ts, 2}},
		{&stamped{ts, 1}, &stamped{ts, 2}},
		{stampedPtr{&ts, 1}, stampedPtr{&ts, 2}},
		{addrPort{ip, 80}, addrPort{ip, 443}},
		{bigTagged{*big.NewInt(5), 1}, bigTagged{*big.NewInt(5), 2}},
		{uuidTagged{uuid{3}, 1}, uuidTagged{uuid{3}, 2}},
		{struct{ caseless }{"a"}, struct{ caseless }{"b"}},
	} {
		if sameKey(t, false, pair[:1], pair[1:]) {
			t.Errorf("%#v and %#v share a key: a promoted method stood for the whole value", pair[0], pair[1])
		}
	}
	// Equal values still agree, and the embedded value is keyed by its own
	// methods: the text of a caseless ignores case.
	if !sameKey(t, false, []any{stamped{ts, 1}}, []any{stamped{ts.Local().In(time.UTC), 1}}) {
		t.Error("equal structs embedding a time.Time got different keys")
	}
	if !sameKey(t, false, []any{struct{ caseless }{"A"}}, []any{struct{ caseless }{"a"}}) {
		t.Error("the embedded field's own MarshalText was not used for the field")
	}
}

func TestKeyUsesOwnMethodsThatShadowPromotedOnes(t *testing.T) {
	if !sameKey(t, false, []any{shadowed{"A", 1}}, []any{shadowed{"a", 2}}) {
		t.Error("a struct's own MarshalText (value receiver) did not stand for it")
	}
	if !sameKey(t, false, []any{shadowedPtr{"A", 1}}, []any{shadowedPtr{"a", 2}}) {
		t.Error("a struct's own MarshalText (pointer receiver) did not stand for it")
	}
	if sameKey(t, false, []any{caseless("a")}, []any{caseless("b")}) {
		t.Error("different texts share a key")
	}
}

type customer struct{ ID int }
type invoice struct{ ID int }

func countOf[T any](_ context.Context, n int) (int, error) {
	var z T
	_ = z
	return n, nil
}

func adderOf[T any]() func(int) int {
	return func(n int) int { return n + 1 }
}

func TestWrapGenericFunctionNeedsName(t *testing.T) {
	c := cachetoolz.Must(cachetoolz.New(nil, nil))
	if _, err := cachetoolz.Wrap1(c, countOf[customer], nil); err == nil ||
		!strings.HasPrefix(err.Error(), "cachetoolz:") || !strings.Contains(err.Error(), "Options.Name") {
		t.Errorf("wrapping a generic function's instance without a name: %v, want an error asking for Options.Name", err)
	}
	if _, err := cachetoolz.Wrap1Plain(c, adderOf[customer](), nil); err == nil || !strings.Contains(err.Error(), "Options.Name") {
		t.Errorf("wrapping a function literal of a generic function without a name: %v", err)
	}
	customers := cachetoolz.Must(cachetoolz.Wrap1(c, countOf[customer], &cachetoolz.Options{Name: "count-customers"}))
	invoices := cachetoolz.Must(cachetoolz.Wrap1(c, countOf[invoice], &cachetoolz.Options{Name: "count-invoices"}))
	if _, err := customers(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	if _, err := invoices(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	if _, err := cachetoolz.Wrap1Plain(c, strings.ToUpper, nil); err != nil {
		t.Errorf("a plain function needs no name: %v", err)
	}
}

func TestKeyTellsNilFromEmpty(t *testing.T) {
	for _, pair := range [][2]any{
		{[]int(nil), []int{}},
		{map[string]int(nil), map[string]int{}},
		{[]byte(nil), []byte{}},
		{(*int)(nil), new(int)},
		{(**int)(nil), new(*int)},
		{struct{ S []string }{}, struct{ S []string }{S: []string{}}},
		{[]any{[]int(nil)}, []any{[]int{}}},
	} {
		for _, typed := range []bool{false, true} {
			if sameKey(t, typed, pair[:1], pair[1:]) {
				t.Errorf("typed=%v: %#v and %#v share a key", typed, pair[0], pair[1])
			}
		}
	}
	// Through the wrappers' allocation-free path, too.
	c := cachetoolz.Must(cachetoolz.New(nil, nil))
	isNil := cachetoolz.Must(cachetoolz.Wrap1Plain(c, func(b []byte) bool { return b == nil }, &cachetoolz.Options{Name: "isNil"}))
	if !isNil(nil) || isNil([]byte{}) {
		t.Error("a wrapped function answered for a nil []byte what it answered for an empty one")
	}
}

func TestUntypedNumbersByValue(t *testing.T) {
	nan := math.NaN()
	for _, pair := range [][2]any{
		{uint64(1 << 63), float64(1 << 63)},
		{int64(math.MinInt64), float64(-1 << 63)},
		{uint64(1 << 60), float64(1 << 60)},
		{uint64(1<<64 - 2048), float64(1<<64 - 2048)},
		{int(1 << 53), float64(1 << 53)},
		{int32(16777216), float32(16777216)},
		{int8(-3), complex(-3, 0)},
		{float32(0.5), 0.5},
		{nan, float32(nan)},
		{nan, math.Float64frombits(0xfff0000000000123)},
		{math.Inf(1), float32(math.Inf(1))},
		{math.Copysign(0, -1), float32(math.Copysign(0, -1))},
		{complex(math.Copysign(0, -1), 0), math.Copysign(0, -1)},
	} {
		if !sameKey(t, false, pair[:1], pair[1:]) {
			t.Errorf("%T(%v) and %T(%v) are one number but got different keys", pair[0], pair[0], pair[1], pair[1])
		}
	}
	for _, pair := range [][2]any{
		{math.Copysign(0, -1), 0},
		{math.Copysign(0, -1), 0.0},
		{uint64(math.MaxUint64), float64(1 << 64)},
		{int(1<<53 + 1), float64(1 << 53)},
		{nan, 0},
		{nan, math.Inf(1)},
		{complex(1, math.Copysign(0, -1)), 1},
		{complex(1, 1), 1},
		{uint64(1 << 63), int64(math.MinInt64)},
		{float64(1 << 64), float64(1 << 63)},
	} {
		if sameKey(t, false, pair[:1], pair[1:]) {
			t.Errorf("%T(%v) and %T(%v) are different numbers but share a key", pair[0], pair[0], pair[1], pair[1])
		}
	}
}

type request struct {
	id    int
	opt   any
	attrs map[string]any
	err   error
	at    *time.Time
}

func TestKeyUnexportedInterfaceAndMapFields(t *testing.T) {
	ts := time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC)
	a := request{id: 1, opt: request{opt: "inner"}, attrs: map[string]any{"k": []int{1}}, err: errors.New("e"), at: &ts}
	b := request{id: 1, opt: request{opt: "inner"}, attrs: map[string]any{"k": []int{1}}, err: errors.New("e"), at: &ts}
	if !sameKey(t, false, []any{a}, []any{b}) || !sameKey(t, true, []any{a}, []any{b}) {
		t.Error("equal structs with unexported interface and map fields got different keys")
	}
	b.opt = request{opt: "other"}
	if sameKey(t, false, []any{a}, []any{b}) {
		t.Error("different unexported interface fields share a key")
	}
	b.opt, b.attrs = a.opt, map[string]any{"k": []int{2}}
	if sameKey(t, false, []any{a}, []any{b}) {
		t.Error("different unexported map fields share a key")
	}

	c := cachetoolz.Must(cachetoolz.New(nil, nil))
	runs := 0
	get := cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, r request) (int, error) { runs++; return r.id, nil },
		&cachetoolz.Options{Name: "get-request"}))
	for range 2 {
		if _, err := get(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
	if runs != 1 {
		t.Errorf("%d runs for two equal calls, want 1", runs)
	}
}

func TestKeyRejectsContextsAndFunctions(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, v := range []any{
		context.Background(),
		ctx,
		request{opt: ctx},
		request{opt: func() {}},
		[]any{make(chan int)},
		struct{ context.Context }{},
	} {
		if _, err := cachetoolz.DefaultKey(false, fn, []any{v}); !errors.Is(err, cachetoolz.ErrUnsupportedArgument) {
			t.Errorf("DefaultKey(%T): %v, want ErrUnsupportedArgument", v, err)
		}
	}
	c := cachetoolz.Must(cachetoolz.New(nil, nil))
	type withContext struct {
		ctx context.Context
		id  int
	}
	_ = withContext{ctx: ctx}.ctx
	_, err := cachetoolz.Wrap1Plain(c, func(w withContext) int { return w.id }, &cachetoolz.Options{Name: "ctx-field"})
	if !errors.Is(err, cachetoolz.ErrUnsupportedArgument) {
		t.Errorf("wrapping a function of a struct with a context field: %v, want ErrUnsupportedArgument", err)
	}
}

type node struct {
	V    int
	Next *node
}

func list(n, last int) *node {
	head := &node{V: last}
	for i := n - 1; i > 0; i-- {
		head = &node{V: i, Next: head}
	}
	return head
}

type dag struct {
	L, R *dag
	V    int
}

// diamond builds a DAG of the given depth in which both children of a node
// are one shared node, or a tree of the same values without sharing.
func diamond(depth int, shared bool) *dag {
	if depth == 0 {
		return &dag{V: 1}
	}
	if shared {
		d := diamond(depth-1, true)
		return &dag{L: d, R: d, V: depth}
	}
	return &dag{L: diamond(depth-1, false), R: diamond(depth-1, false), V: depth}
}

func TestKeyDeepValuesAndCycles(t *testing.T) {
	if !sameKey(t, false, []any{list(10000, 7)}, []any{list(10000, 7)}) {
		t.Error("two equal 10,000-node lists got different keys")
	}
	if sameKey(t, false, []any{list(10000, 7)}, []any{list(10000, 8)}) {
		t.Error("lists that differ in their last node share a key")
	}
	if !sameKey(t, false, []any{diamond(10, true)}, []any{diamond(10, false)}) {
		t.Error("a DAG with shared nodes and the equal tree got different keys")
	}

	ring := list(100, 0)
	last := ring
	for last.Next != nil {
		last = last.Next
	}
	last.Next = ring
	m := map[string]any{}
	m["self"] = m
	s := []any{nil}
	s[0] = s
	p := new(any)
	*p = p
	// A cycle is found the first time round, before a value that refers to
	// itself twice over at each level unfolds exponentially.
	wide := make([]any, 8)
	for i := range wide {
		wide[i] = wide
	}
	wideMap := map[int]any{}
	for i := range 8 {
		wideMap[i] = wideMap
	}
	for _, v := range []any{ring, m, s, p, struct{ L *node }{ring}, wide, wideMap} {
		if _, err := cachetoolz.DefaultKey(false, fn, []any{v}); !errors.Is(err, cachetoolz.ErrUnsupportedArgument) {
			t.Errorf("a cyclic %T: %v, want ErrUnsupportedArgument", v, err)
		}
	}
}
