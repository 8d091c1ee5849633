package shape_test

import (
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz/internal/shape"
)

type node struct {
	Value int
	Next  *node
	Kids  []node
}

type list struct {
	Value int
	Next  *list
	Kids  []list
}

type nodeOtherField struct {
	Value int
	Next  *nodeOtherField
	Kids  []nodeOtherField
	Extra bool
}

type ping struct {
	N    int
	Pong *pong
}

type pong struct {
	S    string
	Ping *ping
}

// ping2 and pong2 have the shapes of ping and pong.
type ping2 struct {
	N    int
	Pong *pong2
}

type pong2 struct {
	S    string
	Ping *ping2
}

type path string

// level has an encoding of its own.
type level int

func (l level) MarshalText() ([]byte, error) { return []byte(fmt.Sprint(int(l))), nil }
func (l *level) UnmarshalText([]byte) error  { return nil }

type otherLevel int

func (l otherLevel) MarshalText() ([]byte, error) { return nil, nil }
func (l *otherLevel) UnmarshalText([]byte) error  { return nil }

// blob encodes itself in binary.
type blob struct{ data []byte }

func (b blob) MarshalBinary() ([]byte, error) { return b.data, nil }
func (b *blob) UnmarshalBinary(p []byte) error {
	b.data = p
	return nil
}

// stamped gets MarshalText and UnmarshalText from time.Time by promotion
// only: it is hashed by its fields.
type stamped struct {
	time.Time
	N int
}

type stampedN struct {
	time.Time
	M int
}

type raw struct{ A int }

func (raw) MarshalJSON() ([]byte, error) { return []byte("1"), nil }
func (*raw) UnmarshalJSON([]byte) error  { return nil }

// hidden has unexported fields: it can only be cached through a
// registered coder, so its name and all its fields count.
type hidden struct {
	a int
	B string
}

type hidden2 struct {
	a int
	B string
}

type hiddenOtherType struct {
	a int64
	B string
}

type base struct{ ID int }

type embeds struct {
	base
	Name string
}

type pEmbeds struct {
	*base
	Name string
}

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

func TestFingerprintDiffers(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b reflect.Type
	}{
		{"field name and type", typeOf[struct{ A int }](), typeOf[struct{ B string }]()},
		{"field name", typeOf[struct{ A int }](), typeOf[struct{ B int }]()},
		{"field type", typeOf[struct{ A int }](), typeOf[struct{ A string }]()},
		{"int sizes", typeOf[int](), typeOf[int64]()},
		{"signedness", typeOf[int32](), typeOf[uint32]()},
		{"float sizes", typeOf[float32](), typeOf[float64]()},
		{"renamed json tag", typeOf[struct {
			A int `json:"a"`
		}](), typeOf[struct {
			A int `json:"b"`
		}]()},
		{"json tag against Go name", typeOf[struct{ A int }](), typeOf[struct {
			A int `json:"a"`
		}]()},
		{"omitempty", typeOf[struct{ A int }](), typeOf[struct {
			A int `json:",omitempty"`
		}]()},
		{"field order", typeOf[struct{ A, B int }](), typeOf[struct{ B, A int }]()},
		{"extra field", typeOf[struct{ A int }](), typeOf[struct{ A, B int }]()},
		{"nested field type", typeOf[struct{ In struct{ X int } }](), typeOf[struct{ In struct{ X uint } }]()},
		{"deeply nested", typeOf[[]map[string]*struct{ X []int }](), typeOf[[]map[string]*struct{ X []int8 }]()},
		{"slice against array", typeOf[[]int](), typeOf[[1]int]()},
		{"array lengths", typeOf[[1]int](), typeOf[[2]int]()},
		{"pointer", typeOf[int](), typeOf[*int]()},
		{"map key", typeOf[map[string]int](), typeOf[map[int]int]()},
		{"map value", typeOf[map[string]int](), typeOf[map[string]bool]()},
		{"map against slice of pairs", typeOf[map[string]int](), typeOf[[]struct {
			K string
			V int
		}]()},
		{"interfaces", typeOf[any](), typeOf[error]()},
		{"recursive types that differ", typeOf[node](), typeOf[nodeOtherField]()},
		{"self-encoding types by name", typeOf[level](), typeOf[otherLevel]()},
		{"self-encoding against plain", typeOf[level](), typeOf[int]()},
		{"time against its fields", typeOf[time.Time](), typeOf[struct{}]()},
		{"big.Int against big.Rat", typeOf[*big.Int](), typeOf[*big.Rat]()},
		{"promoted methods do not stand for the type", typeOf[stamped](), typeOf[stampedN]()},
		{"hidden types by name", typeOf[hidden](), typeOf[hidden2]()},
		{"hidden field type", typeOf[hidden](), typeOf[hiddenOtherType]()},
		{"embedded against named field", typeOf[embeds](), typeOf[struct {
			Base base
			Name string
		}]()},
		{"embedded value against pointer", typeOf[embeds](), typeOf[pEmbeds]()},
		{"mutual recursion from either end", typeOf[ping](), typeOf[pong]()},
		{"json.RawMessage against []byte", typeOf[json.RawMessage](), typeOf[[]byte]()},
	} {
		if fa, fb := shape.Fingerprint(tc.a), shape.Fingerprint(tc.b); fa == fb {
			t.Errorf("%s: %v and %v have the same fingerprint %#x", tc.name, tc.a, tc.b, fa)
		}
	}
}

func TestFingerprintSame(t *testing.T) {
	type localUser struct {
		ID   int
		Tags []string
	}
	type renamedUser struct {
		ID   int
		Tags []string
	}
	type tagged struct {
		Identifier int      `json:"ID"`
		Labels     []string `json:"Tags"`
		skipped    int      `json:"-"`
		Dropped    func()   `json:"-"`
	}
	_ = tagged{}.skipped
	for _, tc := range []struct {
		name string
		a, b reflect.Type
	}{
		{"type names do not count", typeOf[localUser](), typeOf[renamedUser]()},
		{"Go names behind json tags, and fields left out, do not count", typeOf[localUser](), typeOf[tagged]()},
		{"named basic type", typeOf[path](), typeOf[string]()},
		{"byte and uint8", typeOf[[]byte](), typeOf[[]uint8]()},
		{"omitempty and omitzero", typeOf[struct {
			A int `json:",omitempty"`
		}](), typeOf[struct {
			A int `json:",omitzero"`
		}]()},
		{"recursive types of the same shape", typeOf[node](), typeOf[list]()},
		{"aliases", typeOf[interface{}](), typeOf[any]()},
	} {
		if fa, fb := shape.Fingerprint(tc.a), shape.Fingerprint(tc.b); fa != fb {
			t.Errorf("%s: %v has fingerprint %#x, %v %#x", tc.name, tc.a, fa, tc.b, fb)
		}
	}
}

// TestFingerprintGolden pins fingerprints, which must not change between
// processes, builds or releases unless the rules change on purpose (then
// change the version string in shape.go and these values together).
func TestFingerprintGolden(t *testing.T) {
	for _, tc := range []struct {
		typ  reflect.Type
		want uint64
	}{
		{typeOf[int](), 0x2e20f4f38040ea55},
		{typeOf[string](), 0xa0d5f8d7aaee02ca},
		{typeOf[struct{ A int }](), 0xe0e8eafc0b7cb360},
		{typeOf[struct{ B string }](), 0x7c4aacd591f67164},
		{typeOf[map[string][]*float64](), 0x2927cf79241ba8f0},
		{typeOf[node](), 0x4ebc33949bdce41e},
		{typeOf[ping](), 0x478fd22f5cc1ab3},
		{typeOf[time.Time](), 0xa8dcf22d6fa828e},
		{typeOf[hidden](), 0xadbf2ddbded495b2},
		{typeOf[any](), 0xd0a74e7942259bbc},
	} {
		if got := shape.Fingerprint(tc.typ); got != tc.want {
			t.Errorf("Fingerprint(%v) = %#x, want %#x", tc.typ, got, tc.want)
		}
	}
}

func TestFingerprintDeterministic(t *testing.T) {
	types := []reflect.Type{typeOf[ping](), typeOf[pong](), typeOf[node](), typeOf[map[*ping][]pong]()}
	first := map[reflect.Type]uint64{}
	for _, ty := range types {
		first[ty] = shape.Fingerprint(ty)
	}
	for i := len(types) - 1; i >= 0; i-- {
		if got := shape.Fingerprint(types[i]); got != first[types[i]] {
			t.Errorf("Fingerprint(%v) = %#x, then %#x", types[i], first[types[i]], got)
		}
	}
	// A type hashes the same inside another, whatever was hashed before it
	// in that other type.
	a := shape.Fingerprint(typeOf[struct {
		A pong
		B ping
	}]())
	b := shape.Fingerprint(typeOf[struct {
		A pong
		B ping2
	}]())
	if a != b {
		t.Errorf("ping after pong %#x, ping2 after pong %#x", a, b)
	}
}

func TestNamed(t *testing.T) {
	for _, tc := range []struct {
		typ  reflect.Type
		want bool
	}{
		{typeOf[time.Time](), true},
		{typeOf[big.Int](), true},
		{typeOf[level](), true},
		{typeOf[blob](), true},
		{typeOf[raw](), true},
		{typeOf[error](), true},
		{typeOf[stamped](), false},
		{typeOf[path](), false},
		{typeOf[*big.Int](), false},
		{typeOf[any](), false},
	} {
		if got := shape.Named(tc.typ); got != tc.want {
			t.Errorf("Named(%v) = %v, want %v", tc.typ, got, tc.want)
		}
	}
}

// The unexported fields exist for their types only.
var _ = []any{hidden{}.a, hidden2{}.a, hiddenOtherType{}.a}
