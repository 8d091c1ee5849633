package codec_test

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/netip"
	"slices"
	"strconv"
	"time"

	"github.com/cachetoolz/cachetoolz/codec"
)

// Types of the tests.

// UUID is shaped like the common UUID packages' type.
type UUID [16]byte

// Path is a file system path, the Go form of pathlib.Path.
type Path string

type Point struct{ X, Y int }

type User struct {
	ID   int
	Name string
	Tags []string
}

type Tagged struct {
	Renamed  string   `json:"renamed"`
	Skipped  string   `json:"-"`
	Omitted  []int    `json:"omitted,omitempty"`
	Zeroable *int     `json:",omitzero"`
	Kept     []string `json:"kept,omitempty"`
	hidden   int
}

type Base struct {
	ID      int
	Created string
}

type Meta struct{ Note string }

type inner struct{ Promoted string }

type Embedding struct {
	Base
	*Meta
	inner
	Name string
	ID   string `json:"ID"` // shadows Base.ID by depth
}

// Node is recursive.
type Node struct {
	Value int
	Next  *Node
	Kids  []Node
}

// OnlyHidden has nothing to encode.
type OnlyHidden struct{ secret int }

// Deque stands for a type with its own registered coder, like the seed's
// DequeCoder example.
type Deque struct {
	items  []int
	maxLen int
}

type dequeRepr struct {
	Items  []int `json:"iterable"`
	MaxLen int   `json:"maxlen"`
}

func (d Deque) repr() (dequeRepr, error) { return dequeRepr{d.items, d.maxLen}, nil }

func dequeFrom(r dequeRepr) (Deque, error) { return Deque{r.Items, r.MaxLen}, nil }

// Level implements encoding.TextMarshaler and TextUnmarshaler.
type Level int

var levelNames = []string{"low", "high"}

func (l Level) MarshalText() ([]byte, error) {
	if l < 0 || int(l) >= len(levelNames) {
		return nil, fmt.Errorf("bad level %d", int(l))
	}
	return []byte(levelNames[l]), nil
}

func (l *Level) UnmarshalText(b []byte) error {
	i := slices.Index(levelNames, string(b))
	if i < 0 {
		return fmt.Errorf("bad level %q", b)
	}
	*l = Level(i)
	return nil
}

// Raw implements json.Marshaler and json.Unmarshaler.
type Raw struct{ Text string }

func (r Raw) MarshalJSON() ([]byte, error) {
	return []byte(`{"raw": ` + strconv.Quote(r.Text) + `}`), nil
}

func (r *Raw) UnmarshalJSON(b []byte) error {
	var v struct{ Raw string }
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	r.Text = v.Raw
	return nil
}

// testRegistry is a registry with the test types registered.
func testRegistry() *codec.Registry {
	r := codec.NewRegistry()
	must(codec.Register(r, Deque.repr, dequeFrom))
	must(codec.RegisterType[Point](r))
	must(codec.RegisterType[UUID](r))
	return r
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// Stamped embeds types with encodings of their own, whose methods it gets
// by promotion.
type Stamped struct {
	time.Time
	*big.Int
	netip.Addr
	Value int
}
