package codec_test

import (
	"bytes"
	"math"
	"math/big"
	"net"
	"net/netip"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fuzzValue gathers the types whose encodings have edge cases worth
// fuzzing.
type fuzzValue struct {
	S    string
	B    []byte
	I    int64
	U    uint64
	F    float64
	F32  float32
	C    complex64
	T    time.Time
	D    time.Duration
	M    map[string]int
	K    map[float64]string
	Set  map[string]struct{}
	Any  any
	P    *string
	IP   net.IP
	Addr netip.Addr
	Pfx  netip.Prefix
	Big  *big.Int
	Rat  *big.Rat
	BF   *big.Float
	ID   UUID
	Path Path
	Pts  map[Point][]byte
	Deq  Deque
}

var fuzzZones = []string{"UTC", "Local", "Europe/Paris", "America/St_Johns", "Asia/Kathmandu", "Australia/Lord_Howe"}

func buildFuzzValue(s string, b []byte, i int64, u uint64, f float64, f32 float32) fuzzValue {
	v := fuzzValue{S: s, B: b, I: i, U: u, F: f, F32: f32, C: complex(f32, float32(f)), D: time.Duration(i), Path: Path(s)}
	// A time within ±2^50 seconds of 1970 (about 35 million years), in a
	// zone chosen by the input.
	sec := i % (1 << 50)
	t := time.Unix(sec, int64(u%1e9))
	switch n := u % uint64(len(fuzzZones)+2); {
	case n < uint64(len(fuzzZones)):
		if loc, err := time.LoadLocation(fuzzZones[n]); err == nil {
			t = t.In(loc)
		}
	case n == uint64(len(fuzzZones)):
		t = t.In(time.FixedZone(s, int(i%(18*3600))))
	default:
		t = t.UTC()
	}
	v.T = t
	if len(b) > 0 {
		v.M = map[string]int{}
		for j, part := range strings.Split(s, string(b[:1])) {
			v.M[part] = j
		}
		v.K = map[float64]string{f: s, float64(f32): string(b), math.NaN(): "nan"}
		v.Set = map[string]struct{}{s: {}, string(b): {}}
		v.P = &s
		v.Pts = map[Point][]byte{{int(i), int(u)}: b, {}: nil}
		v.Deq = Deque{[]int{len(b), int(i)}, int(u % 100)}
	}
	switch i % 7 {
	case 0:
		v.Any = s
	case 1:
		v.Any = []any{i, u, f, b, nil}
	case 2:
		v.Any = map[string]any{s: f32, "t": t}
	case 3:
		v.Any = Point{int(i), len(s)}
	case 4:
		v.Any = &v.ID
	}
	if len(b) == 4 || len(b) == 16 {
		v.IP = net.IP(b)
		addr, _ := netip.AddrFromSlice(b)
		v.Addr = addr
		v.Pfx = netip.PrefixFrom(addr, int(u%uint64(addr.BitLen()+1)))
	}
	copy(v.ID[:], b)
	v.Big = new(big.Int).SetBytes(b)
	if i < 0 {
		v.Big.Neg(v.Big)
	}
	v.Rat = new(big.Rat).SetFrac(big.NewInt(i), new(big.Int).SetUint64(u|1))
	if !math.IsNaN(f) {
		prec := uint(u % 300)
		v.BF = new(big.Float).SetPrec(prec).SetMode(big.RoundingMode(u % 6)).SetFloat64(f)
		if len(s) > 0 {
			if x, _, err := big.ParseFloat(s, 10, prec+1, big.ToNearestEven); err == nil {
				v.BF = x.SetMode(big.RoundingMode(i & 5))
			}
		}
	}
	return v
}

func FuzzJSONRoundTrip(f *testing.F) {
	f.Add("hello", []byte("\x89PNG\r\n\x1a\n"), int64(42), uint64(7), 1.5, float32(0.1))
	f.Add("a\xffb\xed\xa0\x80", []byte{}, int64(math.MinInt64), uint64(math.MaxUint64), math.Inf(-1), float32(math.NaN()))
	f.Add("", []byte{192, 0, 2, 1}, int64(-1), uint64(33), math.Copysign(0, -1), float32(math.Copysign(0, -1)))
	f.Add("1e-400", []byte{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, int64(1<<62), uint64(1<<63), 5e-324, float32(math.MaxFloat32))
	f.Add("\"\\\u2028\x00/", []byte(","), int64(3), uint64(9), math.NaN(), float32(1e-45))
	c := testCodec()
	f.Fuzz(func(t *testing.T, s string, b []byte, i int64, u uint64, fl float64, f32 float32) {
		in := buildFuzzValue(s, b, i, u, fl, f32)
		data, err := c.Marshal(&in)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		var out fuzzValue
		if err := c.Unmarshal(data, &out); err != nil {
			t.Fatalf("Unmarshal(%s): %v", data, err)
		}
		if err := sameValue(reflect.ValueOf(in), reflect.ValueOf(out), "value"); err != nil {
			t.Fatalf("round trip of %s: %v", data, err)
		}
		if again, err := c.Marshal(&out); err != nil || !bytes.Equal(again, data) {
			t.Fatalf("re-encoding gives\n%s, %v\nwant\n%s", again, err, data)
		}
		// A URL that url.Parse accepts keeps its meaning.
		if u, err := url.Parse(s); err == nil {
			data, err := c.Marshal(u)
			var back *url.URL
			if err != nil || c.Unmarshal(data, &back) != nil || back.String() != u.String() {
				t.Fatalf("URL %q: %s, %v, %v", s, data, err, back)
			}
		}
	})
}

// fuzzTargets lists the types arbitrary input is decoded into.
func fuzzTargets() []func() any {
	return []func() any{
		func() any { return new(fuzzValue) },
		func() any { return new(any) },
		func() any { return new(map[string]any) },
		func() any { return new(map[any]any) },
		func() any { return new(User) },
		func() any { return new(Embedding) },
		func() any { return new(*Node) },
		func() any { return new(time.Time) },
		func() any { return new(map[Point]map[int8]struct{}) },
		func() any { return new(*big.Float) },
		func() any { return new(*big.Rat) },
		func() any { return new(*net.IPNet) },
		func() any { return new(*url.URL) },
		func() any { return new([]*[]string) },
		func() any { return new([3]complex128) },
		func() any { return new(*any) },
		func() any { return new(embedsOmitted) },
		func() any { return new(pointersToZero) },
	}
}

func FuzzJSONUnmarshal(f *testing.F) {
	f.Add([]byte(`{"S":"a\udcffb","B":"AAEC","I":-1,"U":1,"F":"NaN","F32":0.1,"C":[1,"-Inf"],"T":"2024-07-01T12:00:00.5+02:00 Europe/Paris"}`))
	f.Add([]byte(`["map[string]any",{"a":["[]any",[["int",1],["*math/big.Int",12],["time.Time","0001-01-01T00:00:00Z"]]]}]`))
	f.Add([]byte(`[[{"X":1,"Y":2},{"-1":["a","b"]}]]`))
	f.Add([]byte(`"1.1 200 ToZero"`))
	f.Add([]byte(`"-7/3"`))
	f.Add([]byte(`"192.0.2.10/24"`))
	f.Add([]byte(`{"IP":"::ffff:10.0.0.0","Mask":"/wAAAA=="}`))
	f.Add([]byte(`"https://u:p@h:1/a%2Fb?q#f"`))
	f.Add([]byte(`[[[null]],null,[[]]]`))
	f.Add([]byte(`{"Value":1,"Next":{"Value":2,"Next":null},"Kids":[{}]}`))
	f.Add([]byte(`{"Created":"c","Meta":{"Note":"n"},"Promoted":"p","Name":"","ID":""}`))
	f.Add([]byte(`[[1,2],["NaN","+Inf"],[-0,5e-324]]`))
	f.Add([]byte(`"-0044-03-15T00:00:00+00:09:21 Europe/Paris"`))
	f.Add([]byte(`{"OmitInner":{},"C":0}`))
	f.Add([]byte(`{"N":[],"NM":{},"PP":[0],"S":{},"E":{}}`))
	f.Add([]byte(`{"ID":1,"ID":2,"Name":"","Tags":null}`))
	f.Add([]byte(`[[0.10000000000000000001,0],[1.0,0],[0,1e0]]`))
	c := testCodec()
	targets := fuzzTargets()
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, target := range targets {
			v := target()
			if err := c.Unmarshal(data, v); err != nil {
				continue
			}
			// What decodes must encode, and decode again to the same.
			again, err := c.Marshal(v)
			if err != nil {
				t.Fatalf("%T: decoded %s, then Marshal: %v", v, data, err)
			}
			w := reflect.New(reflect.TypeOf(v).Elem()).Interface()
			if err := c.Unmarshal(again, w); err != nil {
				t.Fatalf("%T: decoded %s, encoded %s, then Unmarshal: %v", v, data, again, err)
			}
			if err := sameValue(reflect.ValueOf(v), reflect.ValueOf(w), "value"); err != nil {
				t.Fatalf("%T: decoded %s, encoded %s, decoded again: %v", v, data, again, err)
			}
		}
	})
}
