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

	"github.com/cachetoolz/cachetoolz/codec"
)

var _ codec.TypeChecker = codec.JSON

// Profile has a field that the encoding leaves out.
type Profile struct {
	Email  string
	secret string
}

type Account struct {
	ID      int
	Profile Profile
}

type deliberate struct {
	A       int
	skipped int `json:"-"`
	_       int
}

type withChan struct {
	Name    string
	Updates map[string]chan int
}

type ambiguousA struct{ X int }
type ambiguousB struct{ X string }

type ambiguous struct {
	ambiguousA
	ambiguousB
}

type repA struct{ X int }

type repB struct {
	repA
	Y int
}

// repeated embeds repA twice: the deeper copy is hidden by the other.
type repeated struct {
	repA
	repB
}

type hiddenEmbeddedPointer struct {
	*inner
	Name string
}

// sealed keeps its state unexported and encodes itself in binary.
type sealed struct {
	n    int
	name string
}

func (s sealed) MarshalBinary() ([]byte, error) {
	return append([]byte{byte(s.n)}, s.name...), nil
}

func (s *sealed) UnmarshalBinary(b []byte) error {
	if len(b) == 0 {
		return errors.New("empty")
	}
	s.n, s.name = int(b[0]), string(b[1:])
	return nil
}

type holdsAny struct {
	V   any
	Err error
}

type many struct {
	a, b, c, d, e, f, g int
	Ok                  bool
}

func TestCheckType(t *testing.T) {
	c := testCodec()
	for _, tc := range []struct {
		name        string
		typ         reflect.Type
		paths       []string // in the error; none: no error
		unsupported bool
	}{
		{"exported fields", reflect.TypeFor[User](), nil, false},
		{"pointer to exported fields", reflect.TypeFor[*[]map[string]User](), nil, false},
		{"recursive", reflect.TypeFor[Node](), nil, false},
		{"predeclared", reflect.TypeFor[complex128](), nil, false},
		{"unexported nested field", reflect.TypeFor[Account](), []string{"Account.Profile.secret", "export the fields of codec_test.Profile", "codec.Register[codec_test.Profile, R]"}, false},
		{"in a slice of pointers", reflect.TypeFor[[]*Account](), []string{"[]*codec_test.Account[].Profile.secret"}, false},
		{"as a map value", reflect.TypeFor[map[string]Profile](), []string{"map[string]codec_test.Profile[value].secret"}, false},
		{"as a map key", reflect.TypeFor[map[Profile]int](), []string{"[key].secret"}, false},
		{"unexported field with exported ones", reflect.TypeFor[Tagged](), []string{"Tagged.hidden"}, false},
		{"only unexported fields", reflect.TypeFor[OnlyHidden](), []string{"OnlyHidden.secret"}, true},
		{"fields left out on purpose", reflect.TypeFor[deliberate](), nil, false},
		{"shadowed field", reflect.TypeFor[Embedding](), []string{"Embedding.Base.ID", `JSON name "ID"`}, false},
		{"ambiguous fields", reflect.TypeFor[ambiguous](), []string{"ambiguous.ambiguousA.X", "ambiguous.ambiguousB.X"}, false},
		{"struct embedded twice", reflect.TypeFor[repeated](), []string{"repeated.repB.repA.X is not encoded"}, false},
		{"unexported embedded pointer", reflect.TypeFor[hiddenEmbeddedPointer](), []string{"hiddenEmbeddedPointer.inner"}, false},
		{"func field", reflect.TypeFor[withFunc](), []string{"withFunc.F is a func"}, true},
		{"chan in a map", reflect.TypeFor[withChan](), []string{"withChan.Updates[value] is a chan"}, true},
		{"func", reflect.TypeFor[func()](), []string{"func() is a func"}, true},
		{"many problems", reflect.TypeFor[many](), []string{"many.a", "many.e", "and 2 more"}, false},

		{"registered coder", reflect.TypeFor[Deque](), nil, false},
		{"registered coder in a struct", reflect.TypeFor[struct{ D []Deque }](), nil, false},
		{"text marshaler", reflect.TypeFor[Level](), nil, false},
		{"json marshaler", reflect.TypeFor[Raw](), nil, false},
		{"binary marshaler with unexported fields", reflect.TypeFor[sealed](), nil, false},
		{"promoted methods", reflect.TypeFor[Stamped](), nil, false},
		{"standard types", reflect.TypeFor[struct {
			T  time.Time
			B  *big.Int
			R  *big.Rat
			F  *big.Float
			A  netip.Addr
			P  netip.Prefix
			IP net.IP
			N  *net.IPNet
			U  *url.URL
			RE *regexp.Regexp
			D  time.Duration
		}](), nil, false},
		{"interfaces", reflect.TypeFor[holdsAny](), nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := c.CheckType(tc.typ)
			if len(tc.paths) == 0 {
				if err != nil {
					t.Fatalf("CheckType(%v) = %v, want nil", tc.typ, err)
				}
				return
			}
			if !errors.Is(err, codec.ErrIncomplete) {
				t.Fatalf("CheckType(%v) = %v, want ErrIncomplete", tc.typ, err)
			}
			if errors.Is(err, codec.ErrUnsupported) != tc.unsupported {
				t.Errorf("CheckType(%v) = %v: wraps ErrUnsupported %v, want %v", tc.typ, err, !tc.unsupported, tc.unsupported)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "cachetoolz: codec: ") || !strings.Contains(msg, tc.typ.String()) {
				t.Errorf("CheckType(%v) = %q: want the prefix and the type's name", tc.typ, msg)
			}
			for _, p := range tc.paths {
				if !strings.Contains(msg, p) {
					t.Errorf("CheckType(%v) = %q: want it to mention %q", tc.typ, msg, p)
				}
			}
			if again := c.CheckType(tc.typ); again == nil || again.Error() != msg {
				t.Errorf("CheckType(%v) again = %v", tc.typ, again)
			}
		})
	}
}

// TestCheckTypeHalfRegistered checks that a type with only an encoder or
// only a decoder registered is refused.
func TestCheckTypeHalfRegistered(t *testing.T) {
	r := codec.NewRegistry()
	must(codec.RegisterEncoder(r, func(d Deque) (dequeRepr, error) { return d.repr() }))
	c := codec.NewJSON(&codec.JSONOptions{Registry: r})
	err := c.CheckType(reflect.TypeFor[[]Deque]())
	if !errors.Is(err, codec.ErrIncomplete) || !errors.Is(err, codec.ErrUnsupported) || !strings.Contains(err.Error(), "codec.RegisterDecoder") {
		t.Errorf("CheckType = %v, want ErrIncomplete and ErrUnsupported naming RegisterDecoder", err)
	}
}

// TestCheckTypeMatchesRoundTrip checks that what CheckType trusts comes
// back whole, unexported state included.
func TestCheckTypeMatchesRoundTrip(t *testing.T) {
	in := []sealed{{7, "seven"}, {}}
	data, err := codec.JSON.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out []sealed
	if err := codec.JSON.Unmarshal(data, &out); err != nil || !reflect.DeepEqual(in, out) {
		t.Errorf("round trip of %v through %s = %v, %v", in, data, out, err)
	}
}

// TestMarshalInterfaceIncomplete checks that an interface value whose
// dynamic type would lose data is refused, not encoded without it.
func TestMarshalInterfaceIncomplete(t *testing.T) {
	r := codec.NewRegistry()
	must(codec.RegisterType[Tagged](r))
	must(codec.RegisterType[Point](r))
	c := codec.NewJSON(&codec.JSONOptions{Registry: r})
	_, err := c.Marshal(holdsAny{V: Tagged{Renamed: "r", hidden: 1}})
	if !errors.Is(err, codec.ErrIncomplete) || !strings.Contains(err.Error(), "Tagged.hidden") {
		t.Errorf("Marshal of an interface holding Tagged: %v, want ErrIncomplete naming Tagged.hidden", err)
	}
	if _, err := c.Marshal(holdsAny{V: []Point{{1, 2}}}); err != nil {
		t.Errorf("Marshal of an interface holding []Point: %v", err)
	}
}

// The unexported fields exist to be found by CheckType.
var _ = []any{Profile{}.secret, deliberate{}.skipped, many{}.a, many{}.b, many{}.c, many{}.d, many{}.e, many{}.f, many{}.g}
