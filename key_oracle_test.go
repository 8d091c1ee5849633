package cachetoolz_test

import (
	"testing"

	"encoding"
	"fmt"
	"github.com/cachetoolz/cachetoolz"
	"math"
	"math/big"
	"net/netip"
	"reflect"
	"strings"
	"time"
	"unsafe"
)

// The oracle: DefaultKey's documented rule of equality, written out
// directly, with no encoding. An argument becomes a model, a tree of kinds
// and values, and two models are compared; maps as multisets.

type model struct {
	kind  string       // nil, ptr, num, bool, str, bytes, list, map, struct, text, binary, time
	typ   reflect.Type // when typed: the dynamic type of an argument or of a value in an interface
	val   string       // num, bool, str, bytes, text, binary, time
	names []string     // struct field names
	kids  []*model     // ptr: its target; list, struct: elements; map: key, value, key, value, ...
}

func (m *model) String() string {
	var sb strings.Builder
	if m.typ != nil {
		fmt.Fprintf(&sb, "<%v>", m.typ)
	}
	sb.WriteString(m.kind)
	if m.val != "" || m.kind == "str" || m.kind == "bytes" {
		fmt.Fprintf(&sb, "(%q)", m.val)
	}
	if len(m.kids) > 0 {
		sb.WriteString("{")
		for i, k := range m.kids {
			if i > 0 {
				sb.WriteString(" ")
			}
			if i < len(m.names) {
				sb.WriteString(m.names[i] + ":")
			}
			sb.WriteString(k.String())
		}
		sb.WriteString("}")
	}
	return sb.String()
}

// ownMarshaler lists the types of the test corpus that have their own
// MarshalBinary ("binary") or, failing that, MarshalText ("text"). Types
// that only have such methods by promotion are not listed.
var ownMarshaler = map[reflect.Type]string{
	reflect.TypeFor[uuid]():        "text",
	reflect.TypeFor[caseless]():    "text",
	reflect.TypeFor[shadowed]():    "text",
	reflect.TypeFor[shadowedPtr](): "text",
	reflect.TypeFor[netip.Addr]():  "binary",
	reflect.TypeFor[big.Int]():     "text",
}

var byteType = reflect.TypeFor[byte]()

// opened returns an addressable, readable copy of v.
func opened(v reflect.Value) reflect.Value {
	if v.CanAddr() {
		return reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
	}
	if !v.CanInterface() {
		panic("oracle: unreadable value")
	}
	c := reflect.New(v.Type()).Elem()
	c.Set(v)
	return c
}

func modelOf(v reflect.Value, typed bool) *model {
	v = opened(v)
	t := v.Type()
	if t.Kind() == reflect.Interface {
		if v.IsNil() {
			return &model{kind: "nil"}
		}
		m := modelOf(opened(v.Elem()), typed)
		if typed {
			m.typ = v.Elem().Type()
		}
		return m
	}
	if t == reflect.TypeFor[time.Time]() {
		tm, ok := v.Interface().(time.Time)
		if !ok {
			panic("oracle: not a time.Time")
		}
		name, offset := tm.Zone()
		return &model{kind: "time", val: fmt.Sprint(tm.Unix(), tm.Nanosecond(), name, offset, tm.Location())}
	}
	if kind, ok := ownMarshaler[t]; ok {
		var data []byte
		var err error
		bm, isBinary := v.Addr().Interface().(encoding.BinaryMarshaler)
		tm, isText := v.Addr().Interface().(encoding.TextMarshaler)
		switch {
		case kind == "binary" && isBinary:
			data, err = bm.MarshalBinary()
		case kind == "text" && isText:
			data, err = tm.MarshalText()
		default:
			panic("oracle: " + t.String() + " has no " + kind + " marshaler")
		}
		if err != nil {
			panic(err)
		}
		return &model{kind: kind, val: string(data)}
	}
	switch t.Kind() {
	case reflect.Bool:
		return &model{kind: "bool", val: fmt.Sprint(v.Bool())}
	case reflect.String:
		return &model{kind: "str", val: v.String()}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &model{kind: "num", val: new(big.Rat).SetInt64(v.Int()).RatString()}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return &model{kind: "num", val: new(big.Rat).SetInt(new(big.Int).SetUint64(v.Uint())).RatString()}
	case reflect.Float32, reflect.Float64:
		return &model{kind: "num", val: realNumber(v.Float())}
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		if imag(c) == 0 && !math.Signbit(imag(c)) {
			return &model{kind: "num", val: realNumber(real(c))}
		}
		return &model{kind: "num", val: "(" + realNumber(real(c)) + ", " + realNumber(imag(c)) + ")"}
	case reflect.Pointer:
		if v.IsNil() {
			return &model{kind: "nil"}
		}
		return &model{kind: "ptr", kids: []*model{modelOf(v.Elem(), typed)}}
	case reflect.Slice, reflect.Array:
		if t.Kind() == reflect.Slice && v.IsNil() {
			return &model{kind: "nil"}
		}
		if t.Elem() == byteType {
			b := make([]byte, v.Len())
			for i := range b {
				b[i] = byte(v.Index(i).Uint())
			}
			return &model{kind: "bytes", val: string(b)}
		}
		m := &model{kind: "list"}
		for i := range v.Len() {
			m.kids = append(m.kids, modelOf(v.Index(i), typed))
		}
		return m
	case reflect.Map:
		if v.IsNil() {
			return &model{kind: "nil"}
		}
		m := &model{kind: "map"}
		for it := v.MapRange(); it.Next(); {
			m.kids = append(m.kids, modelOf(it.Key(), typed), modelOf(it.Value(), typed))
		}
		return m
	case reflect.Struct:
		m := &model{kind: "struct"}
		for i := range t.NumField() {
			if t.Field(i).Name == "_" {
				continue
			}
			m.names = append(m.names, t.Field(i).Name)
			m.kids = append(m.kids, modelOf(v.Field(i), typed))
		}
		return m
	}
	panic("oracle: no rule for " + t.String())
}

// realNumber writes a float as an exact rational, or NaN, ±Inf or -0.
func realNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 0):
		return fmt.Sprint(f)
	case f == 0 && math.Signbit(f):
		return "-0"
	}
	return new(big.Rat).SetFloat64(f).RatString()
}

func sameModel(a, b *model) bool {
	if a.kind != b.kind || a.typ != b.typ || a.val != b.val ||
		len(a.kids) != len(b.kids) || fmt.Sprint(a.names) != fmt.Sprint(b.names) {
		return false
	}
	if a.kind == "map" {
		used := make([]bool, len(b.kids)/2)
	entries:
		for i := 0; i < len(a.kids); i += 2 {
			for j := range used {
				if !used[j] && sameModel(a.kids[i], b.kids[2*j]) && sameModel(a.kids[i+1], b.kids[2*j+1]) {
					used[j] = true
					continue entries
				}
			}
			return false
		}
		return true
	}
	for i := range a.kids {
		if !sameModel(a.kids[i], b.kids[i]) {
			return false
		}
	}
	return true
}

// argModels models a call's arguments.
func argModels(args []any, typed bool) []*model {
	ms := make([]*model, len(args))
	for i := range args {
		ms[i] = modelOf(reflect.ValueOf(&args[i]).Elem(), typed)
	}
	return ms
}

func sameArgs(a, b []*model) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameModel(a[i], b[i]) {
			return false
		}
	}
	return true
}

// FuzzKeyMatchesOracle checks that two calls get the same key if and only
// if their arguments are equal under the documented rule, as the oracle
// models it: a and b are built from the same input, b with other
// representations and perhaps one value shifted.
func FuzzKeyMatchesOracle(f *testing.F) {
	f.Add([]byte{0, 1, 10}, uint8(1), uint8(0), false)
	f.Add([]byte{0, 1, 11, 4}, uint8(4), uint8(0), false)
	f.Add([]byte{0, 10, 1}, uint8(0), uint8(130), false)
	f.Add([]byte{0, 9, 0, 0, 1}, uint8(0), uint8(132), true)
	f.Add([]byte{1, 12, 0, 1, 1, 1, 11, 1, 4, 1}, uint8(3), uint8(0), false)
	f.Add([]byte{0, 15, 1, 3, 1, 0}, uint8(1), uint8(0), true)
	f.Add([]byte{0, 14, 11, 1}, uint8(1), uint8(0), false)
	f.Add([]byte{2, 7, 3, 1, 1, 7, 4, 2, 0, 18, 3, 1, 0, 1}, uint8(0), uint8(135), false)
	f.Fuzz(func(t *testing.T, data []byte, salt, perturb uint8, typed bool) {
		shift := -1
		if perturb >= 128 {
			shift = int(perturb - 128)
		}
		a := generate(data, 0, -1)
		b := generate(data, int(salt), shift)
		ka, err := cachetoolz.DefaultKey(typed, fn, a)
		if err != nil {
			t.Fatalf("DefaultKey(%#v): %v", a, err)
		}
		kb, err := cachetoolz.DefaultKey(typed, fn, b)
		if err != nil {
			t.Fatalf("DefaultKey(%#v): %v", b, err)
		}
		ma, mb := argModels(a, typed), argModels(b, typed)
		if want := sameArgs(ma, mb); (ka == kb) != want {
			t.Fatalf("typed=%v: same key %v, equal by the rule %v\n a: %#v\n    %v\n b: %#v\n    %v",
				typed, ka == kb, want, a, ma, b, mb)
		}
		if again, _ := cachetoolz.DefaultKey(typed, fn, generate(data, 0, -1)); again != ka {
			t.Fatalf("the same arguments got keys %s and %s", ka, again)
		}
	})
}
