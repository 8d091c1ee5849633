package cachetoolz_test

import (
	"errors"
	"math"
	"math/big"
	"net/netip"
	"time"
)

// argGen builds arguments for the differential key test from fuzz input. A
// second generator reading the same input makes the same choices of value,
// but salt changes its choices of representation (int or float64, []any or
// [N]any, map insertion order, NaN payload, ...), and one choice, perturb,
// is shifted to the next value: a nil slice becomes an empty one, 0 becomes
// -0, a field changes.
type argGen struct {
	data    []byte
	pos     int
	salt    int
	perturb int // the index of the shifted choice, or -1
	n       int
}

func (g *argGen) next() int {
	var c byte
	if g.pos < len(g.data) {
		c = g.data[g.pos]
		g.pos++
	}
	if g.n == g.perturb {
		c++
	}
	g.n++
	return int(c)
}

// pick chooses a value; rep chooses a representation.
func (g *argGen) pick(n int) int { return g.next() % n }
func (g *argGen) rep(n int) int  { return (g.next() + g.salt) % n }

func generate(data []byte, salt, perturb int) []any {
	g := &argGen{data: data, salt: salt, perturb: perturb}
	args := make([]any, 1+g.pick(3))
	for i := range args {
		args[i] = g.value(3)
	}
	return args
}

type myInt int
type myStr string
type octet uint8

type box[T any] struct{ V T }

type pair struct {
	A int
	B any
}

type withBlank struct {
	A int
	_ int
}

// Numbers: values in int64, uint64 or float64, chosen for their edges.
var numbers = []any{
	int64(0), math.Copysign(0, -1), int64(1), int64(-1), 0.5, 0.1, float64(float32(0.1)),
	int64(1 << 53), int64(1<<53 + 1), float64(1 << 53), uint64(1 << 63), float64(1 << 63),
	int64(math.MinInt64), float64(-1 << 63), int64(math.MaxInt64), uint64(math.MaxUint64),
	float64(1 << 64), math.NaN(), math.Inf(1), math.Inf(-1), 1e300, int64(255), int64(256),
	uint64(1<<64 - 2048), float64(1<<64 - 2048),
}

var nans = []float64{math.NaN(), math.Float64frombits(0x7ff0000000000001), math.Float64frombits(0xfff8000000000000)}

func (g *argGen) number() any {
	n := numbers[g.pick(len(numbers))]
	r := g.rep(11)
	if f, ok := n.(float64); ok && math.IsNaN(f) {
		n = nans[g.rep(len(nans))]
	}
	switch r {
	case 0:
		return asInt64(n)
	case 1:
		return int(asInt64(n))
	case 2:
		return int8(asInt64(n))
	case 3:
		return uint8(asUint64(n))
	case 4:
		return asUint64(n)
	case 5:
		return float32(asFloat64(n))
	case 6:
		return complex(asFloat64(n), 0)
	case 7:
		return complex(asFloat64(n), math.Copysign(0, -1))
	case 8:
		return myInt(asInt64(n))
	case 9:
		return complex(asFloat64(n), 1)
	}
	return asFloat64(n)
}

func asInt64(n any) int64 {
	switch v := n.(type) {
	case int64:
		return v
	case uint64:
		return int64(v)
	case float64:
		if math.IsNaN(v) || v < math.MinInt64 || v >= math.MaxInt64 {
			return math.MinInt64
		}
		return int64(v)
	}
	return 0
}

func asUint64(n any) uint64 {
	switch v := n.(type) {
	case int64:
		return uint64(v)
	case uint64:
		return v
	case float64:
		if math.IsNaN(v) || v < 0 || v >= math.MaxUint64 {
			return 0
		}
		return uint64(v)
	}
	return 0
}

func asFloat64(n any) float64 {
	switch v := n.(type) {
	case int64:
		return float64(v)
	case uint64:
		return float64(v)
	case float64:
		return v
	}
	return 0
}

var words = []string{"", "a", "A", "b", "ab"}

func (g *argGen) str() any {
	s := words[g.pick(len(words))]
	switch g.rep(3) {
	case 0:
		return myStr(s)
	case 1:
		return caseless(s)
	}
	return s
}

func (g *argGen) bytes() any {
	var b []byte
	switch g.pick(4) {
	case 1:
		b = []byte{}
	case 2:
		b = []byte{0}
	case 3:
		b = []byte{1, 2}
	}
	switch g.rep(4) {
	case 1:
		if b == nil {
			return []octet(nil)
		}
		o := make([]octet, len(b))
		for i, c := range b {
			o[i] = octet(c)
		}
		return o
	case 2:
		switch len(b) {
		case 1:
			return [1]byte(b)
		case 2:
			return [2]byte(b)
		}
	case 3:
		if len(b) == 0 && b != nil {
			return [0]byte{}
		}
	}
	return b
}

var instants = []time.Time{
	time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC),
	time.Date(2024, 2, 29, 12, 0, 0, 1, time.UTC),
	time.Date(2024, 2, 29, 13, 0, 0, 0, time.FixedZone("CET", 3600)),
	time.Date(2024, 2, 29, 12, 0, 0, 0, time.FixedZone("UTC", 0)),
	time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC).In(time.Local),
}

func (g *argGen) instant() time.Time {
	t := instants[g.pick(len(instants))]
	if g.rep(2) == 1 {
		t = time.Unix(t.Unix(), int64(t.Nanosecond())).In(t.Location())
	}
	return t
}

var addrs = []netip.Addr{netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("::ffff:192.0.2.1"), netip.MustParseAddr("fe80::1%eth0"), {}}

// value makes a value of any of the kinds the key rules speak of.
func (g *argGen) value(depth int) any {
	k := g.pick(20)
	if depth <= 0 && k >= 9 {
		k %= 9
	}
	switch k {
	case 0:
		return nil
	case 1, 2:
		return g.number()
	case 3:
		return g.str()
	case 4:
		return g.pick(2) == 1
	case 5:
		return g.bytes()
	case 6:
		return g.instant()
	case 7: // values with their own marshaling methods
		switch g.pick(5) {
		case 0:
			return uuid{byte(g.pick(3))}
		case 1:
			return addrs[g.pick(len(addrs))]
		case 2:
			return big.NewInt(int64(g.pick(3)) - 1)
		case 3:
			return shadowed{caseless(words[g.pick(len(words))]), g.pick(2)}
		default:
			return &shadowedPtr{caseless(words[g.pick(len(words))]), g.pick(2)}
		}
	case 8: // pointers
		switch g.pick(4) {
		case 0:
			return (*int)(nil)
		case 1:
			return new(int)
		case 2:
			return (**int)(nil)
		default:
			return new(*int)
		}
	case 9: // structs embedding values with methods
		n := g.pick(3)
		switch g.pick(7) {
		case 0:
			return stamped{g.instant(), n}
		case 1:
			t := g.instant()
			return stampedPtr{&t, n}
		case 2:
			return addrPort{addrs[g.pick(len(addrs))], n}
		case 3:
			return bigTagged{*big.NewInt(int64(g.pick(3))), n}
		case 4:
			return uuidTagged{uuid{byte(g.pick(3))}, n}
		case 5:
			return struct{ caseless }{caseless(words[g.pick(len(words))])}
		default:
			return &stamped{g.instant(), n}
		}
	case 10, 11: // lists
		n := g.pick(5) - 1
		if n < 0 {
			return []any(nil)
		}
		l := make([]any, n)
		for i := range l {
			l[i] = g.value(depth - 1)
		}
		if g.rep(2) == 1 {
			switch n {
			case 0:
				return [0]any{}
			case 1:
				return [1]any(l)
			case 2:
				return [2]any(l)
			case 3:
				return [3]any(l)
			}
		}
		return l
	case 12, 13:
		return g.mapValue(depth)
	case 14: // generic types
		n := numbers[g.pick(len(numbers))]
		switch g.rep(3) {
		case 0:
			return box[int64]{asInt64(n)}
		case 1:
			return box[any]{n}
		}
		return box[float64]{asFloat64(n)}
	case 15: // unexported fields
		r := request{id: g.pick(2), opt: g.value(depth - 1)}
		if m := g.mapValue(depth); m != nil {
			if sm, ok := m.(map[string]any); ok {
				r.attrs = sm
			}
		}
		if g.pick(2) == 1 {
			r.err = errors.New(words[g.pick(len(words))])
		}
		if g.pick(2) == 1 {
			t := g.instant()
			r.at = &t
		}
		return r
	case 16: // the same fields in a named and an unnamed struct type
		a, b := g.pick(2), g.value(depth-1)
		switch g.rep(3) {
		case 0:
			return pair{a, b}
		case 1:
			return struct {
				A int
				B any
			}{a, b}
		}
		return &pair{a, b}
	case 17:
		p := new(any)
		*p = g.value(depth - 1)
		return p
	case 18: // linked lists
		var head *node
		for i := g.pick(4); i > 0; i-- {
			head = &node{V: g.pick(2), Next: head}
		}
		return head
	}
	a := g.pick(2)
	if g.rep(2) == 1 {
		return struct{ A int }{a}
	}
	return withBlank{A: a}
}

// mapValue makes a nil, empty or filled map, keyed by strings or by
// numbers and other comparable values behind interfaces.
func (g *argGen) mapValue(depth int) any {
	n := g.pick(4) - 1
	byString := g.pick(2) == 0
	reverse := g.rep(2) == 1
	if byString {
		if n < 0 {
			return map[string]any(nil)
		}
		keys, vals := make([]string, n), make([]any, n)
		for i := range n {
			keys[i], vals[i] = words[g.pick(len(words))], g.value(depth-1)
		}
		m := make(map[string]any)
		for i := range n {
			if reverse {
				i = n - 1 - i
			}
			m[keys[i]] = vals[i]
		}
		return m
	}
	if n < 0 {
		return map[any]any(nil)
	}
	keys, vals := make([]any, n), make([]any, n)
	for i := range n {
		switch g.pick(4) {
		case 0:
			keys[i] = g.str()
		case 1:
			keys[i] = uuid{byte(g.pick(2))}
		default:
			keys[i] = g.number()
		}
		vals[i] = g.value(depth - 1)
	}
	m := make(map[any]any)
	for i := range n {
		if reverse {
			i = n - 1 - i
		}
		m[keys[i]] = vals[i]
	}
	return m
}
