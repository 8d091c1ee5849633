package pykey_test

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strings"

	"github.com/cachetoolz/cachetoolz/pykey"
)

// A generated corpus of calls: seeded, so every run checks the same calls.

// call is one call of the corpus.
type call struct {
	module, name string
	typed        bool
	args         []any // a Kwargs last, when the call has keyword arguments
	// ambiguous marks a call whose key Python's sort order decides (a NaN
	// among numbers of different types): Go may decline it.
	ambiguous bool
}

type (
	myInt    int16
	myString string
	myList   []myInt
)

type gen struct {
	r *rand.Rand
}

// intBoundaries are the integers at which pickle changes opcode or length.
var intBoundaries = func() []*big.Int {
	var out []*big.Int
	add := func(x *big.Int) {
		for _, d := range []int64{-1, 0, 1} {
			v := new(big.Int).Add(x, big.NewInt(d))
			out = append(out, v, new(big.Int).Neg(v))
		}
	}
	add(big.NewInt(0))
	add(big.NewInt(0xff))
	add(big.NewInt(0xffff))
	add(big.NewInt(math.MaxInt32))
	add(big.NewInt(math.MinInt32))
	for bits := 7; bits <= 2070; bits += 8 {
		add(new(big.Int).Lsh(big.NewInt(1), uint(bits)))
		add(new(big.Int).Lsh(big.NewInt(1), uint(bits+1)))
	}
	return out
}()

func (g *gen) intValue() any {
	r := g.r
	switch r.IntN(12) {
	case 0:
		return r.IntN(256)
	case 1:
		return int8(r.Int32())
	case 2:
		return uint16(r.Int32())
	case 3:
		return myInt(r.Int32())
	case 4:
		return r.Int64() >> r.IntN(64)
	case 5:
		return -r.Int64() >> r.IntN(64)
	case 6:
		return r.Uint64() >> r.IntN(64)
	case 7:
		return []int64{math.MaxInt64, math.MinInt64, math.MaxInt32 + 1, math.MinInt32 - 1, -1 << 39, -1<<39 - 1, 1 << 39}[r.IntN(7)]
	case 8:
		return uint64(math.MaxUint64) - uint64(r.IntN(3))
	case 9:
		// Big, of random size, either sign.
		b := make([]byte, 1+r.IntN(380))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		x := new(big.Int).SetBytes(b)
		if r.IntN(2) == 0 {
			x.Neg(x)
		}
		return x
	default:
		x := intBoundaries[r.IntN(len(intBoundaries))]
		if x.IsInt64() && r.IntN(2) == 0 {
			return x.Int64()
		}
		return new(big.Int).Set(x)
	}
}

func (g *gen) floatValue() any {
	r := g.r
	switch r.IntN(9) {
	case 0:
		return math.Copysign(0, -1)
	case 1:
		return []float64{0, math.Inf(1), math.Inf(-1), math.MaxFloat64, math.SmallestNonzeroFloat64, 1e300, 0.1}[r.IntN(7)]
	case 2:
		return math.NaN()
	case 3:
		return -math.NaN()
	case 4:
		return float32(r.NormFloat64())
	case 5:
		return math.Float64frombits(r.Uint64())
	default:
		return r.NormFloat64() * math.Pow(10, float64(r.IntN(40)-20))
	}
}

var alphabets = []string{
	"abcxyz_ABC019",
	"aé€ß",
	"\u00ff\u0100\u07ff\u0800\uffff\U00010000\U0010ffff",
	"\x00\x7f\n\"\\",
}

func (g *gen) text(n int) string {
	r := g.r
	rs := []rune(alphabets[r.IntN(len(alphabets))])
	var sb strings.Builder
	for range n {
		sb.WriteRune(rs[r.IntN(len(rs))])
	}
	return sb.String()
}

// size picks a length, near pickle's boundaries now and then.
func (g *gen) size(long bool) int {
	r := g.r
	switch n := r.IntN(20); {
	case n < 12:
		return r.IntN(4)
	case n < 16:
		return r.IntN(40)
	case n < 18:
		return 250 + r.IntN(10)
	case long && n == 18:
		return 64*1024 - 3 + r.IntN(6)
	case long:
		return 70000 + r.IntN(1000)
	default:
		return r.IntN(300)
	}
}

func (g *gen) strValue(long bool) any {
	s := g.text(g.size(long))
	if g.r.IntN(8) == 0 {
		return myString(s)
	}
	return s
}

func (g *gen) bytesValue(long bool) any {
	b := make([]byte, g.size(long))
	for i := range b {
		b[i] = byte(g.r.IntN(256))
	}
	if g.r.IntN(6) == 0 {
		return [3]byte{b0(b), 1, 2}
	}
	return b
}

func b0(b []byte) byte {
	if len(b) == 0 {
		return 0
	}
	return b[0]
}

// scalar returns a value that can be a dict key.
func (g *gen) scalar(long bool) any {
	switch g.r.IntN(9) {
	case 0:
		return nil
	case 1:
		return g.r.IntN(2) == 0
	case 2, 3:
		return g.intValue()
	case 4:
		return g.floatValue()
	case 5, 6:
		return g.strValue(long)
	default:
		return g.bytesValue(long)
	}
}

// value returns a value nested at most depth deep.
func (g *gen) value(depth int, long bool) any {
	r := g.r
	if depth <= 0 || r.IntN(3) > 0 {
		v := g.scalar(long)
		if r.IntN(20) == 0 {
			return &v
		}
		return v
	}
	n := r.IntN(6)
	if r.IntN(30) == 0 {
		// Past pickle's batches, of scalars only.
		n = []int{999, 1000, 1001, 2000, 300}[r.IntN(5)]
		depth, long = 1, false
	}
	switch r.IntN(8) {
	case 0, 1:
		t := make(pykey.Tuple, n)
		for i := range t {
			t[i] = g.value(depth-1, long && n < 10)
		}
		return t
	case 2:
		return [2]any{g.value(depth-1, false), g.value(depth-1, false)}
	case 3, 4:
		l := make([]any, n)
		for i := range l {
			l[i] = g.value(depth-1, long && n < 10)
		}
		return l
	case 5:
		l := make(myList, n)
		for i := range l {
			l[i] = myInt(r.IntN(70000) - 35000)
		}
		return l
	default:
		return g.dict(n, depth, long)
	}
}

// dict returns a map whose keys Python can sort: all of one kind.
func (g *gen) dict(n, depth int, long bool) any {
	r := g.r
	switch r.IntN(5) {
	case 0:
		m := make(map[string]any, n)
		for range n {
			m[g.text(r.IntN(6))] = g.value(depth-1, long && n < 10)
		}
		return m
	case 1:
		m := make(map[int]string, n)
		for range n {
			m[r.IntN(1<<20)-1<<19] = g.text(r.IntN(3))
		}
		return m
	case 2:
		// Ints and floats: equal ones are one key in Python, so floats
		// with a fraction.
		m := make(map[any]any, n)
		for range n {
			if r.IntN(2) == 0 {
				m[r.IntN(100)] = g.value(depth-1, false)
			} else {
				m[float64(r.IntN(100))+0.5] = g.value(depth-1, false)
			}
		}
		return m
	case 3:
		m := make(map[[2]int]bool, n)
		for range n {
			m[[2]int{r.IntN(4), r.IntN(1000)}] = r.IntN(2) == 0
		}
		return m
	default:
		m := make(map[string][]byte, n)
		for range n {
			m[g.text(1+r.IntN(4))] = []byte(g.text(r.IntN(3)))
		}
		return m
	}
}

var names = []string{"f", "x", "a", "é", "get_user", "builtins", "int", "app", "app.users", "__main__", "NoneType", "type"}

func (g *gen) name() string {
	if g.r.IntN(4) == 0 {
		return g.text(1 + g.r.IntN(8))
	}
	return names[g.r.IntN(len(names))]
}

// call returns the i-th call of the corpus.
func (g *gen) call() call {
	r := g.r
	c := call{module: g.name(), name: g.name(), typed: r.IntN(2) == 0}
	if r.IntN(8) == 0 {
		c.name = c.module
	}
	nargs := r.IntN(5)
	if r.IntN(25) == 0 {
		nargs = 4 + r.IntN(300) // past 256 memo entries
	}
	for range nargs {
		c.args = append(c.args, g.value(3, nargs < 5 && r.IntN(8) == 0))
	}
	if r.IntN(10) == 0 {
		// Shared one-character and empty strings and bytes.
		for range 3 {
			c.args = append(c.args, []any{"", "a", "é", "€", []byte{}, []byte{7}, pykey.Tuple{"a", []byte{7}}}[r.IntN(7)])
		}
	}
	if r.IntN(2) == 0 {
		kw := pykey.Kwargs{}
		nkw := r.IntN(5)
		mode := r.IntN(4)
		for range nkw {
			var v any
			switch mode {
			case 0: // numbers of mixed types, some equal
				v = []any{1, true, 1.0, 0, false, 2.5, r.IntN(3), g.floatValue()}[r.IntN(8)]
			case 1: // one kind
				v = g.strValue(false)
			default:
				v = g.value(2, false)
			}
			kw[g.name()] = v
		}
		c.args = append(c.args, kw)
	}
	c.ambiguous = c.typed && mixedNaN(c.args)
	return c
}

// mixedNaN reports whether the keyword values hold a NaN among numbers of
// different types.
func mixedNaN(args []any) bool {
	if len(args) == 0 {
		return false
	}
	kw, ok := args[len(args)-1].(pykey.Kwargs)
	if !ok {
		return false
	}
	nan, kinds := false, map[string]bool{}
	for _, v := range kw {
		if x, ok := v.(float64); ok && math.IsNaN(x) {
			nan = true
		}
		kinds[tag(v)[0].(string)] = true
	}
	return nan && len(kinds) > 1
}
