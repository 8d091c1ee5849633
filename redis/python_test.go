package rediscache_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"net/netip"
	"os/exec"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/codec"
	"github.com/cachetoolz/cachetoolz/internal/seedpy"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	"github.com/cachetoolz/cachetoolz/pykey"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
)

// pyOp is one operation of testdata/seedcache.py; pyResult its result.
type pyOp map[string]any

type pyResult struct {
	Key     string `json:"key"`
	Ran     bool   `json:"ran"`
	Got     string `json:"got"`
	OK      bool   `json:"ok"`
	Why     string `json:"why"`
	Deleted int    `json:"deleted"`
	Raw     *string
}

// runPython runs ops in one run of the seed-layout script on url.
func runPython(t *testing.T, url string, ops []pyOp) []pyResult {
	t.Helper()
	in, err := json.Marshal(ops)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(seedpy.Python(t, "redis"), "-I", "testdata/seedcache.py", url)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderr.String())
	}
	var res []pyResult
	if err := json.Unmarshal(out, &res); err != nil || len(res) != len(ops) {
		t.Fatalf("python output (%d results for %d operations): %v\n%s", len(res), len(ops), err, out)
	}
	return res
}

// pyCodec is codec.Python with the user type money registered as the
// script registers Money.
func pyCodec(t testing.TB) *codec.PythonCodec { return seedpy.Codec(t) }

type money = seedpy.Money

type person struct {
	Name string
	Age  int
	Tags []string `json:"tags"`
}

// seedCache returns a cache on a seed-layout backend on url, with
// codec.Python.
func seedCache(t *testing.T, url string) *cachetoolz.Cache {
	t.Helper()
	b := newBackend(t, url, &rediscache.Options{Layout: rediscache.LayoutSeed})
	c, err := cachetoolz.New(b, &cachetoolz.Config{Codec: pyCodec(t)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// typeCase is a value of one of the seed's types: its Python expression,
// and how Go reads and writes it through a wrapped function of that
// result type.
type typeCase struct {
	name string
	expr string
	// want is what Python reads back from Go's entry, when not expr: a
	// tuple comes back as a list.
	want string
	// read wraps a function named module.name whose result is the
	// case's type and calls it once: it must hit, and return the value.
	read func(t *testing.T, c *cachetoolz.Cache, ns, module string)
	// write wraps the same and calls it once: it must run, and store.
	write func(t *testing.T, c *cachetoolz.Cache, ns, module string)
}

func tc[R any](name, expr string, v R) typeCase {
	p := codec.NewPython()
	wrap := func(t *testing.T, c *cachetoolz.Cache, ns, module string, runs *atomic.Int64) func(context.Context) (R, error) {
		return cachetoolz.Must(cachetoolz.Wrap0(c, func(context.Context) (R, error) {
			runs.Add(1)
			return v, nil
		}, &cachetoolz.Options{Namespace: ns, Name: module + "." + name, TTL: time.Hour,
			Keys: pykey.Generator{Module: module, Name: name}}))
	}
	same := func(t *testing.T, got R) {
		t.Helper()
		a, err1 := p.Marshal(&got)
		b, err2 := p.Marshal(&v)
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			// Registered types are not known to p: compare them as Go values.
			if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", v) {
				t.Errorf("%s: Go read %#v, want %#v", name, got, v)
			}
		}
	}
	return typeCase{
		name: name,
		expr: expr,
		read: func(t *testing.T, c *cachetoolz.Cache, ns, module string) {
			var runs atomic.Int64
			got, err := wrap(t, c, ns, module, &runs)(context.Background())
			if err != nil || runs.Load() != 0 {
				t.Errorf("%s: Go call = %v, %d runs; want a hit on what Python stored (stats %+v)", name, err, runs.Load(), c.Stats()[ns])
				return
			}
			same(t, got)
		},
		write: func(t *testing.T, c *cachetoolz.Cache, ns, module string) {
			var runs atomic.Int64
			if _, err := wrap(t, c, ns, module, &runs)(context.Background()); err != nil || runs.Load() != 1 {
				t.Errorf("%s: Go call = %v, %d runs; want one run", name, err, runs.Load())
			}
		},
	}
}

func withWant(c typeCase, want string) typeCase {
	c.want = want
	return c
}

func ptrTo[T any](v T) *T { return &v }

// seedTypes holds a value of every type of the seed's value format, with
// the Go type the README's table maps it to.
func seedTypes() []typeCase {
	id := codec.UUID{0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00}
	dec, _ := codec.ParseDecimal("12345.678900")
	bigN, _ := new(big.Int).SetString("1267650600228229401496703205376", 10)
	minus3 := time.FixedZone("", -3*3600)
	return []typeCase{
		tc("none", "None", (*int)(nil)),
		tc("str", "'héllo \"w\" 名前 😀'", "héllo \"w\" 名前 😀"),
		tc("int", "-9223372036854775808", int64(math.MinInt64)),
		tc("int_big", "2**100", bigN),
		tc("float", "0.1", 0.1),
		tc("float_negzero", "-0.0", math.Copysign(0, -1)),
		tc("bool", "True", true),
		tc("list", "[1, 'a', None, 2.5, True, []]", []any{int64(1), "a", nil, 2.5, true, []any{}}),
		withWant(tc("tuple", "('a', 'b', 'c')", [3]string{"a", "b", "c"}), "['a', 'b', 'c']"),
		tc("dict", "{'a': 1, 'b': ['x'], 'c': {}}", map[string]any{"a": int64(1), "b": []any{"x"}, "c": map[string]any{}}),
		tc("dict_struct", "{'Name': 'Ann', 'Age': 3, 'tags': ['a']}", person{Name: "Ann", Age: 3, Tags: []string{"a"}}),
		tc("set", "{1, 2, 3}", codec.Set[int]{1: {}, 2: {}, 3: {}}),
		tc("set_strings", "{'a', 'b', 'c'}", codec.Set[string]{"a": {}, "b": {}, "c": {}}),
		tc("frozenset", "frozenset({5})", codec.FrozenSet[int]{5: {}}),
		tc("bytes", "b'abc'", []byte("abc")),
		tc("bytes_utf8", "'é😀'.encode()", []byte("é😀")),
		tc("uuid", "UUID('123e4567-e89b-12d3-a456-426614174000')", id),
		tc("posixpath", "PosixPath('/var/lib/app')", codec.PosixPath("/var/lib/app")),
		tc("deque", "deque(['a'], 5)", codec.Deque[string]{Items: []string{"a"}, MaxLen: ptrTo(5)}),
		tc("pattern", `re.compile(r'^a+(b|c)$', re.I)`, codec.Pattern{Source: `^a+(b|c)$`, Flags: 32 | 2}),
		tc("time", "time(13, 45, 7, 123000)", codec.TimeOfDay{Hour: 13, Minute: 45, Second: 7, Microsecond: 123000}),
		tc("time_aware", "time(1, tzinfo=tz(td(hours=5, minutes=30)))", codec.TimeOfDay{Hour: 1, Aware: true, Offset: 5*time.Hour + 30*time.Minute}),
		tc("date", "date(2024, 2, 29)", codec.Date{Year: 2024, Month: 2, Day: 29}),
		tc("datetime_naive", "dt(2024, 2, 29, 13, 45, 7, 123456)", codec.NaiveDateTime{Year: 2024, Month: 2, Day: 29, Hour: 13, Minute: 45, Second: 7, Microsecond: 123456}),
		tc("datetime_aware", "dt(2024, 2, 29, 13, 45, 7, tzinfo=tz(td(hours=-3)))", time.Date(2024, 2, 29, 13, 45, 7, 0, minus3)),
		tc("timedelta", "td(days=1, seconds=30, microseconds=500000)", 24*time.Hour+30*time.Second+500*time.Millisecond),
		tc("decimal", "Decimal('12345.678900')", dec),
		tc("ipv4address", "ipaddress.IPv4Address('192.0.2.1')", netip.MustParseAddr("192.0.2.1")),
		tc("ipv4interface", "ipaddress.IPv4Interface('192.0.2.10/24')", codec.IPInterface{Prefix: netip.MustParsePrefix("192.0.2.10/24")}),
		tc("ipv4network", "ipaddress.IPv4Network('192.0.2.0/24')", netip.MustParsePrefix("192.0.2.0/24")),
		tc("ipv6address", "ipaddress.IPv6Address('2001:db8::1')", netip.MustParseAddr("2001:db8::1")),
		tc("ipv6interface", "ipaddress.IPv6Interface('2001:db8::1/64')", codec.IPInterface{Prefix: netip.MustParsePrefix("2001:db8::1/64")}),
		tc("ipv6network", "ipaddress.IPv6Network('2001:db8::/32')", netip.MustParsePrefix("2001:db8::/32")),
		tc("nested", "{'d': {'t': td(seconds=5)}, 'when': date(2020, 1, 1), 'xs': [{3}, deque([b'z', ipaddress.IPv4Network('10.0.0.0/8')])]}",
			map[string]any{
				"d":    map[string]any{"t": 5 * time.Second},
				"when": codec.Date{Year: 2020, Month: 1, Day: 1},
				"xs":   []any{codec.Set[any]{int64(3): {}}, codec.Deque[any]{Items: []any{[]byte("z"), netip.MustParsePrefix("10.0.0.0/8")}}},
			}),
		tc("registered", "Money(1999, 'EUR')", money{Cents: 1999, Currency: "EUR"}),
	}
}

// TestPythonReadsAndWritesEveryType: through one Redis in the seed layout,
// Go reads every type of the seed's value format that the Python side
// stored, and Python reads every one that Go stored.
func TestPythonReadsAndWritesEveryType(t *testing.T) {
	seedpy.Python(t, "redis")
	srv := testserver.Redis(t)
	c := seedCache(t, srv.URL())
	cases := seedTypes()

	// Python stores, Go reads.
	var ops []pyOp
	for _, k := range cases {
		ops = append(ops, pyOp{"op": "call", "ns": "types", "module": "py_types", "name": k.name, "value": k.expr})
	}
	for i, r := range runPython(t, srv.URL(), ops) {
		if !r.Ran {
			t.Fatalf("%s: Python found an entry in a fresh namespace", cases[i].name)
		}
	}
	for _, k := range cases {
		k.read(t, c, "types", "py_types")
	}

	// Go stores, Python reads.
	for _, k := range cases {
		k.write(t, c, "types", "go_types")
	}
	ops = ops[:0]
	for _, k := range cases {
		want := k.expr
		if k.want != "" {
			want = k.want
		}
		ops = append(ops, pyOp{"op": "call", "ns": "types", "module": "go_types", "name": k.name, "value": "'not this'", "want": want})
	}
	for i, r := range runPython(t, srv.URL(), ops) {
		switch {
		case r.Ran:
			t.Errorf("%s: Python missed what Go stored under %s", cases[i].name, r.Key)
		case !r.OK:
			t.Errorf("%s: Python read %s: %s", cases[i].name, r.Got, r.Why)
		}
	}
}

// keyArgs is a generated call: Go's arguments and the tagged form the
// script turns into the same Python values.
type keyArgs struct {
	goArgs []any
	pyArgs []any
	pyKw   map[string]any
}

// genValue returns a random value the seed's key pickles deterministically,
// in Go and in tagged form.
func genValue(r *rand.Rand, depth int) (any, any) {
	tag := func(t string, v any) map[string]any { return map[string]any{"t": t, "v": v} }
	n := 9
	if depth > 2 {
		n = 6 // scalars only
	}
	switch r.IntN(n) {
	case 0:
		return nil, tag("none", nil)
	case 1:
		b := r.IntN(2) == 0
		return b, tag("bool", b)
	case 2:
		var i int64
		switch r.IntN(4) {
		case 0:
			i = int64(r.IntN(256))
		case 1:
			i = -int64(r.IntN(70000))
		default:
			i = int64(r.Uint64())
		}
		if r.IntN(10) == 0 {
			b := new(big.Int).Lsh(big.NewInt(i), uint(r.IntN(100)))
			return b, tag("int", b.String())
		}
		return i, tag("int", strconv.FormatInt(i, 10))
	case 3:
		specials := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 1e300, 5e-324}
		f := r.NormFloat64() * math.Pow(10, float64(r.IntN(20)-10))
		if r.IntN(5) == 0 {
			f = specials[r.IntN(len(specials))]
		}
		return f, tag("float", strconv.FormatFloat(f, 'x', -1, 64))
	case 4:
		s := genString(r)
		return s, tag("str", s)
	case 5:
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		return b, tag("bytes", hex.EncodeToString(b))
	case 6, 7:
		k := r.IntN(4)
		g, p := make([]any, k), make([]any, k)
		for i := range k {
			g[i], p[i] = genValue(r, depth+1)
		}
		if r.IntN(2) == 0 {
			return pykey.Tuple(g), tag("tuple", p)
		}
		return g, tag("list", p)
	default:
		k := r.IntN(4)
		g := map[string]any{}
		for range k {
			v, _ := genValue(r, depth+1)
			g[genString(r)] = v
		}
		keys := make([]string, 0, len(g))
		for key := range g {
			keys = append(keys, key)
		}
		slices.Sort(keys) // byte order is code point order
		pairs := make([]any, 0, len(keys))
		for _, key := range keys {
			_, pv := retag(g[key])
			pairs = append(pairs, []any{map[string]any{"t": "str", "v": key}, pv})
		}
		return g, tag("dict", pairs)
	}
}

// retag returns the tagged form of a scalar genValue made, or of a nested
// one, by walking it again.
func retag(v any) (any, any) {
	tag := func(t string, v any) map[string]any { return map[string]any{"t": t, "v": v} }
	switch x := v.(type) {
	case nil:
		return v, tag("none", nil)
	case bool:
		return v, tag("bool", x)
	case int64:
		return v, tag("int", strconv.FormatInt(x, 10))
	case *big.Int:
		return v, tag("int", x.String())
	case float64:
		return v, tag("float", strconv.FormatFloat(x, 'x', -1, 64))
	case string:
		return v, tag("str", x)
	case []byte:
		return v, tag("bytes", hex.EncodeToString(x))
	case pykey.Tuple:
		p := make([]any, len(x))
		for i := range x {
			_, p[i] = retag(x[i])
		}
		return v, tag("tuple", p)
	case []any:
		p := make([]any, len(x))
		for i := range x {
			_, p[i] = retag(x[i])
		}
		return v, tag("list", p)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for key := range x {
			keys = append(keys, key)
		}
		slices.Sort(keys)
		pairs := make([]any, 0, len(keys))
		for _, key := range keys {
			_, pv := retag(x[key])
			pairs = append(pairs, []any{map[string]any{"t": "str", "v": key}, pv})
		}
		return v, tag("dict", pairs)
	}
	panic(fmt.Sprintf("retag: %T", v))
}

func genString(r *rand.Rand) string {
	alphabet := []rune("abcxyz_:*?[]{} \\\"é名😀\u2028\x00\x7f")
	n := r.IntN(8)
	s := make([]rune, n)
	for i := range s {
		s[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(s)
}

func genCall(r *rand.Rand) keyArgs {
	var k keyArgs
	for range r.IntN(4) {
		g, p := genValue(r, 0)
		k.goArgs = append(k.goArgs, g)
		k.pyArgs = append(k.pyArgs, p)
	}
	if r.IntN(2) == 0 {
		kw := pykey.Kwargs{}
		k.pyKw = map[string]any{}
		for range 1 + r.IntN(3) {
			name := string(rune('a'+r.IntN(6))) + "_" + strconv.Itoa(r.IntN(3))
			g, p := genValue(r, 0)
			kw[name] = g
			k.pyKw[name] = p
		}
		k.goArgs = append(k.goArgs, kw)
	}
	return k
}

// TestPythonSharesKeys: for a generated corpus of 500 calls under each of
// pickle protocols 4 and 5, the key that pykey computes in Go is the key
// the Python side stores under, and each side's wrapped function hits on
// the entry the other stored for the same call.
func TestPythonSharesKeys(t *testing.T) {
	seedpy.Python(t, "redis")
	srv := testserver.Redis(t)
	c := seedCache(t, srv.URL())
	const n = 500
	for _, proto := range []int{4, 5} {
		t.Run(fmt.Sprint("protocol=", proto), func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(proto), 13))
			ns := fmt.Sprint("keys-", proto)
			g := pykey.Generator{Module: "app.reports", Name: "report", Protocol: proto}
			var runs atomic.Int64
			// A Go service whose function takes its arguments as a slice:
			// the key generator spreads them into the call's.
			report := cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, args []any) (int64, error) {
				runs.Add(1)
				return -1, nil
			}, &cachetoolz.Options{Namespace: ns, Name: "app.reports.report", TTL: time.Hour,
				Keys: cachetoolz.KeyFunc(func(typed bool, fn cachetoolz.Function, args []any) (string, error) {
					return g.Key(typed, fn, args[0].([]any))
				})}))
			calls := make([]keyArgs, n)
			var ops []pyOp
			for i := range calls {
				calls[i] = genCall(r)
				op := pyOp{"op": "call", "ns": ns, "module": g.Module, "name": g.Name, "protocol": proto,
					"args": calls[i].pyArgs, "value": strconv.Itoa(i)}
				if calls[i].pyKw != nil {
					op["kwargs"] = calls[i].pyKw
				}
				ops = append(ops, op)
			}
			// Python stores the even calls first; Go then calls them all:
			// it hits the even ones and stores the odd ones, which Python
			// then hits.
			var even []pyOp
			for i := 0; i < n; i += 2 {
				even = append(even, ops[i])
			}
			res := runPython(t, srv.URL(), even)
			distinct := map[string]bool{}
			for j, pr := range res {
				i := 2 * j
				want, err := g.Key(false, cachetoolz.Function{}, calls[i].goArgs)
				if err != nil {
					t.Fatalf("call %d: pykey: %v", i, err)
				}
				if pr.Key != ns+":"+want {
					p, _ := g.Pickle(false, cachetoolz.Function{}, calls[i].goArgs)
					t.Fatalf("call %d (%v): Python key %s, Go key %s:%s\nGo pickle %x", i, calls[i].goArgs, pr.Key, ns, want, p)
				}
				distinct[pr.Key] = true
			}
			for i, call := range calls {
				before := runs.Load()
				got, err := report(context.Background(), call.goArgs)
				if err != nil {
					t.Fatal(err)
				}
				ran := runs.Load() != before
				if i%2 == 0 && (ran || got != int64(i)) {
					// Equal calls in the corpus share an entry: the first stored it.
					if _, dup := firstEqual(calls, i); !dup {
						t.Fatalf("call %d: Go got %d (ran %v), want Python's %d", i, got, ran, i)
					}
				}
			}
			res = runPython(t, srv.URL(), ops)
			for i, pr := range res {
				if pr.Ran {
					t.Fatalf("call %d: Python missed under %s, which Go or Python stored", i, pr.Key)
				}
				want, err := g.Key(false, cachetoolz.Function{}, calls[i].goArgs)
				if err != nil || pr.Key != ns+":"+want {
					t.Fatalf("call %d (%v): Python key %s, Go key %s:%s (%v)", i, calls[i].goArgs, pr.Key, ns, want, err)
				}
			}
			if len(distinct) < n/2*3/4 {
				t.Fatalf("only %d distinct keys among %d calls: the corpus is too narrow", len(distinct), n/2)
			}
		})
	}
}

// firstEqual returns the first call before i whose Go arguments print as
// call i's, if any.
func firstEqual(calls []keyArgs, i int) (int, bool) {
	for j := range i {
		if fmt.Sprintf("%#v", calls[j].goArgs) == fmt.Sprintf("%#v", calls[i].goArgs) {
			return j, true
		}
	}
	return 0, false
}

// TestPythonSharesClear: a clear from Go makes Python miss and a clear from
// Python makes Go miss, glob characters in namespaces included. Go escapes
// them; the Python library does not, and the test pins down what that
// does: its clear of "user*" also removes "users", and its clear of
// "u[s]er?" misses its own entries and removes those of "users".
func TestPythonSharesClear(t *testing.T) {
	seedpy.Python(t, "redis")
	srv := testserver.Redis(t)
	c := seedCache(t, srv.URL())
	names := []string{"plain", "user*", "users", "u[s]er?", `a\b`, "ns:colon"}
	g := pykey.Generator{Module: "app", Name: "lookup"}
	var runs atomic.Int64
	lookups := map[string]func(context.Context, string) (string, error){}
	for _, ns := range names {
		lookups[ns] = cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, id string) (string, error) {
			runs.Add(1)
			return "go:" + id, nil
		}, &cachetoolz.Options{Namespace: ns, Name: "app.lookup", TTL: time.Hour, Keys: g}))
	}
	pyArg := func(id string) []any { return []any{map[string]any{"t": "str", "v": id}} }
	pyCall := func(ns, id string) pyOp {
		return pyOp{"op": "call", "ns": ns, "module": "app", "name": "lookup", "args": pyArg(id), "value": "'py:" + id + "'"}
	}
	// goHits reports whether Go's call of id in ns hit.
	goHits := func(ns, id string) bool {
		t.Helper()
		before := runs.Load()
		if _, err := lookups[ns](context.Background(), id); err != nil {
			t.Fatal(err)
		}
		return runs.Load() == before
	}
	// Each side stores one entry in every namespace: "go" and "py".
	var ops []pyOp
	for _, ns := range names {
		if goHits(ns, "go") {
			t.Fatalf("%s: Go hit in a fresh namespace", ns)
		}
		ops = append(ops, pyCall(ns, "py"))
	}
	runPython(t, srv.URL(), ops)
	for _, ns := range names {
		if !goHits(ns, "py") {
			t.Fatalf("%s: Go missed the entry Python stored", ns)
		}
	}

	// A clear from Go: Python misses in the cleared namespace only.
	for _, cleared := range []string{"user*", "u[s]er?", `a\b`, "plain"} {
		if err := c.Clear(context.Background(), cleared); err != nil {
			t.Fatal(err)
		}
		ops = ops[:0]
		for _, ns := range names {
			ops = append(ops, pyCall(ns, "go"))
		}
		for i, r := range runPython(t, srv.URL(), ops) {
			ns := names[i]
			if ns == cleared && !r.Ran {
				t.Errorf("Go cleared %q: Python still hit %s", cleared, r.Key)
			}
			if ns != cleared && r.Ran {
				// (A namespace cleared in an earlier round holds the
				// "py:go" that Python stored then.)
				t.Errorf("Go cleared %q: Python missed in %q (%s)", cleared, ns, r.Key)
			}
		}
		// Python refilled ns with "py:go"; Go's own entry there is gone too.
		if goHits(cleared, "py") {
			t.Errorf("Go cleared %q: Go still hit Python's entry", cleared)
		}
	}

	// A clear from Python: Go misses.
	for _, ns := range names {
		goHits(ns, "go") // every namespace holds Go's entry again
		goHits(ns, "py")
	}
	res := runPython(t, srv.URL(), []pyOp{{"op": "clear", "ns": "plain"}, {"op": "clear", "ns": "ns:colon"}})
	if res[0].Deleted != 2 || res[1].Deleted != 2 {
		t.Fatalf("Python's clears deleted %d and %d keys, want 2 each", res[0].Deleted, res[1].Deleted)
	}
	for _, ns := range []string{"plain", "ns:colon"} {
		if goHits(ns, "go") || goHits(ns, "py") {
			t.Errorf("Python cleared %q: Go still hit", ns)
		}
	}
	if !goHits("users", "go") || !goHits("user*", "go") {
		t.Fatal("Python's clear of plain names touched other namespaces")
	}
	// The Python library's patterns are not escaped.
	runPython(t, srv.URL(), []pyOp{{"op": "clear", "ns": "u[s]er?"}})
	if !goHits("u[s]er?", "go") || goHits("users", "go") {
		t.Error(`Python's clear of "u[s]er?": want its own entries kept and those of "users" removed, as its unescaped pattern does`)
	}
	goHits("users", "go")
	runPython(t, srv.URL(), []pyOp{{"op": "clear", "ns": "user*"}})
	if goHits("user*", "go") || goHits("users", "go") {
		t.Error(`Python's clear of "user*": want the entries of "user*" and of "users" removed`)
	}
}
