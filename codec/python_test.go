package codec_test

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"net/netip"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz/codec"
)

// TestPythonRoundTrip encodes every case of the exchange and decodes it
// back into the same Go type, in Go alone: the same value, and the same
// bytes when encoded again.
func TestPythonRoundTrip(t *testing.T) {
	p := moneyCodec(t)
	for _, c := range pyCases() {
		t.Run(c.name, func(t *testing.T) {
			data, err := p.Marshal(c.goVal)
			if err != nil {
				t.Fatal(err)
			}
			want := reflect.ValueOf(c.goVal).Elem()
			got := reflect.New(want.Type())
			if err := p.Unmarshal(data, got.Interface()); err != nil {
				t.Fatalf("Unmarshal(%s): %v", data, err)
			}
			if err := sameValue(got.Elem(), want, "value"); err != nil {
				t.Fatalf("%s: %v", data, err)
			}
			again, err := p.Marshal(got.Interface())
			if err != nil || string(again) != string(data) {
				t.Fatalf("encoded again: %s, %v; first %s", again, err, data)
			}
			// Into an interface value: a natural Go value that encodes
			// and decodes stably.
			var x, y any
			if err := p.Unmarshal(data, &x); err != nil {
				t.Fatalf("Unmarshal(%s) into any: %v", data, err)
			}
			data2, err := p.Marshal(x)
			if err != nil {
				t.Fatalf("Marshal(%#v): %v", x, err)
			}
			if err := p.Unmarshal(data2, &y); err != nil {
				t.Fatalf("Unmarshal(%s) into any: %v", data2, err)
			}
			if err := sameValue(reflect.ValueOf(&y).Elem(), reflect.ValueOf(&x).Elem(), "any"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestPythonNatural checks the Go values that decoding into an interface
// value gives, from bytes as Python writes them.
func TestPythonNatural(t *testing.T) {
	big70, _ := new(big.Int).SetString("1180591620717411303424", 10)
	fiveDays := 5 * 24 * time.Hour
	cases := []struct {
		data string
		want any
	}{
		{`null`, nil},
		{`[1, -2.5, "a", true, null]`, []any{int64(1), -2.5, "a", true, nil}},
		{`1180591620717411303424`, big70},
		{`{"a": {"b": []}}`, map[string]any{"a": map[string]any{"b": []any{}}}},
		{`{"__val": [3], "__decoder": "set"}`, codec.Set[any]{int64(3): {}}},
		{`{"__val": ["x"], "__decoder": "frozenset"}`, codec.FrozenSet[any]{"x": {}}},
		{`{"__val": {"iterable": [1], "maxlen": null}, "__decoder": "deque"}`, codec.Deque[any]{Items: []any{int64(1)}}},
		{`{"__val": {"bytes": "abc", "encoding": "ascii"}, "__decoder": "bytes"}`, []byte("abc")},
		{`{"__val": {"bytes": "\u00e9t\u00e9", "encoding": "ISO-8859-1"}, "__decoder": "bytes"}`, []byte{0xe9, 't', 0xe9}},
		{`{"__val": {"bytes": "\u20ac", "encoding": "Windows-1252"}, "__decoder": "bytes"}`, []byte{0x80}},
		{`{"__val": {"bytes": "a", "encoding": "UTF-8-SIG"}, "__decoder": "bytes"}`, []byte("\ufeffa")},
		{`{"__val": "2024-02-29 13:45:07-03:00", "__decoder": "datetime"}`, time.Date(2024, 2, 29, 13, 45, 7, 0, time.FixedZone("", -3*3600))},
		{`{"__val": "2024-02-29 13:45:07+00:00", "__decoder": "datetime"}`, time.Date(2024, 2, 29, 13, 45, 7, 0, time.UTC)},
		{`{"__val": "2024-02-29 13:45:07.000001", "__decoder": "datetime"}`, codec.NaiveDateTime{Year: 2024, Month: 2, Day: 29, Hour: 13, Minute: 45, Second: 7, Microsecond: 1}},
		{`{"__val": "2020-01-01", "__decoder": "date"}`, codec.Date{Year: 2020, Month: 1, Day: 1}},
		{`{"__val": "13:45:07.123000", "__decoder": "time"}`, codec.TimeOfDay{Hour: 13, Minute: 45, Second: 7, Microsecond: 123000}},
		{`{"__val": 432000.0, "__decoder": "timedelta"}`, fiveDays},
		{`{"__val": "12345.678900", "__decoder": "decimal"}`, mustDecimal("12345.678900")},
		{`{"__val": "/etc", "__decoder": "posixpath"}`, codec.PosixPath("/etc")},
		{`{"__val": {"pattern": "\"a+\"", "flags": 34}, "__decoder": "pattern"}`, codec.Pattern{Source: "a+", Flags: 34}},
		{`{"__val": "::ffff:102:304", "__decoder": "ipv6address"}`, netip.MustParseAddr("::ffff:1.2.3.4")},
		{`{"__val": "10.0.0.0/8", "__decoder": "ipv4network"}`, netip.MustParsePrefix("10.0.0.0/8")},
		{`{"__val": "10.0.0.1/8", "__decoder": "ipv4interface"}`, codec.IPInterface{Prefix: netip.MustParsePrefix("10.0.0.1/8")}},
		{`{"when": {"__val": "2020-01-01", "__decoder": "date"}, "d": {"t": {"__val": 5.0, "__decoder": "timedelta"}}}`,
			map[string]any{"when": codec.Date{Year: 2020, Month: 1, Day: 1}, "d": map[string]any{"t": 5 * time.Second}}},
	}
	for _, c := range cases {
		var got any
		if err := codec.Python.Unmarshal([]byte(c.data), &got); err != nil {
			t.Errorf("Unmarshal(%s): %v", c.data, err)
			continue
		}
		if err := sameValue(reflect.ValueOf(&got).Elem(), reflect.ValueOf(&c.want).Elem(), "any"); err != nil {
			t.Errorf("Unmarshal(%s): %v", c.data, err)
		}
	}
}

func mustDecimal(s string) codec.Decimal {
	d, err := codec.ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestPythonWireExamples checks the exact bytes of the examples of the
// seed's format.
func TestPythonWireExamples(t *testing.T) {
	cases := []struct {
		v    any
		want string
	}{
		{codec.Set[int]{3: {}}, `{"__val": [3], "__decoder": "set"}`},
		{[]byte("abc"), `{"__val": {"bytes": "abc", "encoding": "ascii"}, "__decoder": "bytes"}`},
		{time.Date(2024, 2, 29, 13, 45, 7, 0, time.FixedZone("", -3*3600)), `{"__val": "2024-02-29 13:45:07-03:00", "__decoder": "datetime"}`},
		{struct {
			When codec.Date               `json:"when"`
			D    map[string]time.Duration `json:"d"`
		}{codec.Date{Year: 2020, Month: 1, Day: 1}, map[string]time.Duration{"t": 5 * time.Second}},
			`{"when": {"__val": "2020-01-01", "__decoder": "date"}, "d": {"t": {"__val": 5.0, "__decoder": "timedelta"}}}`},
		{map[string]any{"b": 1, "a": []any{1.0, 1e16, 1e-05, "é"}}, `{"a": [1.0, 1e+16, 1e-05, "\u00e9"], "b": 1}`},
		{codec.Set[int]{10: {}, -1: {}, 2: {}, -20: {}}, `{"__val": [-20, -1, 2, 10], "__decoder": "set"}`},
	}
	for _, c := range cases {
		got, err := codec.Python.Marshal(c.v)
		if err != nil || string(got) != c.want {
			t.Errorf("Marshal(%#v) = %s, %v; want %s", c.v, got, err, c.want)
		}
	}
}

// TestPythonStrict feeds data that does not fit the target type: each is
// an error, never a value.
func TestPythonStrict(t *testing.T) {
	type person struct {
		Name string
		Age  int
	}
	env := func(name, val string) string { return `{"__val": ` + val + `, "__decoder": "` + name + `"}` }
	cases := []struct {
		data   string
		target any
		want   error
	}{
		{`1`, new(float64), codec.ErrInvalidData},
		{`1.0`, new(int), codec.ErrInvalidData},
		{`1.00`, new(float64), codec.ErrInvalidData},
		{`0.1`, new(float32), codec.ErrInvalidData},
		{`-0`, new(int), codec.ErrInvalidData},
		{`NaN`, new(int), codec.ErrInvalidData},
		{`18446744073709551616`, new(uint64), codec.ErrInvalidData},
		{`128`, new(int8), codec.ErrInvalidData},
		{`"x"`, new(int), codec.ErrInvalidData},
		{`null`, new(int), codec.ErrInvalidData},
		{`1 2`, new(int), codec.ErrInvalidData},
		{`[1, 2]`, new([3]int), codec.ErrInvalidData},
		{`"\ud800"`, new(string), codec.ErrInvalidData},
		{`"\udcc3\udca9"`, new(string), codec.ErrInvalidData},
		{"\"\xff\"", new(string), codec.ErrInvalidData},
		{`{"a": 1, "a": 2}`, new(map[string]int), codec.ErrInvalidData},
		{`{"1": 1, "01": 2}`, new(map[int]int), codec.ErrInvalidData},
		{`{"Name": "a"}`, new(person), codec.ErrInvalidData},
		{`{"Name": "a", "Age": 1, "X": 2}`, new(person), codec.ErrInvalidData},
		{`{"name": "a", "Age": 1}`, new(person), codec.ErrInvalidData},
		{env("set", `[1]`), new([]int), codec.ErrInvalidData},
		{env("set", `[1]`), new(map[string]any), codec.ErrInvalidData},
		{env("frozenset", `[1]`), new(codec.Set[int]), codec.ErrInvalidData},
		{env("set", `[1]`), new(codec.FrozenSet[int]), codec.ErrInvalidData},
		{env("set", `[1, 1]`), new(codec.Set[int]), codec.ErrInvalidData},
		{env("set", `[[1]]`), new(any), codec.ErrUnsupported},
		{`{"__val": [1], "__decoder": "set", "x": 1}`, new(any), codec.ErrInvalidData},
		{`{"__decoder": "set"}`, new(any), codec.ErrInvalidData},
		{env("nosuch", `1`), new(any), codec.ErrUnsupported},
		{env("deque", `{"iterable": [1, 2], "maxlen": 1}`), new(codec.Deque[int]), codec.ErrInvalidData},
		{env("deque", `{"iterable": [1], "maxlen": -1}`), new(codec.Deque[int]), codec.ErrInvalidData},
		{env("deque", `{"iterable": [1]}`), new(codec.Deque[int]), codec.ErrInvalidData},
		{env("datetime", `"2024-02-29 13:45:07+01:00"`), new(codec.NaiveDateTime), codec.ErrInvalidData},
		{env("datetime", `"2024-02-29 13:45:07"`), new(time.Time), codec.ErrInvalidData},
		{env("datetime", `"2024-02-29T13:45:07+01:00"`), new(time.Time), codec.ErrInvalidData},
		{env("datetime", `"2024-02-29 13:45:07+01:00:00.5"`), new(time.Time), codec.ErrInvalidData},
		{env("datetime", `"2024-02-29 13:45:07+01:00:01.500000"`), new(time.Time), codec.ErrUnsupported},
		{env("date", `"2023-02-29"`), new(codec.Date), codec.ErrInvalidData},
		{env("date", `"2024-02-29"`), new(time.Time), codec.ErrInvalidData},
		{env("time", `"13:45:07.000000"`), new(codec.TimeOfDay), codec.ErrInvalidData},
		{env("time", `"24:00:00"`), new(codec.TimeOfDay), codec.ErrInvalidData},
		{env("time", `"13:45:07-00:00"`), new(codec.TimeOfDay), codec.ErrInvalidData},
		{env("timedelta", `5`), new(time.Duration), codec.ErrInvalidData},
		{env("timedelta", `1e-07`), new(time.Duration), codec.ErrInvalidData},
		{env("timedelta", `1e+300`), new(time.Duration), codec.ErrInvalidData},
		{env("decimal", `"1.5e2"`), new(codec.Decimal), codec.ErrInvalidData},
		{env("decimal", `"abc"`), new(codec.Decimal), codec.ErrInvalidData},
		{env("uuid", `"123E4567-E89B-12D3-A456-426614174000"`), new(codec.UUID), codec.ErrInvalidData},
		{env("posixpath", `"a//b"`), new(codec.PosixPath), codec.ErrInvalidData},
		{env("posixpath", `"/a"`), new(string), codec.ErrInvalidData},
		{env("ipv4network", `"192.0.2.1/24"`), new(netip.Prefix), codec.ErrInvalidData},
		{env("ipv4address", `"2001:db8::1"`), new(netip.Addr), codec.ErrInvalidData},
		{env("ipv6address", `"192.0.2.1"`), new(netip.Addr), codec.ErrInvalidData},
		{env("ipv4interface", `"192.0.2.1/24"`), new(netip.Prefix), codec.ErrInvalidData},
		{env("ipv6interface", `"fe80::1%eth0/64"`), new(codec.IPInterface), codec.ErrUnsupported},
		{env("bytes", `{"bytes": "\u00e9", "encoding": "ascii"}`), new([]byte), codec.ErrInvalidData},
		{env("bytes", `{"bytes": "a", "encoding": "koi8-r"}`), new([]byte), codec.ErrUnsupported},
		{env("bytes", `{"bytes": "\udcff", "encoding": "utf-8"}`), new([]byte), codec.ErrInvalidData},
		{env("bytes", `{"bytes": "a"}`), new([]byte), codec.ErrInvalidData},
		{env("pattern", `{"pattern": "\"a\"", "flags": 0}`), new(codec.Pattern), codec.ErrInvalidData},
		{env("pattern", `{"pattern": "a", "flags": 32}`), new(codec.Pattern), codec.ErrInvalidData},
		{env("pattern", `{"pattern": "\"\\\\d\"", "flags": 32}`), new(*regexp.Regexp), codec.ErrUnsupported},
		{env("pattern", `{"pattern": "\"a(?=b)\"", "flags": 32}`), new(*regexp.Regexp), codec.ErrUnsupported},
		{env("pattern", `{"pattern": "\"a\"", "flags": 36}`), new(*regexp.Regexp), codec.ErrInvalidData},
	}
	for _, c := range cases {
		err := codec.Python.Unmarshal([]byte(c.data), c.target)
		if !errors.Is(err, c.want) {
			t.Errorf("Unmarshal(%s) into %T: %v, want an error wrapping %v", c.data, c.target, err, c.want)
			continue
		}
		if !strings.HasPrefix(err.Error(), "cachetoolz: codec:") {
			t.Errorf("Unmarshal(%s): error %q lacks the package prefix", c.data, err)
		}
		if v := reflect.ValueOf(c.target).Elem(); !v.IsZero() {
			t.Errorf("Unmarshal(%s): left %#v, want the zero value", c.data, v.Interface())
		}
	}
}

// TestPythonRefused lists Go values the Python side could not receive
// exactly: each is refused with an error wrapping ErrUnsupported.
func TestPythonRefused(t *testing.T) {
	type cyclic struct{ Next *cyclic }
	loop := &cyclic{}
	loop.Next = loop
	cases := []any{
		[]byte{'a', 0xff},
		time.Nanosecond,
		time.Date(2024, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 1, 1, 0, 0, 0, 0, time.FixedZone("", 86400)),
		codec.PosixPath("a//b"),
		codec.PosixPath(""),
		netip.MustParsePrefix("192.0.2.1/24"),
		netip.Addr{},
		map[string]int{"__decoder": 1},
		map[float64]int{1: 1},
		complex(1, 2),
		func() {},
		make(chan int),
		codec.Deque[int]{Items: []int{1, 2}, MaxLen: ptr(1)},
		codec.Pattern{Source: "a", Flags: 0},
		codec.Pattern{Source: "(?i)a", Flags: 32},
		codec.Pattern{Source: "a", Flags: 32 | 4},
		regexp.MustCompile(`(?U)a+`),
		regexp.MustCompile(`\pL`),
		regexp.MustCompile(`[[:alpha:]]`),
		regexp.MustCompile(`a(?i)b`),
		codec.Set[[2]int]{{1, 2}: {}},
		codec.Set[struct{ A int }]{{1}: {}},
		codec.Set[any]{int64(1): {}, true: {}},
		codec.Set[any]{0.0: {}, int64(0): {}},
		codec.Set[any]{2.0: {}, mustDecimal("2.00"): {}},
		codec.Set[codec.Decimal]{mustDecimal("1.0"): {}, mustDecimal("1"): {}},
		map[float64]struct{}{math.NaN(): {}, math.Inf(1): {}, math.NaN(): {}},
		codec.Set[time.Time]{time.Unix(0, 0).UTC(): {}, time.Unix(0, 0).In(time.FixedZone("", 3600)): {}},
		codec.Set[codec.TimeOfDay]{{Hour: 1, Aware: true, Offset: time.Hour}: {}, {Aware: true}: {}},
		codec.Date{Year: 2023, Month: 2, Day: 29},
		codec.TimeOfDay{Hour: 24},
		codec.TimeOfDay{Offset: time.Hour},
		codec.TimeOfDay{Aware: true, Offset: 24 * time.Hour},
		codec.NaiveDateTime{Year: 10000, Month: 1, Day: 1},
		loop,
		struct{ x int }{1},
	}
	for _, v := range cases {
		data, err := codec.Python.Marshal(v)
		if !errors.Is(err, codec.ErrUnsupported) {
			t.Errorf("Marshal(%#v) = %s, %v; want an error wrapping ErrUnsupported", v, data, err)
		}
	}
}

// TestPythonRegexp checks the translation of Python patterns to Go's
// regexp.
func TestPythonRegexp(t *testing.T) {
	cases := []struct {
		p    codec.Pattern
		want string // Go source, or "" when refused
	}{
		{codec.Pattern{Source: "a", Flags: 32}, "a"},
		{codec.Pattern{Source: "a", Flags: 32 | 2 | 8 | 16}, "(?ims)a"},
		{codec.Pattern{Source: "(?i)a", Flags: 32 | 2}, "(?i)a"},
		{codec.Pattern{Source: "(?ax)a b", Flags: 256 | 64}, "ab"},
		{codec.Pattern{Source: `\d+ \  # digits` + "\n" + `[ #]\Z`, Flags: 256 | 64}, `\d+\x20[ #]\z`},
		{codec.Pattern{Source: `\w`, Flags: 256}, `\w`},
		{codec.Pattern{Source: `\w`, Flags: 32}, ""},
		{codec.Pattern{Source: `\bx`, Flags: 32}, ""},
		{codec.Pattern{Source: `(?<=a)b`, Flags: 256}, ""},
		{codec.Pattern{Source: `a`, Flags: 32 | 128}, ""},
	}
	for _, c := range cases {
		re, err := c.p.Regexp()
		switch {
		case c.want == "" && !errors.Is(err, codec.ErrUnsupported):
			t.Errorf("%+v.Regexp() = %v, %v; want an error wrapping ErrUnsupported", c.p, re, err)
		case c.want != "" && (err != nil || re.String() != c.want):
			t.Errorf("%+v.Regexp() = %v, %v; want %s", c.p, re, err, c.want)
		}
	}
}

// TestDecimal checks Python's text of decimals.
func TestDecimal(t *testing.T) {
	cases := map[string]string{
		"1.50": "1.50", "1.5e2": "1.5E+2", "150": "150", "+1": "1", "0.000001": "0.000001",
		"0.0000001": "1E-7", "-0": "-0", "nan": "NaN", "-nan": "-NaN", "snan": "sNaN",
		"NaN012": "NaN12", "Inf": "Infinity", "-Infinity": "-Infinity", "1E+3": "1E+3",
		"0E-8": "0E-8", "0e5": "0E+5", "123E-10": "1.23E-8", ".5": "0.5", "5.": "5",
		"0": "0", "00.00": "0.00", " 7 ": "7", "-0.0000001230": "-1.230E-7",
	}
	for in, want := range cases {
		d, err := codec.ParseDecimal(in)
		if err != nil || d.String() != want {
			t.Errorf("ParseDecimal(%q) = %v, %v; want %s", in, d, err, want)
		}
	}
	for _, bad := range []string{"", "-", "1e", "e5", "1.2.3", "1_000", "NaNx", "1e99999999999999999"} {
		if d, err := codec.ParseDecimal(bad); err == nil {
			t.Errorf("ParseDecimal(%q) = %v, want an error", bad, d)
		}
	}
	if d := codec.DecimalOf(big.NewInt(-123400), -2); d.String() != "-1234.00" {
		t.Errorf("DecimalOf = %v", d)
	}
	if (codec.Decimal{}) != mustDecimal("0") {
		t.Error("the zero Decimal is not 0")
	}
	if r, ok := mustDecimal("12.50").Rat(); !ok || r.RatString() != "25/2" {
		t.Errorf("Rat = %v, %v", r, ok)
	}
	if _, ok := mustDecimal("NaN").Rat(); ok {
		t.Error("NaN has a Rat")
	}
}

// TestCleanPosixPath checks Python's normal form of paths.
func TestCleanPosixPath(t *testing.T) {
	cases := map[string]codec.PosixPath{
		"a//b/": "a/b", "": ".", "//a": "//a", "///a": "/a", "a/./b": "a/b", "./a": "a",
		"a/..": "a/..", "/": "/", ".": ".", "a/.": "a", "//": "//",
	}
	for in, want := range cases {
		if got := codec.CleanPosixPath(in); got != want {
			t.Errorf("CleanPosixPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPythonRegisterPython checks the registration rules.
func TestPythonRegisterPython(t *testing.T) {
	p := moneyCodec(t)
	id := func(x int) (string, error) { return "", nil }
	back := func(string) (int, error) { return 0, nil }
	if err := codec.RegisterPython(p, "money", id, back); !errors.Is(err, codec.ErrRegistered) {
		t.Errorf("a name twice: %v", err)
	}
	if err := codec.RegisterPython(p, "set", id, back); !errors.Is(err, codec.ErrRegistered) {
		t.Errorf("a seed name: %v", err)
	}
	if err := codec.RegisterPython(p, "other", func(money) (int, error) { return 0, nil }, func(int) (money, error) { return money{}, nil }); !errors.Is(err, codec.ErrRegistered) {
		t.Errorf("a type twice: %v", err)
	}
	var m money
	err := p.Unmarshal([]byte(`{"__val": [1], "__decoder": "money"}`), &m)
	if !errors.Is(err, codec.ErrInvalidData) {
		t.Errorf("a decoder's error: %v", err)
	}
	if err := codec.Python.Unmarshal([]byte(`{"__val": [1, "EUR"], "__decoder": "money"}`), &m); err == nil {
		t.Error("codec.Python knows a name registered on another codec")
	}
	panicky := codec.NewPython()
	if err := codec.RegisterPython(panicky, "boom", func(int8) (int, error) { panic("enc") }, func(int) (int8, error) { panic("dec") }); err != nil {
		t.Fatal(err)
	}
	if _, err := panicky.Marshal(int8(1)); err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Errorf("a panicking encoder: %v", err)
	}
	var i8 int8
	if err := panicky.Unmarshal([]byte(`{"__val": 1, "__decoder": "boom"}`), &i8); err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Errorf("a panicking decoder: %v", err)
	}
}

// TestPythonOmitNegativeZero checks that omitempty does not drop a
// negative zero, which would come back positive.
func TestPythonOmitNegativeZero(t *testing.T) {
	type S struct {
		F float64    `json:"f,omitempty"`
		A [1]float32 `json:"a,omitzero"`
	}
	in := S{F: math.Copysign(0, -1), A: [1]float32{float32(math.Copysign(0, -1))}}
	data, err := codec.Python.Marshal(in)
	if err != nil || string(data) != `{"f": -0.0, "a": [-0.0]}` {
		t.Fatalf("Marshal = %s, %v", data, err)
	}
	var back S
	if err := codec.Python.Unmarshal(data, &back); err != nil || !math.Signbit(back.F) || !math.Signbit(float64(back.A[0])) {
		t.Fatalf("Unmarshal = %+v, %v", back, err)
	}
}

// TestPythonPointerToNil checks that a non-nil pointer to a nil value
// inside what is encoded is refused: Python's None would come back as a nil
// pointer. The pointer Marshal is given is no such pointer.
func TestPythonPointerToNil(t *testing.T) {
	var (
		nilInt   *int
		nilSlice []int
		nilMap   map[string]int
		nilAny   any
		nilSet   codec.Set[int]
	)
	type holder struct{ P *[]int }
	for _, v := range []any{
		ptr(&nilInt),
		ptr(&nilSlice),
		ptr(&nilMap),
		ptr(&nilAny),
		ptr(&nilSet),
		&holder{P: &nilSlice},
		&[]*[]int{&nilSlice},
		&map[string]**int{"a": &nilInt},
		ptr(any(&nilInt)),
	} {
		data, err := codec.Python.Marshal(v)
		if !errors.Is(err, codec.ErrUnsupported) {
			t.Errorf("Marshal(%T) = %s, %v; want an error wrapping ErrUnsupported", v, data, err)
		}
	}
	for _, v := range []any{&nilInt, &nilSlice, &nilMap, &nilAny, &nilSet, nilInt, &holder{}, ptr(any(nilInt))} {
		if data, err := codec.Python.Marshal(v); err != nil || string(data) != "null" && string(data) != `{"P": null}` {
			t.Errorf("Marshal(%T) = %s, %v; want null", v, data, err)
		}
	}
}

// TestPythonCheckType checks the types the Python codec refuses before
// any value is encoded.
func TestPythonCheckType(t *testing.T) {
	type hidden struct {
		Name   string
		secret int
	}
	_ = hidden{secret: 1}.secret
	type named struct {
		D int `json:"__decoder"`
	}
	ok := []reflect.Type{
		reflect.TypeFor[int](), reflect.TypeFor[map[string][]any](), reflect.TypeFor[person](),
		reflect.TypeFor[codec.Set[codec.Date]](), reflect.TypeFor[codec.Deque[time.Time]](),
		reflect.TypeFor[map[int]codec.Decimal](), reflect.TypeFor[*regexp.Regexp](), reflect.TypeFor[money](),
	}
	p := moneyCodec(t)
	for _, typ := range ok {
		if err := p.CheckType(typ); err != nil {
			t.Errorf("CheckType(%v): %v", typ, err)
		}
	}
	bad := []struct {
		typ         reflect.Type
		unsupported bool
	}{
		{reflect.TypeFor[hidden](), false},
		{reflect.TypeFor[[]complex128](), true},
		{reflect.TypeFor[map[float64]int](), true},
		{reflect.TypeFor[map[[2]int]struct{}](), true},
		{reflect.TypeFor[codec.Set[Point]](), true},
		{reflect.TypeFor[codec.Deque[func()]](), true},
		{reflect.TypeFor[named](), true},
	}
	for _, c := range bad {
		err := p.CheckType(c.typ)
		if !errors.Is(err, codec.ErrIncomplete) || errors.Is(err, codec.ErrUnsupported) != c.unsupported {
			t.Errorf("CheckType(%v) = %v; want ErrIncomplete, and ErrUnsupported %v", c.typ, err, c.unsupported)
		}
	}
}

// TestPythonConcurrent encodes and decodes from several goroutines while
// types are registered, for the race detector.
func TestPythonConcurrent(t *testing.T) {
	p := codec.NewPython()
	type tag struct{ N int }
	done := make(chan struct{})
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 200 {
				data, err := p.Marshal(map[string]any{"d": codec.Date{Year: 2024, Month: 1, Day: i%28 + 1}, "s": codec.Set[int]{i: {}}})
				if err != nil {
					errs <- err
					return
				}
				var v any
				if err := p.Unmarshal(data, &v); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := range 20 {
		name := fmt.Sprintf("tag%d", i)
		if i == 0 {
			if err := codec.RegisterPython(p, name, func(x tag) (int, error) { return x.N, nil }, func(n int) (tag, error) { return tag{n}, nil }); err != nil {
				t.Error(err)
			}
		} else if err := codec.RegisterPython(p, name, func(x tag) (int, error) { return x.N, nil }, func(n int) (tag, error) { return tag{n}, nil }); !errors.Is(err, codec.ErrRegistered) {
			t.Errorf("registering the type again: %v", err)
		}
	}
	for range 4 {
		<-done
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
