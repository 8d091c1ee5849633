package codec_test

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/cachetoolz/cachetoolz/codec"
)

// A round trip through the default codec: map keys that are not strings,
// sets, times with their zones, byte slices and strings holding any bytes
// all come back exactly.
func ExampleJSONCodec() {
	type Visit struct {
		At    time.Time
		From  netip.Addr
		Pages map[[2]int]string
		Tags  map[string]struct{}
		Raw   []byte
		Note  string
	}
	tokyo := time.FixedZone("JST", 9*3600)
	in := Visit{
		At:    time.Date(2024, 5, 1, 9, 30, 0, 0, tokyo),
		From:  netip.MustParseAddr("2001:db8::1"),
		Pages: map[[2]int]string{{1, 2}: "intro"},
		Tags:  map[string]struct{}{"new": {}},
		Raw:   []byte{0x89, 'P', 'N', 'G'},
		Note:  "not UTF-8: \xff",
	}
	data, err := codec.JSON.Marshal(in)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(data))

	var out Visit
	if err := codec.JSON.Unmarshal(data, &out); err != nil {
		panic(err)
	}
	fmt.Println(out.At, out.At.Location())
	fmt.Println(out.Pages[[2]int{1, 2}], out.Note == in.Note, out.Raw)
	// Output:
	// {"At":"2024-05-01T09:30:00+09:00 (JST)","From":"2001:db8::1","Pages":[[[1,2],"intro"]],"Tags":["new"],"Raw":"iVBORw==","Note":"not UTF-8: \udcff"}
	// 2024-05-01 09:30:00 +0900 JST JST
	// intro true [137 80 78 71]
}

// Ring is a type whose fields are unexported, so the codec cannot see
// them: it needs a registered coder, like the seed's DequeCoder.
type Ring struct {
	items []string
	size  int
}

// ringState is the representation a Ring is encoded through.
type ringState struct {
	Items []string `json:"iterable"`
	Size  int      `json:"maxlen"`
}

// Register a coder: the encoder returns a representation, which the codec
// encodes like any other value, and the decoder receives it back exactly.
func ExampleRegister() {
	r := codec.NewRegistry() // or nil, for codec.DefaultRegistry
	err := codec.Register(r,
		func(q Ring) (ringState, error) { return ringState{q.items, q.size}, nil },
		func(s ringState) (Ring, error) {
			if len(s.Items) > s.Size {
				return Ring{}, errors.New("ring overflows")
			}
			return Ring{s.Items, s.Size}, nil
		})
	if err != nil {
		panic(err)
	}
	c := codec.NewJSON(&codec.JSONOptions{Registry: r})

	// The coder applies wherever the type appears.
	data, err := c.Marshal(map[string]Ring{"recent": {[]string{"a", "b"}, 3}})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(data))
	var out map[string]Ring
	if err := c.Unmarshal(data, &out); err != nil {
		panic(err)
	}
	fmt.Println(out["recent"].items, out["recent"].size)

	// Registering the type again is refused; the first coder stays.
	err = codec.Register(r,
		func(q Ring) (ringState, error) { return ringState{}, nil },
		func(s ringState) (Ring, error) { return Ring{}, nil })
	fmt.Println(errors.Is(err, codec.ErrRegistered))
	// Output:
	// {"recent":{"iterable":["a","b"],"maxlen":3}}
	// [a b] 3
	// true
}

// The encoder and the decoder of a type can be registered on their own,
// for instance in different packages; they must agree on the
// representation type.
func ExampleRegisterEncoder() {
	r := codec.NewRegistry()
	c := codec.NewJSON(&codec.JSONOptions{Registry: r})
	type Celsius struct{ deci int }

	err := codec.RegisterEncoder(r, func(t Celsius) (string, error) {
		return fmt.Sprintf("%d.%d°C", t.deci/10, t.deci%10), nil
	})
	if err != nil {
		panic(err)
	}
	data, _ := c.Marshal(Celsius{215})
	fmt.Println(string(data))

	var t Celsius
	err = c.Unmarshal(data, &t)
	fmt.Println(errors.Is(err, codec.ErrUnsupported)) // no decoder yet

	err = codec.RegisterDecoder(r, func(s string) (Celsius, error) {
		var whole, tenth int
		_, err := fmt.Sscanf(s, "%d.%d°C", &whole, &tenth)
		return Celsius{whole*10 + tenth}, err
	})
	if err != nil {
		panic(err)
	}
	err = c.Unmarshal(data, &t)
	fmt.Println(t.deci, err)
	// Output:
	// "21.5°C"
	// true
	// 215 <nil>
}

// Interface values carry the name of their dynamic type; named types of
// your own must be registered so that the decoder can find them.
func ExampleRegisterType() {
	type Money struct {
		Cents    int64
		Currency string
	}
	r := codec.NewRegistry()
	if err := codec.RegisterType[Money](r); err != nil {
		panic(err)
	}
	c := codec.NewJSON(&codec.JSONOptions{Registry: r})

	in := map[string]any{"total": Money{1250, "EUR"}, "count": 3}
	data, err := c.Marshal(in)
	if err != nil {
		panic(err)
	}
	var out map[string]any
	if err := c.Unmarshal(data, &out); err != nil {
		panic(err)
	}
	fmt.Printf("%T %v\n", out["count"], out["count"])
	fmt.Printf("%+v\n", out["total"])
	// Output:
	// int 3
	// {Cents:1250 Currency:EUR}
}
