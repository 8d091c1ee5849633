package codec_test

import (
	"bytes"
	"encoding/json"
	"math"
	"math/big"
	"net"
	"net/netip"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz/codec"
)

// rtCase is a value of a static type T, which may be an interface type,
// and its expected encoding ("" to leave it unchecked).
type rtCase struct {
	name string
	typ  reflect.Type
	val  reflect.Value
	want string
}

func rt[T any](name string, v T, want string) rtCase {
	return rtCase{name, reflect.TypeFor[T](), reflect.ValueOf(&v).Elem(), want}
}

func ptr[T any](v T) *T { return &v }

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("zone database: %v", err)
	}
	return loc
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func bigFloat(s string, prec uint, mode big.RoundingMode) *big.Float {
	f, _, err := big.ParseFloat(s, 10, prec, mode)
	if err != nil {
		panic(err)
	}
	return f
}

func cidr(s string) *net.IPNet {
	_, n, err := net.ParseCIDR(s)
	if err != nil {
		panic(err)
	}
	return n
}

// pngHeader is the signature and the start of the IHDR chunk of a PNG file:
// binary data that is not UTF-8.
var pngHeader = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0x0d, 'I', 'H', 'D', 'R'}

func allBytes() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

// seedCases has a group of cases per type of the seed's supported list, in
// its order, then the Go types that have no seed counterpart.
func seedCases(t *testing.T) []rtCase {
	paris := mustLoad(t, "Europe/Paris")
	newYork := mustLoad(t, "America/New_York")
	kolkata := time.FixedZone("IST", 5*3600+1800)
	return []rtCase{
		// None
		rt("None/nil pointer", (*int)(nil), "null"),
		rt("None/nil interface", any(nil), "null"),
		rt("None/nil error", error(nil), "null"),
		rt("None/nil slice", []int(nil), "null"),
		rt("None/nil map", map[string]int(nil), "null"),
		rt("None/field", struct{ P *User }{}, `{"P":null}`),

		// bytes
		rt("bytes/png header", pngHeader, `"iVBORw0KGgoAAAANSUhEUg=="`),
		rt("bytes/all 256 values", allBytes(), ""),
		rt("bytes/invalid UTF-8", []byte("\xff\xfe\xfd"), `"//79"`),
		rt("bytes/empty", []byte{}, `""`),
		rt("bytes/nil", []byte(nil), "null"),
		rt("bytes/in struct", struct{ B []byte }{[]byte{0, 1, 2}}, `{"B":"AAEC"}`),

		// str
		rt("str/empty", "", `""`),
		rt("str/ascii", "hello", `"hello"`),
		rt("str/unicode", "héllo, 世界 🎉", `"héllo, 世界 🎉"`),
		rt("str/escapes", "q\"b\\s/\n\r\t\x00\x1f\x7f", `"q\"b\\s/\n\r\t\u0000\u001f`+"\x7f"+`"`),
		rt("str/invalid UTF-8", "a\xffb\xc3", `"a\udcffb\udcc3"`),
		rt("str/encoded surrogate", "\xed\xa0\x80", `"\udced\udca0\udc80"`),
		rt("str/truncated rune", "\xe4\xb8", `"\udce4\udcb8"`),
		rt("str/line separators", "\u2028\u2029", "\"\u2028\u2029\""),
		rt("str/PNG as string", string(pngHeader), ""),
		rt("str/all bytes", string(allBytes()), ""),

		// int
		rt("int/zero", 0, "0"),
		rt("int/negative", -42, "-42"),
		rt("int/int64 min", int64(math.MinInt64), "-9223372036854775808"),
		rt("int/int64 max", int64(math.MaxInt64), "9223372036854775807"),
		rt("int/int8 min", int8(math.MinInt8), "-128"),
		rt("int/uint64 max", uint64(math.MaxUint64), "18446744073709551615"),
		rt("int/uint8", uint8(255), "255"),
		rt("int/uintptr", uintptr(1<<40), "1099511627776"),
		rt("int/rune", 'é', "233"),

		// float
		rt("float/zero", 0.0, "0"),
		rt("float/negative zero", math.Copysign(0, -1), "-0"),
		rt("float/tenth", 0.1, "0.1"),
		rt("float/large", 1e21, "1e+21"),
		rt("float/below 1e21", 123456789012345678.0, "123456789012345680"),
		rt("float/small", 1e-7, "1e-07"),
		rt("float/max", math.MaxFloat64, "1.7976931348623157e+308"),
		rt("float/smallest denormal", math.SmallestNonzeroFloat64, "5e-324"),
		rt("float/NaN", math.NaN(), `"NaN"`),
		rt("float/+Inf", math.Inf(1), `"+Inf"`),
		rt("float/-Inf", math.Inf(-1), `"-Inf"`),
		rt("float/float32", float32(0.1), "0.1"),
		rt("float/float32 max", float32(math.MaxFloat32), "3.4028235e+38"),
		rt("float/complex", complex(1.5, -2), "[1.5,-2]"),
		rt("float/complex64 NaN", complex64(complex(float32(math.NaN()), 1)), `["NaN",1]`),

		// bool
		rt("bool/true", true, "true"),
		rt("bool/false", false, "false"),

		// dict
		rt("dict/string keys", map[string]int{"b": 2, "a": 1}, `{"a":1,"b":2}`),
		rt("dict/empty", map[string]int{}, "{}"),
		rt("dict/invalid UTF-8 key", map[string]int{"\xff": 1}, `{"\udcff":1}`),
		rt("dict/int keys", map[int]string{10: "ten", -1: "minus", 9: "nine"}, `{"-1":"minus","9":"nine","10":"ten"}`),
		rt("dict/int8 keys", map[int8]bool{math.MinInt8: true}, `{"-128":true}`),
		rt("dict/uint64 keys", map[uint64]int{math.MaxUint64: 1}, `{"18446744073709551615":1}`),
		rt("dict/named string keys", map[Path]int{"/tmp": 1}, `{"/tmp":1}`),
		rt("dict/bool keys", map[bool]string{true: "yes", false: "no"}, `[[false,"no"],[true,"yes"]]`),
		rt("dict/float keys", map[float64]int{1.5: 1, math.Inf(-1): 2, math.NaN(): 3, math.NaN(): 4}, ""),
		rt("dict/struct keys", map[Point]string{{1, 2}: "a", {0, 0}: "o"}, `[[{"X":0,"Y":0},"o"],[{"X":1,"Y":2},"a"]]`),
		rt("dict/array keys", map[[2]int]int{{1, 2}: 3}, `[[[1,2],3]]`),
		rt("dict/UUID keys", map[UUID]int{{15: 1}: 1}, `[["00000000-0000-0000-0000-000000000001",1]]`),
		rt("dict/time keys", map[time.Time]int{time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC): 1}, `[["2024-01-02T03:04:05Z",1]]`),
		rt("dict/address keys", map[netip.Addr]int{netip.MustParseAddr("::1"): 6, netip.MustParseAddr("127.0.0.1"): 4}, `[["127.0.0.1",4],["::1",6]]`),
		rt("dict/interface keys", map[any]string{1: "int", "1": "string", 1.0: "float", Point{1, 1}: "point", [2]int{}: "array"}, ""),
		rt("dict/nested", map[string]map[int][]string{"a": {1: {"x"}, 2: nil}, "b": nil}, `{"a":{"1":["x"],"2":null},"b":null}`),
		rt("dict/any values", map[string]any{"n": 1, "f": 1.5, "s": "x", "l": []any{true, nil}}, ""),

		// set and frozenset
		rt("set/strings", map[string]struct{}{"b": {}, "a": {}}, `["a","b"]`),
		rt("set/ints", map[int]struct{}{3: {}, 1: {}, 2: {}}, `[1,2,3]`),
		rt("set/empty", map[string]struct{}{}, `[]`),
		rt("set/nil", map[string]struct{}(nil), `null`),
		rt("set/of points", map[Point]struct{}{{1, 2}: {}}, `[{"X":1,"Y":2}]`),

		// list and tuple
		rt("list/ints", []int{3, 1, 2}, "[3,1,2]"),
		rt("list/empty", []string{}, "[]"),
		rt("list/nested", [][]int{{1}, nil, {}}, "[[1],null,[]]"),
		rt("list/pointers", []*int{ptr(1), nil}, "[1,null]"),
		rt("tuple/array", [3]string{"a", "b", "c"}, `["a","b","c"]`),
		rt("tuple/empty array", [0]int{}, "[]"),
		rt("tuple/mixed", [3]any{1, "two", 3.0}, `[["int",1],["string","two"],["float64",3]]`),

		// uuid.UUID
		rt("uuid/value", UUID{0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00}, `"123e4567-e89b-12d3-a456-426614174000"`),
		rt("uuid/zero", UUID{}, `"00000000-0000-0000-0000-000000000000"`),
		rt("uuid/pointer", &UUID{0: 0xff}, `"ff000000-0000-0000-0000-000000000000"`),
		rt("uuid/other byte array", [4]byte{0xde, 0xad, 0xbe, 0xef}, `"deadbeef"`),

		// pathlib.Path
		rt("path/named string", Path("/var/lib/caché/ä b"), `"/var/lib/caché/ä b"`),
		rt("path/plain string", "C:\\Users\\x", `"C:\\Users\\x"`),
		rt("path/invalid UTF-8", Path("/tmp/\xff"), `"/tmp/\udcff"`),

		// collections.deque
		rt("deque/slice", []Point{{1, 2}, {3, 4}}, `[{"X":1,"Y":2},{"X":3,"Y":4}]`),
		rt("deque/registered coder", Deque{[]int{1, 2}, 5}, `{"iterable":[1,2],"maxlen":5}`),

		// re.Pattern
		rt("re/pattern", regexp.MustCompile(`^a+(b|c)\d*$`), `"^a+(b|c)\\d*$"`),
		rt("re/flags", regexp.MustCompile(`(?i)héllo`), `"(?i)héllo"`),
		rt("re/nil", (*regexp.Regexp)(nil), "null"),

		// datetime.time, datetime.date, datetime.datetime
		rt("datetime/UTC", time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), `"2024-05-01T10:00:00Z"`),
		rt("datetime/nanoseconds", time.Date(2024, 5, 1, 10, 0, 0, 123456789, time.UTC), `"2024-05-01T10:00:00.123456789Z"`),
		rt("datetime/Paris summer", time.Date(2024, 7, 1, 12, 0, 0, 500000000, paris), `"2024-07-01T12:00:00.5+02:00 Europe/Paris"`),
		rt("datetime/Paris winter", time.Date(2024, 1, 1, 12, 0, 0, 0, paris), `"2024-01-01T12:00:00+01:00 Europe/Paris"`),
		rt("datetime/New York DST edge", time.Date(2024, 11, 3, 1, 30, 0, 0, newYork).Add(time.Hour), ""),
		rt("datetime/local mean time", time.Date(1800, 1, 1, 0, 0, 0, 0, paris), `"1800-01-01T00:00:00+00:09:21 Europe/Paris"`),
		rt("datetime/fixed zone", time.Date(2024, 5, 1, 10, 0, 0, 0, kolkata), `"2024-05-01T10:00:00+05:30 (IST)"`),
		rt("datetime/fixed zone named like a real one", time.Date(2024, 7, 1, 10, 0, 0, 0, time.FixedZone("CET", 3600)), `"2024-07-01T10:00:00+01:00 (CET)"`),
		rt("datetime/unnamed fixed zone", time.Date(2024, 5, 1, 10, 0, 0, 0, time.FixedZone("", -7200)), `"2024-05-01T10:00:00-02:00 ()"`),
		rt("datetime/fixed zone named like a real one, same offset", time.Date(2024, 5, 1, 10, 0, 0, 0, time.FixedZone("Asia/Tokyo", 9*3600)), `"2024-05-01T10:00:00+09:00 (Asia/Tokyo)"`),
		rt("datetime/Local", time.Date(2024, 5, 1, 10, 0, 0, 0, time.Local), ""),
		rt("datetime/zero", time.Time{}, `"0001-01-01T00:00:00Z"`),
		rt("datetime/year 12345", time.Date(12345, 1, 1, 0, 0, 0, 0, time.UTC), `"12345-01-01T00:00:00Z"`),
		rt("datetime/far future", time.Unix(1<<62, 1).UTC(), `"146138514283-06-19T07:45:04.000000001Z"`),
		rt("datetime/far past in a zone", time.Unix(-(1<<62), 0).In(paris), ""),
		rt("datetime/negative year", time.Date(-44, 3, 15, 0, 0, 0, 0, time.UTC), `"-0044-03-15T00:00:00Z"`),
		rt("datetime/monotonic reading dropped", time.Now().Round(0), ""),
		rt("date/midnight", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), `"2024-02-29T00:00:00Z"`),
		rt("time/time of day", time.Date(0, 1, 1, 13, 45, 30, 0, paris), ""),
		rt("datetime/pointer", ptr(time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)), `"2024-05-01T10:00:00Z"`),

		// datetime.timedelta
		rt("timedelta/duration", 90*time.Minute+time.Nanosecond, "5400000000001"),
		rt("timedelta/negative", -time.Second, "-1000000000"),
		rt("timedelta/min", time.Duration(math.MinInt64), "-9223372036854775808"),

		// decimal.Decimal
		rt("decimal/big.Int huge", new(big.Int).Exp(big.NewInt(10), big.NewInt(40), nil), "10000000000000000000000000000000000000000"),
		rt("decimal/big.Int negative", big.NewInt(-12345), "-12345"),
		rt("decimal/big.Int zero", new(big.Int), "0"),
		rt("decimal/big.Int value", *big.NewInt(7), "7"),
		rt("decimal/big.Rat", big.NewRat(-7, 3), `"-7/3"`),
		rt("decimal/big.Rat integer", big.NewRat(12, 1), `"12"`),
		rt("decimal/big.Rat decimal", func() *big.Rat { r, _ := new(big.Rat).SetString("3.14159"); return r }(), `"314159/100000"`),
		rt("decimal/big.Float", bigFloat("1.1", 200, big.ToZero), ""),
		rt("decimal/big.Float 53 bits", big.NewFloat(0.1), `"0.1 53 ToNearestEven"`),
		rt("decimal/big.Float huge exponent", bigFloat("1e100000", 100, big.AwayFromZero), ""),
		rt("decimal/big.Float power of two at low precision", bigFloat("-175", 2, big.ToZero), `"-0x.8p+8 2 ToZero"`),
		rt("decimal/big.Float -0", bigFloat("-0", 64, big.ToNegativeInf), `"-0 64 ToNegativeInf"`),
		rt("decimal/big.Float +Inf", new(big.Float).SetInf(false), `"+Inf 0 ToNearestEven"`),
		rt("decimal/big.Float zero value", big.Float{}, `"0 0 ToNearestEven"`),
		rt("decimal/big.Float every mode", []*big.Float{
			bigFloat("2.5", 3, big.ToNearestEven), bigFloat("2.5", 3, big.ToNearestAway),
			bigFloat("-1e-300", 1000, big.ToZero), bigFloat("1e-300", 7, big.AwayFromZero),
			bigFloat("3", 2, big.ToNegativeInf), bigFloat("3", 2, big.ToPositiveInf),
		}, ""),

		// ipaddress.IPv4Address, ipaddress.IPv6Address
		rt("address/netip v4", netip.MustParseAddr("192.0.2.1"), `"192.0.2.1"`),
		rt("address/netip v6", netip.MustParseAddr("2001:db8::1"), `"2001:db8::1"`),
		rt("address/netip zone", netip.MustParseAddr("fe80::1%eth0"), `"fe80::1%eth0"`),
		rt("address/netip 4in6", netip.MustParseAddr("::ffff:192.0.2.1"), `"::ffff:192.0.2.1"`),
		rt("address/netip zero", netip.Addr{}, `""`),
		rt("address/net.IP 4 bytes", net.IPv4(192, 0, 2, 1).To4(), `"192.0.2.1"`),
		rt("address/net.IP 16 bytes v4", net.IPv4(192, 0, 2, 1), `"::ffff:192.0.2.1"`),
		rt("address/net.IP v6", net.ParseIP("2001:db8::1"), `"2001:db8::1"`),
		rt("address/net.IP nil", net.IP(nil), "null"),
		rt("address/net.IP empty", net.IP{}, `""`),

		// ipaddress.IPv4Interface, ipaddress.IPv6Interface
		rt("interface/netip v4 host bits", netip.MustParsePrefix("192.0.2.10/24"), `"192.0.2.10/24"`),
		rt("interface/netip v6 host bits", netip.MustParsePrefix("2001:db8::1/64"), `"2001:db8::1/64"`),
		rt("interface/net.IPNet host bits", &net.IPNet{IP: net.ParseIP("192.0.2.10").To4(), Mask: net.CIDRMask(24, 32)}, `"192.0.2.10/24"`),

		// ipaddress.IPv4Network, ipaddress.IPv6Network
		rt("network/netip v4", netip.MustParsePrefix("192.0.2.0/24"), `"192.0.2.0/24"`),
		rt("network/netip zero", netip.Prefix{}, `""`),
		rt("network/net.IPNet v4", cidr("192.0.2.0/24"), `"192.0.2.0/24"`),
		rt("network/net.IPNet v6", cidr("2001:db8::/32"), `"2001:db8::/32"`),
		rt("network/net.IPNet v4 in 16 bytes", &net.IPNet{IP: net.IPv4(10, 0, 0, 0), Mask: net.CIDRMask(104, 128)}, `"::ffff:10.0.0.0/104"`),
		rt("network/net.IPNet odd mask", &net.IPNet{IP: net.IPv4(10, 0, 0, 0).To4(), Mask: net.IPv4Mask(255, 0, 255, 0)}, `{"IP":"10.0.0.0","Mask":"/wD/AA=="}`),
		rt("network/net.IPNet mask length differs", net.IPNet{IP: net.IPv4(10, 0, 0, 0), Mask: net.CIDRMask(8, 32)}, `{"IP":"::ffff:10.0.0.0","Mask":"/wAAAA=="}`),
	}
}

// goCases covers Go types beyond the seed's list.
func goCases() []rtCase {
	var zero *int
	return []rtCase{
		rt("url/full", mustURL("https://user:p%40ss@example.com:8443/a%2Fb/c?q=1&r=%20#frag"), `"https://user:p%40ss@example.com:8443/a%2Fb/c?q=1&r=%20#frag"`),
		rt("url/user without password", mustURL("ftp://anon@host/"), `"ftp://anon@host/"`),
		rt("url/ipv6 host", mustURL("http://[::1]:80/"), `"http://[::1]:80/"`),
		rt("url/opaque", mustURL("mailto:a@b.c"), `"mailto:a@b.c"`),
		rt("url/relative", mustURL("../x?y"), `"../x?y"`),
		rt("url/force query", mustURL("http://h/p?"), `"http://h/p?"`),
		rt("url/value", *mustURL("http://h/p"), `"http://h/p"`),
		rt("url/not canonical", mustURL("a b"), "" /* an object of its fields, in the order of this Go version */),
		rt("url/assembled", &url.URL{Scheme: "http", Host: "h", Path: "/a b", User: url.UserPassword("u", "")}, `"http://u:@h/a%20b"`),
		rt("url/assembled inconsistent", &url.URL{Scheme: "http", Opaque: "x", Host: "h"}, ""),
		rt("url/values", url.Values{"a": {"1", "2"}}, `{"a":["1","2"]}`),
		rt("url/userinfo", url.UserPassword("u", "p:w"), `["u","p:w"]`),

		rt("struct/user", User{1, "Ann", []string{"a"}}, `{"ID":1,"Name":"Ann","Tags":["a"]}`),
		rt("struct/empty tags kept", User{Tags: []string{}}, `{"ID":0,"Name":"","Tags":[]}`),
		rt("struct/tags", Tagged{Renamed: "r", Kept: []string{}}, `{"renamed":"r","kept":[]}`),
		rt("struct/embedding", Embedding{Base: Base{Created: "c"}, Meta: &Meta{"n"}, inner: inner{"p"}, Name: "x", ID: "y"}, `{"Created":"c","Meta":{"Note":"n"},"Promoted":"p","Name":"x","ID":"y"}`),
		rt("struct/embedding nil pointer", Embedding{Name: "x"}, `{"Created":"","Meta":null,"Promoted":"","Name":"x","ID":""}`),
		rt("struct/anonymous", struct {
			A int
			B struct{ C []byte }
		}{1, struct{ C []byte }{[]byte("x")}}, `{"A":1,"B":{"C":"eA=="}}`),
		rt("struct/empty", struct{}{}, "{}"),
		rt("struct/embedding types with encodings", Stamped{time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), big.NewInt(7), netip.MustParseAddr("::1"), 3}, `{"Time":"2024-05-01T00:00:00Z","Int":7,"Addr":"::1","Value":3}`),
		rt("struct/recursive", &Node{1, &Node{2, nil, nil}, []Node{{Value: 3}}}, `{"Value":1,"Next":{"Value":2,"Next":null,"Kids":null},"Kids":[{"Value":3,"Next":null,"Kids":null}]}`),
		rt("struct/text marshaler", []Level{1, 0}, `["high","low"]`),
		rt("struct/json marshaler", Raw{"x"}, `{"raw": "x"}`),
		rt("struct/binary marshaler", []sealed{{7, "seven"}, {}}, `["B3NldmVu","AA=="]`),
		rt("struct/json.RawMessage", struct{ M json.RawMessage }{json.RawMessage(`{"a": [1, 2]}`)}, `{"M":{"a": [1, 2]}}`),
		rt("struct/json.RawMessage nil", struct{ M json.RawMessage }{}, `{"M":null}`),
		rt("struct/net.HardwareAddr", net.HardwareAddr{0, 1, 2, 3, 4, 5}, `"AAECAwQF"`),

		rt("pointer/to int", ptr(5), "5"),
		rt("pointer/to nil pointer", &zero, "[null]"),
		rt("pointer/to pointer", ptr(ptr(5)), "[5]"),
		rt("pointer/to nil slice", ptr([]int(nil)), "[null]"),
		rt("pointer/in struct to nil slice", struct{ P *[]int }{ptr([]int(nil))}, `{"P":[null]}`),
		rt("pointer/in struct to empty slice", struct{ P *[]int }{ptr([]int{})}, `{"P":[[]]}`),
		rt("pointer/in struct nil", struct{ P *[]int }{}, `{"P":null}`),
		rt("pointer/in struct to nil interface", struct{ P *any }{ptr[any](nil)}, `{"P":[null]}`),

		rt("any/int", any(1), `["int",1]`),
		rt("any/int64", any(int64(1)), `["int64",1]`),
		rt("any/float64", any(1.0), `["float64",1]`),
		rt("any/bytes", any([]byte("hi")), `["[]uint8","aGk="]`),
		rt("any/time", any(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)), `["time.Time","2024-05-01T00:00:00Z"]`),
		rt("any/big", any(big.NewInt(3)), `["*math/big.Int",3]`),
		rt("any/registered type", any(Point{1, 2}), `["github.com/cachetoolz/cachetoolz/codec_test.Point",{"X":1,"Y":2}]`),
		rt("any/registered coder", any(Deque{[]int{1}, 1}), "" /* Deque is registered by Register */),
		rt("any/typed nil", any((*Point)(nil)), `["*github.com/cachetoolz/cachetoolz/codec_test.Point",null]`),
		rt("any/composite", any(map[string][]*Point{"a": {{1, 2}}}), ""),
		rt("any/nested", any([]any{[]any{1}, map[string]any{}}), `["[]any",[["[]any",[["int",1]]],["map[string]any",{}]]]`),
		rt("any/netip", []any{netip.MustParseAddr("::1"), netip.MustParsePrefix("::/0")}, `[["net/netip.Addr","::1"],["net/netip.Prefix","::/0"]]`),
		rt("error/nil", error(nil), "null"),
	}
}

func testCodec() *codec.JSONCodec {
	return codec.NewJSON(&codec.JSONOptions{Registry: testRegistry()})
}

func TestRoundTrip(t *testing.T) {
	c := testCodec()
	cases := append(seedCases(t), goCases()...)
	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.name] {
			t.Fatalf("duplicate case name %q", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) { checkRoundTrip(t, c, tc) })
	}
}

// checkRoundTrip encodes tc's value through a pointer to its static type,
// compares the bytes with tc.want, decodes them and checks that the value
// is the same and encodes to the same bytes.
func checkRoundTrip(t *testing.T, c codec.Codec, tc rtCase) {
	t.Helper()
	p := reflect.New(tc.typ)
	p.Elem().Set(tc.val)
	data, err := c.Marshal(p.Interface())
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	if tc.want != "" && string(data) != tc.want {
		t.Errorf("Marshal = %s\nwant       %s", data, tc.want)
	}
	q := reflect.New(tc.typ)
	if err := c.Unmarshal(data, q.Interface()); err != nil {
		t.Fatalf("Unmarshal(%s): %v", data, err)
	}
	if err := sameValue(p.Elem(), q.Elem(), "value"); err != nil {
		t.Errorf("round trip of %s: %v", data, err)
	}
	again, err := c.Marshal(q.Interface())
	if err != nil || !bytes.Equal(again, data) {
		t.Errorf("re-encoding the decoded value gives %s, %v; want %s", again, err, data)
	}
	// Passing the value itself gives the same bytes, except where its
	// static type is an interface or a pointer to a nullable type (see
	// Marshal).
	if k := tc.typ.Kind(); k != reflect.Interface && (k != reflect.Pointer || !isNullable(tc.typ.Elem())) {
		direct, err := c.Marshal(tc.val.Interface())
		if err != nil || !bytes.Equal(direct, data) {
			t.Errorf("Marshal(value) = %s, %v; want %s", direct, err, data)
		}
	}
}

func isNullable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
		return true
	}
	return false
}

// TestRoundTripEmbeddingPromoted checks the promoted fields that same
// cannot see, because they live in an unexported embedded struct.
func TestRoundTripEmbeddingPromoted(t *testing.T) {
	in := Embedding{Base: Base{ID: 1, Created: "c"}, inner: inner{"p"}}
	data, err := codec.JSON.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out Embedding
	if err := codec.JSON.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	// Base.ID is shadowed by Embedding.ID, as in encoding/json.
	if out.Promoted != "p" || out.Created != "c" || out.Base.ID != 0 || out.Meta != nil {
		t.Errorf("decoded %+v from %s", out, data)
	}
}

// TestTimeZoneFallback decodes zones the database does not know, or knows
// with another offset, into fixed zones with the written name and offset.
func TestTimeZoneFallback(t *testing.T) {
	for _, tc := range []struct {
		in         string
		name       string
		offset     int
		wantLoaded bool
	}{
		{`"2024-05-01T10:00:00+03:00 Mars/Olympus_Mons"`, "Mars/Olympus_Mons", 3 * 3600, false},
		{`"2024-07-01T10:00:00+01:00 (CET)"`, "CET", 3600, false},
		{`"2024-01-01T10:00:00+01:00 CET"`, "CET", 3600, true},
		{`"2024-05-01T10:00:00Z UTC"`, "UTC", 0, true},
		{`"2024-05-01T10:00:00+01:00 UTC"`, "UTC", 3600, false},
		{`"2024-05-01T10:00:00+01:00 "`, "", 3600, false},
		{`"2024-05-01T10:00:00+01:00 ()"`, "", 3600, false},
		{`"2024-01-01T10:00:00+01:00 (Europe/Paris)"`, "Europe/Paris", 3600, false},
		{`"2024-01-01T10:00:00+01:00 ((x))"`, "(x)", 3600, false},
	} {
		var got time.Time
		if err := codec.JSON.Unmarshal([]byte(tc.in), &got); err != nil {
			t.Errorf("Unmarshal(%s): %v", tc.in, err)
			continue
		}
		name, offset := got.Location().String(), 0
		_, offset = got.Zone()
		if name != tc.name || offset != tc.offset {
			t.Errorf("Unmarshal(%s) = %v in %q offset %d; want %q offset %d", tc.in, got, name, offset, tc.name, tc.offset)
		}
		later := got.AddDate(0, 6, 0)
		_, laterOffset := later.Zone()
		if loaded, err := time.LoadLocation(tc.name); tc.wantLoaded && err == nil {
			if _, want := later.In(loaded).Zone(); laterOffset != want {
				t.Errorf("Unmarshal(%s): zone is not the loaded %s", tc.in, tc.name)
			}
		} else if !tc.wantLoaded && laterOffset != tc.offset {
			t.Errorf("Unmarshal(%s): zone is not fixed: offset %d six months later", tc.in, laterOffset)
		}
	}
	var local time.Time
	if err := codec.JSON.Unmarshal([]byte(`"2024-05-01T10:00:00+09:00 Local"`), &local); err != nil || local.Location() != time.Local {
		t.Errorf("Local decodes to %v, %v; want time.Local", local.Location(), err)
	}
	var utc time.Time
	if err := codec.JSON.Unmarshal([]byte(`"2024-05-01T10:00:00Z"`), &utc); err != nil || utc.Location() != time.UTC {
		t.Errorf("no zone name decodes to %v, %v; want time.UTC", utc.Location(), err)
	}
}

// TestMarshalPointerForms pins the rule of Marshal for pointers, which
// callers rely on to keep interface types.
func TestMarshalPointerForms(t *testing.T) {
	var r any = 1
	viaPtr, err := codec.JSON.Marshal(&r)
	if err != nil || string(viaPtr) != `["int",1]` {
		t.Errorf("Marshal(&any(1)) = %s, %v", viaPtr, err)
	}
	direct, err := codec.JSON.Marshal(r)
	if err != nil || string(direct) != `1` {
		t.Errorf("Marshal(any(1)) = %s, %v", direct, err)
	}
	var back any
	if err := codec.JSON.Unmarshal(viaPtr, &back); err != nil || back != any(1) {
		t.Errorf("Unmarshal into *any = %#v, %v", back, err)
	}
	if err := codec.JSON.Unmarshal(direct, &back); err == nil {
		t.Errorf("Unmarshal of an untyped 1 into *any succeeded: %#v", back)
	}
	var nilPtr *Point
	if b, err := codec.JSON.Marshal(nilPtr); err != nil || string(b) != "null" {
		t.Errorf("Marshal(nil *Point) = %s, %v", b, err)
	}
	if b, err := codec.JSON.Marshal(nil); err != nil || string(b) != "null" {
		t.Errorf("Marshal(nil) = %s, %v", b, err)
	}
}

func TestDeterministicMaps(t *testing.T) {
	m := map[string]int{}
	for i := range 100 {
		m[strings.Repeat("k", i%7)+string(rune('a'+i%26))+string(rune('0'+i%10))] = i
	}
	first, err := codec.JSON.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		again, _ := codec.JSON.Marshal(m)
		if !bytes.Equal(first, again) {
			t.Fatalf("map encodings differ:\n%s\n%s", first, again)
		}
	}
}
