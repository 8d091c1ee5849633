package codec_test

import (
	"errors"
	"math/big"
	"net"
	"net/netip"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/cachetoolz/cachetoolz/codec"
)

type cyclic struct {
	Name string
	Next *cyclic
}

type selfSlice []selfSlice

type withFunc struct {
	Name string
	F    func()
}

type localName struct{ A int }

func TestMarshalUnsupported(t *testing.T) {
	loop := &cyclic{Name: "a"}
	loop.Next = &cyclic{Name: "b", Next: loop}
	s := selfSlice{nil}
	s[0] = s
	m := map[string]any{}
	m["self"] = m
	for _, tc := range []struct {
		name string
		v    any
		msg  string
	}{
		{"func", func() {}, "func values cannot be encoded"},
		{"chan", make(chan int), "chan values cannot be encoded"},
		{"unsafe pointer", unsafe.Pointer(&s), "unsafe.Pointer values cannot be encoded"},
		{"func field", withFunc{Name: "x"}, "func values cannot be encoded"},
		{"nil func field", withFunc{}, "func values cannot be encoded"},
		{"slice of chans", []chan int(nil), "chan values"},
		{"only unexported fields", OnlyHidden{secret: 1}, "no exported fields"},
		{"cyclic pointers", loop, "cyclic value"},
		{"cyclic slice", s, "cyclic value"},
		{"cyclic map", m, "cyclic value"},
		{"unregistered type in interface", []any{localName{1}}, "RegisterType"},
		{"unnamed struct in interface", []any{struct{ A int }{1}}, "unnamed struct type"},
		{"unnamed interface in interface", []any{[]interface{ M() }{}}, "unnamed interface type"},
		{"invalid prefix", netip.PrefixFrom(netip.MustParseAddr("1.2.3.4"), 99), "invalid prefix"},
		{"IP of bad length", net.IP{1, 2, 3}, "codec"},
		{"big.Float beyond the precision limit", new(big.Float).SetPrec(1<<21 + 1).SetInt64(1), "precision"},
		{"text marshaler error", Level(7), "bad level"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := codec.JSON.Marshal(tc.v)
			if err == nil {
				t.Fatalf("Marshal = %s, want an error", b)
			}
			if !strings.HasPrefix(err.Error(), "cachetoolz: codec: ") || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q: want the package prefix and %q", err, tc.msg)
			}
			if tc.name != "text marshaler error" && !errors.Is(err, codec.ErrUnsupported) {
				t.Errorf("error %q does not wrap ErrUnsupported", err)
			}
		})
	}
}

// TestDeepButAcyclic encodes a linked list deeper than the depth at which
// cycle detection starts, which must not be mistaken for a cycle.
func TestDeepButAcyclic(t *testing.T) {
	var head *Node
	for i := range 5000 {
		head = &Node{Value: i, Next: head}
	}
	data, err := codec.JSON.Marshal(head)
	if err != nil {
		t.Fatal(err)
	}
	var back *Node
	if err := codec.JSON.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	n := 0
	for p := back; p != nil; p = p.Next {
		n++
	}
	if n != 5000 {
		t.Errorf("decoded %d nodes, want 5000", n)
	}
}

// TestSharedNotCyclic encodes the same pointer twice side by side: a DAG,
// not a cycle. Decoding gives two copies.
func TestSharedNotCyclic(t *testing.T) {
	p := &Point{1, 2}
	var deep any = p
	for range 150 {
		deep = []any{deep, p}
	}
	if _, err := testCodec().Marshal(deep); err != nil {
		t.Fatal(err)
	}
}

func TestUnmarshalInvalid(t *testing.T) {
	for _, tc := range []struct {
		name string
		into any
		data string
	}{
		{"empty input", new(int), ""},
		{"blank input", new(int), "  "},
		{"trailing data", new(int), "1 2"},
		{"trailing NUL", new(int), "1\x00"},
		{"int from string", new(int), `"1"`},
		{"int from float", new(int), `1.5`},
		{"int from exponent", new(int), `1e3`},
		{"int8 overflow", new(int8), `128`},
		{"int64 overflow", new(int64), `9223372036854775808`},
		{"uint negative", new(uint), `-1`},
		{"uint64 overflow", new(uint64), `18446744073709551616`},
		{"leading plus", new(int), `+1`},
		{"leading zero", new(int), `01`},
		{"hex number", new(float64), `0x10`},
		{"float overflow", new(float32), `1e39`},
		{"float word", new(float64), `"Infinity"`},
		{"bool from number", new(bool), `1`},
		{"truncated true", new(bool), `tru`},
		{"string unterminated", new(string), `"abc`},
		{"string control char", new(string), "\"a\nb\""},
		{"string bad escape", new(string), `"\x"`},
		{"string short unicode escape", new(string), `"\u12"`},
		{"string lone high surrogate", new(string), `"\ud800"`},
		{"string lone low surrogate", new(string), `"\udc00"`},
		{"string bad pair", new(string), `"\ud800\u0041"`},
		{"bytes bad base64", new([]byte), `"!!"`},
		{"bytes from array", new([]byte), `[1,2]`},
		{"uuid short", new(UUID), `"1234"`},
		{"uuid no dashes", new(UUID), `"123e4567e89b12d3a456426614174000"`},
		{"uuid bad hex", new(UUID), `"123e4567-e89b-12d3-a456-42661417400g"`},
		{"uuid long", new(UUID), `"123e4567-e89b-12d3-a456-4266141740000"`},
		{"array too long", new([2]int), `[1,2,3]`},
		{"array too short", new([2]int), `[1]`},
		{"slice unterminated", new([]int), `[1,2`},
		{"slice missing comma", new([]int), `[1 2]`},
		{"slice trailing comma", new([]int), `[1,]`},
		{"map from array", new(map[string]int), `[["a",1]]`},
		{"map bad int key", new(map[int]int), `{"x":1}`},
		{"map int key overflow", new(map[int8]int), `{"200":1}`},
		{"map int key leading zero", new(map[int]int), `{"01":1}`},
		{"pairs not pairs", new(map[bool]int), `[true]`},
		{"set from object", new(map[string]struct{}), `{"a":{}}`},
		{"struct from array", new(User), `[1]`},
		{"struct bad key", new(User), `{1:2}`},
		{"struct wrong field type", new(User), `{"ID":"x"}`},
		{"struct missing colon", new(User), `{"ID" 1}`},
		{"struct unterminated", new(User), `{"ID":1`},
		{"unknown field bad value", new(User), `{"X":[}`},
		{"pointer wrap missing", new(*[]int), `[1]`},
		{"interface bare value", new(any), `1`},
		{"interface empty array", new(any), `[]`},
		{"interface unknown type", new(any), `["nosuch.T",1]`},
		{"interface unregistered type", new(any), `["github.com/cachetoolz/cachetoolz/codec_test.localName",{}]`},
		{"interface bad type syntax", new(any), `["map[int",1]`},
		{"interface huge array type", new(any), `["[99999999]int",[]]`},
		{"interface array length sign", new(any), `["[+1]int",[1]]`},
		{"interface unhashable map key type", new(any), `["map[[]int]int",[]]`},
		{"interface unhashable dynamic key", new(map[any]int), `[[["[]int",[1]],1]]`},
		{"interface not implementing", new(error), `["int",1]`},
		{"interface type only", new(any), `["int"]`},
		{"interface deep type name", new(any), `["` + strings.Repeat("*", 100) + `int",1]`},
		{"time garbage", new(time.Time), `"yesterday"`},
		{"time month 13", new(time.Time), `"2024-13-01T00:00:00Z"`},
		{"time no zone", new(time.Time), `"2024-01-01T00:00:00"`},
		{"time trailing", new(time.Time), `"2024-01-01T00:00:00Zx"`},
		{"time long fraction", new(time.Time), `"2024-01-01T00:00:00.1234567891Z"`},
		{"time from number", new(time.Time), `0`},
		{"big.Int fraction", new(*big.Int), `1.5`},
		{"big.Int string", new(*big.Int), `"1"`},
		{"big.Rat exponent", new(*big.Rat), `"1e1000000000"`},
		{"big.Rat zero denominator", new(*big.Rat), `"1/0"`},
		{"big.Rat garbage", new(*big.Rat), `"1/2/3"`},
		{"big.Float no precision", new(*big.Float), `"1.5"`},
		{"big.Float huge precision", new(*big.Float), `"1.5 4294967295 ToZero"`},
		{"big.Float bad mode", new(*big.Float), `"1.5 53 Sideways"`},
		{"big.Float zero precision value", new(*big.Float), `"1.5 0 ToZero"`},
		{"big.Float exponent overflow", new(*big.Float), `"1e99999999999 53 ToZero"`},
		{"regexp invalid", new(*regexp.Regexp), `"a(b"`},
		{"url invalid", new(*url.URL), `"http://[::1"`},
		{"userinfo bad", new(*url.Userinfo), `[1]`},
		{"net.IP garbage", new(net.IP), `"1.2.3"`},
		{"net.IPNet bad bits", new(*net.IPNet), `"10.0.0.0/33"`},
		{"net.IPNet no bits", new(*net.IPNet), `"10.0.0.0"`},
		{"net.IPNet signed bits", new(*net.IPNet), `"10.0.0.0/+8"`},
		{"netip.Addr garbage", new(netip.Addr), `"1.2.3.4.5"`},
		{"netip.Prefix garbage", new(netip.Prefix), `"1.2.3.4/99"`},
		{"text unmarshaler rejects", new(Level), `"medium"`},
		{"json unmarshaler rejects", new(Raw), `[1]`},
		{"deep nesting", new(any), strings.Repeat(`["[]any",[`, 20000)},
		{"deep skipped value", new(User), `{"X":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := testCodec().Unmarshal([]byte(tc.data), tc.into)
			if err == nil {
				t.Fatalf("Unmarshal(%q) into %T succeeded: %#v", tc.data, tc.into, reflect.ValueOf(tc.into).Elem())
			}
			if !errors.Is(err, codec.ErrInvalidData) {
				t.Errorf("error %q does not wrap ErrInvalidData", err)
			}
			if !strings.HasPrefix(err.Error(), "cachetoolz: codec: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if z := reflect.ValueOf(tc.into).Elem(); !z.IsZero() {
				t.Errorf("after the error the target holds %#v, want its zero value", z)
			}
		})
	}
}

func TestUnmarshalNeedsPointer(t *testing.T) {
	var x int
	for _, v := range []any{nil, x, (*int)(nil)} {
		if err := codec.JSON.Unmarshal([]byte("1"), v); err == nil || !strings.HasPrefix(err.Error(), "cachetoolz: codec: ") {
			t.Errorf("Unmarshal into %#v: error %v", v, err)
		}
	}
}

// TestUnmarshalLenient pins what decoding accepts beyond the exact bytes
// Marshal writes: white space, fields in any order, omittable fields left
// out.
func TestUnmarshalLenient(t *testing.T) {
	var u User
	err := codec.JSON.Unmarshal([]byte(" {\n\"Tags\" : [ \"a\" ] ,\"ID\":7, \"Name\":\"\"}\t"), &u)
	if err != nil || u.ID != 7 || len(u.Tags) != 1 || u.Name != "" {
		t.Errorf("decoded %+v, %v", u, err)
	}
	tg := Tagged{hidden: 3}
	if err := codec.JSON.Unmarshal([]byte(`{"renamed":"r"}`), &tg); err != nil || tg.hidden != 0 || tg.Renamed != "r" {
		t.Errorf("decoding into a used value: %+v, %v; want it replaced", tg, err)
	}
}
