package codec_test

import (
	"errors"
	"math/big"
	"net/netip"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz/codec"
)

// TestUnmarshalStrict checks that a payload that does not decode exactly
// into the target type is an error wrapping ErrInvalidData, never a value
// with parts dropped, zeroed or rounded.
func TestUnmarshalStrict(t *testing.T) {
	type target = func() any
	user := func() any { return new(User) }
	for _, tc := range []struct {
		name, data string
		into       target
		msg        string
	}{
		// Objects: every key names a field exactly, once; every field that
		// is never omitted is there.
		{"unknown field", `{"ID":1,"Name":"a","Tags":null,"Extra":1}`, user, `unknown field "Extra"`},
		{"field in another case", `{"id":1,"Name":"a","Tags":null}`, user, `unknown field "id"`},
		{"field twice", `{"ID":1,"ID":2,"Name":"","Tags":null}`, user, `"ID" appears twice`},
		{"field missing", `{"ID":1,"Name":""}`, user, `"Tags" is missing`},
		{"renamed field by its Go name", `{"Renamed":"r"}`, func() any { return new(Tagged) }, "unknown field"},
		{"field dropped by a tag", `{"renamed":"r","Skipped":"s"}`, func() any { return new(Tagged) }, "unknown field"},
		{"embedded pointer's field promoted", `{"OmitInner":null,"C":0,"A":1}`, func() any { return new(embedsOmitted) }, "unknown field"},

		// null only where the encoder writes it: nil pointers, slices,
		// maps and interfaces.
		{"null into int", `null`, func() any { return new(int) }, "found null"},
		{"null into uint8", `null`, func() any { return new(uint8) }, "found null"},
		{"null into bool", `null`, func() any { return new(bool) }, "found null"},
		{"null into string", `null`, func() any { return new(string) }, "found null"},
		{"null into float64", `null`, func() any { return new(float64) }, "null"},
		{"null into complex128", `null`, func() any { return new(complex128) }, "null"},
		{"null into struct", `null`, user, "found null"},
		{"null struct field", `{"ID":null,"Name":"","Tags":null}`, user, "found null"},
		{"null into array", `null`, func() any { return new([2]int) }, "found null"},
		{"null into byte array", `null`, func() any { return new(UUID) }, "found null"},
		{"null into time.Time", `null`, func() any { return new(time.Time) }, "null"},
		{"null into big.Int", `null`, func() any { return new(big.Int) }, "found null"},
		{"null into big.Rat", `null`, func() any { return new(big.Rat) }, "found null"},
		{"null into big.Float", `null`, func() any { return new(big.Float) }, "found null"},
		{"null into regexp", `null`, func() any { return new(regexp.Regexp) }, "found null"},
		{"null into netip.Prefix", `null`, func() any { return new(netip.Prefix) }, "found null"},
		{"null into text marshaler", `null`, func() any { return new(Level) }, "found null"},

		// JSON types that do not match the Go kind.
		{"string into int", `"1"`, func() any { return new(int) }, "want integer"},
		{"number into string", `1`, func() any { return new(string) }, "want string"},
		{"bool into int", `true`, func() any { return new(int) }, "want integer"},
		{"number into bool", `1`, func() any { return new(bool) }, "want boolean"},
		{"object into slice", `{}`, func() any { return new([]int) }, "want array"},
		{"array into struct", `[]`, user, "want object"},
		{"object into map of pairs", `{}`, func() any { return new(map[bool]int) }, "pairs"},
		{"array into object map", `[]`, func() any { return new(map[string]int) }, "object"},

		// Numbers: no overflow, no fraction into integers, no rounding.
		{"int8 overflow", `128`, func() any { return new(int8) }, "out of range"},
		{"int64 overflow", `9223372036854775808`, func() any { return new(int64) }, "out of range"},
		{"negative into uint", `-1`, func() any { return new(uint) }, "out of range"},
		{"uint64 overflow", `18446744073709551616`, func() any { return new(uint64) }, "out of range"},
		{"fraction into int", `1.5`, func() any { return new(int) }, "out of range"},
		{"exponent into int", `1e2`, func() any { return new(int) }, "out of range"},
		{"float64 overflow", `1e400`, func() any { return new(float64) }, "out of range"},
		{"float32 overflow", `3.5e38`, func() any { return new(float32) }, "out of range"},
		{"float64 underflow", `1e-400`, func() any { return new(float64) }, "not exactly"},
		{"float64 rounded", `0.10000000000000000001`, func() any { return new(float64) }, "not exactly"},
		{"integer beyond 2^53", `9007199254740993`, func() any { return new(float64) }, "not exactly"},
		{"float64 digits into float32", `0.30000000000000004`, func() any { return new(float32) }, "not exactly"},
		{"float written long", `1.0`, func() any { return new(float64) }, "not exactly"},
		{"float in complex rounded", `[0.10000000000000000001,0]`, func() any { return new(complex128) }, "not exactly"},
		{"big.Int with a fraction", `1.5`, func() any { return new(big.Int) }, "not an integer"},

		// Bytes: only the base64 the encoder writes.
		{"base64 with stray bits", `"AB=="`, func() any { return new([]byte) }, "illegal base64"},
		{"base64 without padding", `"AA"`, func() any { return new([]byte) }, "illegal base64"},
		{"binary marshaler base64 with stray bits", `"AB=="`, func() any { return new(sealed) }, "illegal base64"},

		// Maps and sets: no key twice.
		{"object key twice", `{"a":1,"a":2}`, func() any { return new(map[string]int) }, "twice"},
		{"integer key twice", `{"1":1,"1":2}`, func() any { return new(map[int]int) }, "twice"},
		{"set element twice", `["a","a"]`, func() any { return new(map[string]struct{}) }, "twice"},
		{"pair key twice", `[[true,1],[true,2]]`, func() any { return new(map[bool]int) }, "twice"},
		{"struct key twice", `[[{"X":1,"Y":2},1],[{"X":1,"Y":2},2]]`, func() any { return new(map[Point]int) }, "twice"},

		// Trailing data.
		{"two values", `1 2`, func() any { return new(int) }, "after the value"},
		{"object then garbage", `{"ID":1,"Name":"","Tags":null}x`, user, "after the value"},
		{"two arrays", `[] []`, func() any { return new([]int) }, "after the value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := tc.into()
			err := codec.JSON.Unmarshal([]byte(tc.data), v)
			if err == nil {
				t.Fatalf("Unmarshal(%s) into %T = %+v, want an error", tc.data, v, reflect.ValueOf(v).Elem())
			}
			if !errors.Is(err, codec.ErrInvalidData) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("Unmarshal(%s) into %T: %v; want ErrInvalidData mentioning %q", tc.data, v, err, tc.msg)
			}
			if !reflect.ValueOf(v).Elem().IsZero() {
				t.Errorf("Unmarshal(%s) left %+v, want the zero value", tc.data, reflect.ValueOf(v).Elem())
			}
		})
	}
}
