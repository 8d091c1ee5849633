package codec_test

import (
	"errors"
	"math"
	"math/big"
	"net"
	"net/netip"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cachetoolz/cachetoolz/codec"
)

// pyFuzzTarget has a field of each Go type of the Python codec; every
// field may be missing.
type pyFuzzTarget struct {
	S    string                    `json:"s,omitempty"`
	I    int64                     `json:"i,omitempty"`
	U8   uint8                     `json:"u8,omitempty"`
	F    float64                   `json:"f,omitempty"`
	F32  float32                   `json:"f32,omitempty"`
	B    []byte                    `json:"b,omitempty"`
	NB   []octet                   `json:"nb,omitempty"`
	Big  *big.Int                  `json:"big,omitempty"`
	Set  codec.Set[string]         `json:"set,omitempty"`
	FS   codec.FrozenSet[int]      `json:"fs,omitempty"`
	Dq   codec.Deque[any]          `json:"dq,omitzero"`
	ID   codec.UUID                `json:"id,omitzero"`
	Path codec.PosixPath           `json:"path,omitempty"`
	Pat  codec.Pattern             `json:"pat,omitzero"`
	Re   *regexp.Regexp            `json:"re,omitempty"`
	Date codec.Date                `json:"date,omitzero"`
	Time codec.TimeOfDay           `json:"time,omitzero"`
	NDT  codec.NaiveDateTime       `json:"ndt,omitzero"`
	TT   time.Time                 `json:"tt,omitzero"`
	Dur  time.Duration             `json:"dur,omitempty"`
	Dec  codec.Decimal             `json:"dec,omitzero"`
	Addr netip.Addr                `json:"addr,omitzero"`
	Pfx  netip.Prefix              `json:"pfx,omitzero"`
	If   codec.IPInterface         `json:"if,omitzero"`
	IP   net.IP                    `json:"ip,omitempty"`
	M    map[int]string            `json:"m,omitempty"`
	MB   map[bool][]int            `json:"mb,omitempty"`
	L    []any                     `json:"l,omitempty"`
	Arr  [2]bool                   `json:"arr,omitzero"`
	Ptr  *string                   `json:"ptr,omitempty"`
	Any  any                       `json:"any,omitempty"`
	Sub  map[string]map[string]any `json:"sub,omitempty"`
}

// checkPyStable decodes data into a new value of type t; when that works,
// the value encodes (or is refused as unsupported) and decodes back to
// itself.
func checkPyStable(t *testing.T, typ reflect.Type, data []byte) {
	p := moneyCodec(t)
	v := reflect.New(typ)
	if err := p.Unmarshal(data, v.Interface()); err != nil {
		if !errors.Is(err, codec.ErrInvalidData) && !errors.Is(err, codec.ErrUnsupported) {
			t.Fatalf("Unmarshal(%q) into %v: error without a sentinel: %v", data, typ, err)
		}
		if !v.Elem().IsZero() {
			t.Fatalf("Unmarshal(%q) into %v failed but left a value", data, typ)
		}
		return
	}
	enc, err := p.Marshal(v.Interface())
	if err != nil {
		if !errors.Is(err, codec.ErrUnsupported) {
			t.Fatalf("Marshal of what %q decoded to: %v", data, err)
		}
		return
	}
	back := reflect.New(typ)
	if err := p.Unmarshal(enc, back.Interface()); err != nil {
		t.Fatalf("Unmarshal(%s), from %q: %v", enc, data, err)
	}
	if err := sameValue(back.Elem(), v.Elem(), "value"); err != nil {
		t.Fatalf("%q -> %s: %v", data, enc, err)
	}
	again, err := p.Marshal(back.Interface())
	if err != nil || string(again) != string(enc) {
		t.Fatalf("%q: encoded %s, then %s (%v)", data, enc, again, err)
	}
}

// FuzzPythonUnmarshal decodes arbitrary bytes into an interface value and
// into a struct of every type: never a panic, and what decodes encodes
// and decodes to the same value.
func FuzzPythonUnmarshal(f *testing.F) {
	p := moneyCodec(f)
	for _, c := range pyCases() {
		data, err := p.Marshal(c.goVal)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		`{"nb": {"__val": {"bytes": "\u00ff", "encoding": "latin-1"}, "__decoder": "bytes"}}`,
		`{"s": "a\udcff", "i": -5, "u8": 255, "f": 1e-05, "f32": 0.5, "b": {"__val": {"bytes": "\u00e9", "encoding": "latin-1"}, "__decoder": "bytes"}}`,
		`{"set": {"__val": ["b", "a"], "__decoder": "set"}, "fs": {"__val": [2, 1], "__decoder": "frozenset"}}`,
		`{"re": {"__val": {"pattern": "\"(?x) a \\\\Z # c\"", "flags": 320}, "__decoder": "pattern"}}`,
		`{"tt": {"__val": "0001-01-01 00:00:00-23:59", "__decoder": "datetime"}, "dur": {"__val": -999999999.999999, "__decoder": "timedelta"}}`,
		`{"m": {"-1": "a", "7": "b"}, "mb": {"true": [1], "false": null}, "arr": [true, false], "ptr": "x"}`,
		`{"any": {"__val": [NaN, Infinity, -Infinity, 1e400], "__decoder": "set"}}`,
		`{"sub": {"a": {"b": {"__val": [1, "EUR"], "__decoder": "money"}}}}`,
		`[[[[[[[[[[]]]]]]]]]]`,
		`{"__val": "1E+999999999999999", "__decoder": "decimal"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkPyStable(t, reflect.TypeFor[any](), data)
		checkPyStable(t, reflect.TypeFor[pyFuzzTarget](), data)
	})
}

// FuzzPythonRoundTrip builds values of every type from fuzzed parts: each
// encodes and decodes to itself, or is refused as unsupported.
func FuzzPythonRoundTrip(f *testing.F) {
	f.Add("a", []byte("b"), int64(1), 1.5, uint64(7))
	f.Add("a//b/", []byte{0xff}, int64(-1)<<62, math.Copysign(0, -1), uint64(1)<<63)
	f.Add("(?i)\\d+\\z", []byte("é"), int64(1e15), 1e16, uint64(123456789))
	f.Add("\x00\xed\xb3\xbf\U0001F600\xff", []byte{}, int64(-86399999999), 5e-324, uint64(0))
	f.Fuzz(func(t *testing.T, s string, b []byte, i int64, fl float64, u uint64) {
		var re *regexp.Regexp
		if r, err := regexp.Compile(s); err == nil {
			re = r
		}
		// A second in Python's years 1 to 9999, a day away from each end
		// for the offset.
		const first, last = -62135596800 + 86400, 253402300799 - 86400
		sec := first + int64(u%(last-first))
		tm := time.Unix(sec, int64(u%1e6)*1000).In(time.FixedZone("", int(i%86400)))
		if int(i%86400) == 0 {
			tm = tm.UTC()
		}
		dec, err := codec.ParseDecimal(s)
		if err != nil {
			dec = codec.DecimalOf(new(big.Int).SetUint64(u), int(i%50))
		}
		var id codec.UUID
		copy(id[:], b)
		maxLen := int(u % 8)
		items := []any{s, i, fl}[:min(3, maxLen)]
		if len(items) == 0 {
			items = nil // an empty deque comes back with nil items
		}
		ip := net.IP(b)
		if len(b) != 4 && len(b) != 16 {
			ip = nil
		}
		if !utf8.Valid(b) {
			b = nil // refused: TestPythonRefused
		}
		pat := s
		if strings.HasPrefix(pat, "(?") {
			pat = "x" + pat // no flags set by the source
		}
		var off time.Duration
		if i%2 == 0 {
			off = time.Duration(i%86400e6) * time.Microsecond
		}
		v := pyFuzzTarget{
			S: s, I: i, U8: uint8(u), F: fl, F32: float32(fl), B: b, NB: []octet(string(b)),
			Big: new(big.Int).Mul(big.NewInt(i), new(big.Int).SetUint64(u)),
			Set: codec.Set[string]{s: {}, string(b): {}}, FS: codec.FrozenSet[int]{int(i): {}, int(u): {}},
			Dq:   codec.Deque[any]{Items: items, MaxLen: &maxLen},
			ID:   id,
			Path: codec.CleanPosixPath(s),
			Pat:  codec.Pattern{Source: pat, Flags: 32},
			Re:   re,
			Date: codec.Date{Year: int(u%9999) + 1, Month: time.Month(u%12 + 1), Day: int(u%28) + 1},
			Time: codec.TimeOfDay{Hour: int(u % 24), Minute: int(u % 60), Second: int(i & 59), Microsecond: int(u % 1e6), Aware: i%2 == 0, Offset: off},
			NDT:  codec.NaiveDateTime{Year: int(u%9999) + 1, Month: 1, Day: 31, Hour: 23, Minute: 59, Second: 59, Microsecond: int(u % 1e6)},
			TT:   tm,
			Dur:  time.Duration(i) * time.Microsecond,
			Dec:  dec,
			Addr: netip.AddrFrom4([4]byte{byte(u), byte(u >> 8), byte(u >> 16), byte(u >> 24)}),
			Pfx:  netip.PrefixFrom(netip.AddrFrom16([16]byte(append(b[:min(len(b), 16):min(len(b), 16)], make([]byte, 16)...)[:16])), int(u%129)).Masked(),
			If:   codec.IPInterface{Prefix: netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(i), 1, 2, 3}), int(u%33))},
			IP:   ip,
			M:    map[int]string{int(i): s},
			MB:   map[bool][]int{u%2 == 0: {int(i)}},
			L:    []any{s, i, fl, nil, true, []any{b}},
			Arr:  [2]bool{i > 0, u > 0},
			Ptr:  &s,
			Any:  map[string]any{"k": []any{fl, s}},
		}
		p := moneyCodec(t)
		data, err := p.Marshal(v)
		if err != nil {
			if !errors.Is(err, codec.ErrUnsupported) {
				t.Fatalf("Marshal: %v", err)
			}
			return
		}
		checkPyStable(t, reflect.TypeFor[pyFuzzTarget](), data)
		var back pyFuzzTarget
		if err := p.Unmarshal(data, &back); err != nil {
			t.Fatalf("Unmarshal(%s): %v", data, err)
		}
		// Any and L come back as natural values, not as built.
		back.Any, v.Any, back.L, v.L = nil, nil, nil, nil
		if err := sameValue(reflect.ValueOf(back), reflect.ValueOf(v), "value"); err != nil {
			t.Fatalf("%s: %v", data, err)
		}
	})
}
