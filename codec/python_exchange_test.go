package codec_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"net"
	"net/netip"
	"os/exec"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz/codec"
	"github.com/cachetoolz/cachetoolz/internal/seedpy"
)

// pyCase is a value exchanged with Python: go is a pointer to the Go value
// (its type is the decoding target), expr the Python expression of the
// same value, decoded the value Python must get from Go's bytes when it
// differs from expr (a dict with int keys comes back with str keys), and
// canonical tells whether Python writes exactly Go's bytes (it does not
// for sets of strings, whose order is Python's hash order).
type pyCase struct {
	name      string
	goVal     any
	expr      string
	decoded   string
	canonical bool
}

// octet is a named byte: a []octet is bytes too.
type octet byte

// money is a type of the user's own, exchanged under the name "money".
type money = seedpy.Money

func moneyCodec(t testing.TB) *codec.PythonCodec { return seedpy.Codec(t) }

type person struct {
	Name string
	Age  int
	Tags []string `json:"tags"`
	Note string   `json:"note,omitempty"`
}

func pyCases() []pyCase {
	bigN, _ := new(big.Int).SetString("1267650600228229401496703205376", 10)
	negBig := new(big.Int).Neg(bigN)
	id := codec.UUID{0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00}
	minus3 := time.FixedZone("", -3*3600)
	ist := time.FixedZone("", 5*3600+30*60)
	dec := func(s string) codec.Decimal {
		d, err := codec.ParseDecimal(s)
		if err != nil {
			panic(err)
		}
		return d
	}
	return []pyCase{
		{"none", ptr[*int](nil), "None", "", true},
		{"none-any", ptr[any](nil), "None", "", true},
		{"true", ptr(true), "True", "", true},
		{"false", ptr(false), "False", "", true},
		{"int-zero", ptr(0), "0", "", true},
		{"int-min", ptr(int64(math.MinInt64)), "-9223372036854775808", "", true},
		{"int-max", ptr(int64(math.MaxInt64)), "9223372036854775807", "", true},
		{"uint-max", ptr(uint64(math.MaxUint64)), "18446744073709551615", "", true},
		{"int-big", &bigN, "2**100", "", true},
		{"int-big-neg", &negBig, "-2**100", "", true},
		{"float-one", ptr(1.0), "1.0", "", true},
		{"float-negzero", ptr(math.Copysign(0, -1)), "-0.0", "", true},
		{"float-tenth", ptr(0.1), "0.1", "", true},
		{"float-1e16", ptr(1e16), "1e16", "", true},
		{"float-below-1e16", ptr(1234567890123456.0), "1234567890123456.0", "", true},
		{"float-1e-5", ptr(1e-5), "1e-05", "", true},
		{"float-1e-4", ptr(1e-4), "0.0001", "", true},
		{"float-huge", ptr(1.5e300), "1.5e300", "", true},
		{"float-tiny", ptr(5e-324), "5e-324", "", true},
		{"float-inf", ptr(math.Inf(1)), "inf", "", true},
		{"float-neginf", ptr(math.Inf(-1)), "-inf", "", true},
		{"float-nan", ptr(math.NaN()), "nan", "", true},
		{"float32", ptr(float32(0.1)), "0.10000000149011612", "", true},
		{"str-empty", ptr(""), "''", "", true},
		{"str-ascii", ptr("abc"), "'abc'", "", true},
		{"str-escapes", ptr("q\"b\\n\n\r\t\b\f\x00\x1f\x7f/"), `'q"b\\n\n\r\t\b\f\x00\x1f\x7f/'`, "", true},
		{"str-unicode", ptr("é€😀\u2028"), `'é€😀\u2028'`, "", true},
		{"str-invalid-utf8", ptr("a\xffb\xc3"), `'a\udcffb\udcc3'`, "", true},
		{"list", ptr([]any{int64(1), "a", nil, 2.5, true, []any{}}), "[1, 'a', None, 2.5, True, []]", "", true},
		{"list-ints", ptr([]int{3, 1, 2}), "[3, 1, 2]", "", true},
		{"list-empty", ptr([]string{}), "[]", "", true},
		{"list-nil", ptr([]string(nil)), "None", "", true},
		{"tuple", ptr([3]string{"a", "b", "c"}), "('a', 'b', 'c')", "['a', 'b', 'c']", true},
		{"dict", ptr(map[string]any{"a": int64(1), "b": []any{"x"}, "c": map[string]any{}}), "{'a': 1, 'b': ['x'], 'c': {}}", "", true},
		{"dict-int-keys", ptr(map[int]string{-1: "m", 2: "x", 10: "y"}), "{-1: 'm', 2: 'x', 10: 'y'}", "{'-1': 'm', '2': 'x', '10': 'y'}", true},
		{"struct", ptr(person{Name: "Ann", Age: 3, Tags: []string{"a"}}), "{'Name': 'Ann', 'Age': 3, 'tags': ['a']}", "", true},
		{"set-ints", ptr(codec.Set[int]{1: {}, 2: {}, 3: {}}), "{1, 2, 3}", "", true},
		{"set-strings", ptr(map[string]struct{}{"a": {}, "b": {}, "c": {}}), "{'a', 'b', 'c'}", "", false},
		{"set-any", ptr(codec.Set[any]{int64(1): {}, "x": {}, nil: {}, 2.5: {}, id: {}, dec("1.10"): {}}), "{1, 'x', None, 2.5, UUID('123e4567-e89b-12d3-a456-426614174000'), Decimal('1.10')}", "", false},
		{"set-empty", ptr(codec.Set[int]{}), "set()", "", true},
		{"frozenset", ptr(codec.FrozenSet[int]{5: {}}), "frozenset({5})", "", true},
		{"set-of-frozenset", ptr(codec.Set[codec.Date]{{2024, 2, 29}: {}}), "{date(2024, 2, 29)}", "", true},
		{"bytes-ascii", ptr([]byte("abc")), "b'abc'", "", true},
		{"bytes-utf8", ptr([]byte("é😀")), "'é😀'.encode()", "", true},
		{"bytes-empty", ptr([]byte{}), "b''", "", true},
		{"bytes-named", ptr([]octet("ab")), "b'ab'", "", true},
		{"uuid", &id, "UUID('123e4567-e89b-12d3-a456-426614174000')", "", true},
		{"path", ptr(codec.PosixPath("/var/lib/app")), "PosixPath('/var/lib/app')", "", true},
		{"path-relative", ptr(codec.PosixPath("a/../b")), "PosixPath('a/../b')", "", true},
		{"path-double-slash", ptr(codec.PosixPath("//srv")), "PosixPath('//srv')", "", true},
		{"path-dot", ptr(codec.PosixPath(".")), "PosixPath('')", "", true},
		{"deque", ptr(codec.Deque[int]{Items: []int{1, 2, 3}}), "deque([1, 2, 3])", "", true},
		{"deque-bounded", ptr(codec.Deque[string]{Items: []string{"a"}, MaxLen: ptr(5)}), "deque(['a'], 5)", "", true},
		{"deque-empty", ptr(codec.Deque[int]{MaxLen: ptr(0)}), "deque([], 0)", "", true},
		{"pattern", ptr(codec.Pattern{Source: `^a+(b|c)$`, Flags: 32}), `re.compile(r'^a+(b|c)$')`, "", true},
		{"pattern-flags", ptr(codec.Pattern{Source: `(?i)x\d "é"`, Flags: 32 | 2 | 8 | 16}), `re.compile(r'(?i)x\d "é"', re.M | re.S)`, "", true},
		{"pattern-verbose-ascii", ptr(codec.Pattern{Source: "a # comment\n b", Flags: 256 | 64}), `re.compile("a # comment\n b", re.X | re.A)`, "", true},
		{"regexp", ptr(regexp.MustCompile(`(?i)^\d+[a-z]\z`)), `re.compile(r'(?i)^\d+[a-z]\Z', re.A)`, "", true},
		{"regexp-plain", ptr(regexp.MustCompile(`a.b|c`)), `re.compile(r'a.b|c', re.A)`, "", true},
		{"time", ptr(codec.TimeOfDay{Hour: 13, Minute: 45, Second: 7, Microsecond: 123000}), "time(13, 45, 7, 123000)", "", true},
		{"time-midnight", ptr(codec.TimeOfDay{}), "time()", "", true},
		{"time-aware", ptr(codec.TimeOfDay{Hour: 1, Aware: true, Offset: 5*time.Hour + 30*time.Minute}), "time(1, tzinfo=tz(td(hours=5, minutes=30)))", "", true},
		{"time-aware-odd", ptr(codec.TimeOfDay{Hour: 23, Second: 59, Aware: true, Offset: -(time.Hour + 15*time.Second + 5*time.Microsecond)}), "time(23, 0, 59, tzinfo=tz(-td(hours=1, seconds=15, microseconds=5)))", "", true},
		{"date", ptr(codec.Date{Year: 2024, Month: 2, Day: 29}), "date(2024, 2, 29)", "", true},
		{"date-min", ptr(codec.Date{Year: 1, Month: 1, Day: 1}), "date.min", "", true},
		{"datetime-naive", ptr(codec.NaiveDateTime{Year: 2024, Month: 2, Day: 29, Hour: 13, Minute: 45, Second: 7, Microsecond: 123456}), "dt(2024, 2, 29, 13, 45, 7, 123456)", "", true},
		{"datetime-naive-max", ptr(codec.NaiveDateTime{Year: 9999, Month: 12, Day: 31, Hour: 23, Minute: 59, Second: 59, Microsecond: 999999}), "dt.max", "", true},
		{"datetime-aware", ptr(time.Date(2024, 2, 29, 13, 45, 7, 0, minus3)), "dt(2024, 2, 29, 13, 45, 7, tzinfo=tz(td(hours=-3)))", "", true},
		{"datetime-utc", ptr(time.Date(2020, 1, 1, 0, 0, 0, 500000000, time.UTC)), "dt(2020, 1, 1, 0, 0, 0, 500000, tzinfo=tz.utc)", "", true},
		{"datetime-ist", ptr(time.Date(1999, 12, 31, 23, 59, 59, 1000, ist)), "dt(1999, 12, 31, 23, 59, 59, 1, tzinfo=tz(td(hours=5, minutes=30)))", "", true},
		{"timedelta", ptr(24*time.Hour + 30*time.Second + 500*time.Millisecond), "td(days=1, seconds=30, microseconds=500000)", "", true},
		{"timedelta-zero", ptr(time.Duration(0)), "td()", "", true},
		{"timedelta-micro", ptr(time.Microsecond), "td(microseconds=1)", "", true},
		{"timedelta-neg", ptr(-(90*time.Minute + 7*time.Microsecond)), "-td(minutes=90, microseconds=7)", "", true},
		{"timedelta-long", ptr(100 * 365 * 24 * time.Hour), "td(days=36500)", "", true},
		{"decimal", ptr(dec("12345.678900")), "Decimal('12345.678900')", "", true},
		{"decimal-negzero", ptr(dec("-0")), "Decimal('-0')", "", true},
		{"decimal-small", ptr(dec("1E-7")), "Decimal('0.0000001')", "", true},
		{"decimal-exp", ptr(dec("1.5E+2")), "Decimal('1.5e2')", "", true},
		{"decimal-long", ptr(dec("-123456789012345678901234567890.000")), "Decimal('-123456789012345678901234567890.000')", "", true},
		{"decimal-nan", ptr(dec("NaN")), "Decimal('NaN')", "", true},
		{"decimal-inf", ptr(dec("-Infinity")), "Decimal('-Infinity')", "", true},
		{"ipv4address", ptr(netip.MustParseAddr("192.0.2.1")), "ipaddress.IPv4Address('192.0.2.1')", "", true},
		{"ipv6address", ptr(netip.MustParseAddr("2001:db8::1")), "ipaddress.IPv6Address('2001:db8::1')", "", true},
		{"ipv6address-zone", ptr(netip.MustParseAddr("fe80::1%eth0")), "ipaddress.IPv6Address('fe80::1%eth0')", "", true},
		{"ipv6address-mapped", ptr(netip.MustParseAddr("::ffff:192.0.2.1")), "ipaddress.IPv6Address('::ffff:192.0.2.1')", "", false},
		{"net-ip4", ptr(net.IPv4(192, 0, 2, 1).To4()), "ipaddress.IPv4Address('192.0.2.1')", "", true},
		{"ipv4interface", ptr(codec.IPInterface{Prefix: netip.MustParsePrefix("192.0.2.10/24")}), "ipaddress.IPv4Interface('192.0.2.10/24')", "", true},
		{"ipv4interface-network-address", ptr(codec.IPInterface{Prefix: netip.MustParsePrefix("192.0.2.0/24")}), "ipaddress.IPv4Interface('192.0.2.0/24')", "", true},
		{"ipv6interface", ptr(codec.IPInterface{Prefix: netip.MustParsePrefix("2001:db8::1/64")}), "ipaddress.IPv6Interface('2001:db8::1/64')", "", true},
		{"ipv4network", ptr(netip.MustParsePrefix("192.0.2.0/24")), "ipaddress.IPv4Network('192.0.2.0/24')", "", true},
		{"ipv4network-host", ptr(netip.MustParsePrefix("192.0.2.1/32")), "ipaddress.IPv4Network('192.0.2.1/32')", "", true},
		{"ipv6network", ptr(netip.MustParsePrefix("2001:db8::/32")), "ipaddress.IPv6Network('2001:db8::/32')", "", true},
		{"nested", ptr(map[string]any{
			"d":    map[string]any{"t": 5 * time.Second},
			"when": codec.Date{Year: 2020, Month: 1, Day: 1},
			"xs":   []any{codec.Set[any]{int64(3): {}}, codec.Deque[any]{Items: []any{[]byte("z"), netip.MustParsePrefix("10.0.0.0/8")}}},
		}), "{'d': {'t': td(seconds=5)}, 'when': date(2020, 1, 1), 'xs': [{3}, deque([b'z', ipaddress.IPv4Network('10.0.0.0/8')])]}", "", true},
		{"registered", ptr(money{Cents: 1999, Currency: "EUR"}), "Money(1999, 'EUR')", "", true},
		{"registered-any", ptr([]any{money{Cents: 5, Currency: "USD"}}), "[Money(5, 'USD')]", "", true},
	}
}

type pyResult struct {
	OK    bool   `json:"ok"`
	Why   string `json:"why"`
	Reenc string `json:"reenc"`
	Py    string `json:"py"`
}

// TestPythonExchange exchanges every seed type with Python in both
// directions: Python decodes Go's bytes to the expected value and encodes
// it again; Go decodes Python's bytes, and its re-encoding, to the Go
// value; where Python's bytes are canonical, both sides write the same.
func TestPythonExchange(t *testing.T) {
	python := seedpy.Python(t)
	p := moneyCodec(t)
	cases := pyCases()
	type input struct {
		Name    string `json:"name"`
		Expr    string `json:"expr"`
		Decoded string `json:"decoded,omitempty"`
		Go      string `json:"go"`
	}
	in := make([]input, len(cases))
	for i, c := range cases {
		data, err := p.Marshal(c.goVal)
		if err != nil {
			t.Fatalf("%s: Marshal: %v", c.name, err)
		}
		in[i] = input{c.name, c.expr, c.decoded, string(data)}
	}
	stdin, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, "testdata/pyexchange.py")
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderr.String())
	}
	var results map[string]pyResult
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("python output: %v\n%s", err, out)
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, ok := results[c.name]
			if !ok {
				t.Fatal("no result from Python")
			}
			goBytes := in[i].Go
			if !r.OK {
				t.Fatalf("Go -> Python: Go wrote %s; Python: %s", goBytes, r.Why)
			}
			want := reflect.ValueOf(c.goVal).Elem()
			for _, from := range []struct{ what, data string }{{"Python's encoding", r.Py}, {"Python's re-encoding of Go's bytes", r.Reenc}} {
				got := reflect.New(want.Type())
				if err := p.Unmarshal([]byte(from.data), got.Interface()); err != nil {
					t.Fatalf("Python -> Go: decoding %s %s: %v", from.what, from.data, err)
				}
				if err := sameValue(got.Elem(), want, "value"); err != nil {
					t.Fatalf("Python -> Go: %s %s: %v", from.what, from.data, err)
				}
			}
			// Into an interface value, Python's bytes give natural Go
			// values, which Go writes as Python does where it is canonical
			// (a struct, or a dict with int keys, comes back as a
			// map[string]any, which Go writes with its keys sorted as
			// strings).
			natural := c.name != "struct" && c.name != "dict-int-keys"
			var x any
			if err := p.Unmarshal([]byte(r.Py), &x); err != nil {
				t.Fatalf("Python -> Go: decoding %s into any: %v", r.Py, err)
			}
			if again, err := p.Marshal(x); err != nil || (c.canonical && natural && string(again) != r.Py) {
				t.Errorf("Python -> Go -> any -> Go: %s, %v; Python wrote %s", again, err, r.Py)
			}
			if c.canonical {
				if r.Py != goBytes {
					t.Errorf("bytes differ:\n Go:     %s\n Python: %s", goBytes, r.Py)
				}
				if r.Reenc != goBytes {
					t.Errorf("Python's re-encoding differs:\n Go:     %s\n Python: %s", goBytes, r.Reenc)
				}
			}
		})
	}
}

// TestPythonCharsets checks the charsets a bytes envelope may name against
// Python's own codecs: every byte Python decodes with the charset comes
// back from Go as that byte.
func TestPythonCharsets(t *testing.T) {
	python := seedpy.Python(t)
	script := `
import json
out = {}
for cs in ("ascii", "latin-1", "ISO-8859-1", "windows-1252", "cp1252", "utf-8", "UTF-8-SIG"):
    m = {}
    for b in range(256):
        try:
            m[b] = bytes([b]).decode(cs)
        except UnicodeDecodeError:
            pass
    out[cs] = m
print(json.dumps(out))
`
	out, err := exec.Command(python, "-c", script).Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	var table map[string]map[string]string
	if err := json.Unmarshal(out, &table); err != nil {
		t.Fatal(err)
	}
	for cs, m := range table {
		for b := range 256 {
			text, ok := m[fmt.Sprint(b)]
			if !ok {
				continue
			}
			env := fmt.Sprintf(`{"__val": {"bytes": %s, "encoding": %q}, "__decoder": "bytes"}`, mustJSON(text), cs)
			var got []byte
			err := codec.Python.Unmarshal([]byte(env), &got)
			want := []byte{byte(b)}
			if cs == "UTF-8-SIG" && text != "" {
				want = append([]byte("\ufeff"), text...) // Python writes the mark back
			} else if cs == "UTF-8-SIG" {
				continue
			}
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s %s: got %x, %v; want %x", cs, env, got, err, want)
			}
		}
	}
}

func mustJSON(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}
