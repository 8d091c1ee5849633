package codec_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/cachetoolz/cachetoolz/codec"
)

// Types whose round trips once lost a non-nil pointer or told nil from
// empty apart wrongly.

type embedsOmitted struct {
	*OmitInner
	C int
}

// OmitInner has only fields that are left out when zero.
type OmitInner struct {
	A int            `json:",omitempty"`
	B []int          `json:",omitempty"`
	M map[string]int `json:",omitempty"`
}

// NoFields is a struct with nothing to encode.
type NoFields struct{}

type embedsEmpty struct {
	*NoFields
	X int
}

type embedsTwo struct {
	*OmitInner
	*Meta
}

type middle struct{ *OmitInner }

type embedsThroughValue struct {
	middle
	Z int
}

type pointersToZero struct {
	I  *int            `json:",omitempty"`
	S  *OmitInner      `json:",omitempty"`
	E  *struct{}       `json:",omitempty"`
	Sl []int           `json:",omitempty"`
	Mp map[string]bool `json:",omitempty"`
	N  []int
	NM map[int]int
	PP **int `json:",omitempty"`
}

// TestRoundTripExactPointers checks that a non-nil pointer comes back
// non-nil, and nil comes back nil, wherever it sits in a struct.
func TestRoundTripExactPointers(t *testing.T) {
	zero := 0
	pz := &zero
	for _, tc := range []rtCase{
		rt("embedded pointer, fields omitted", embedsOmitted{OmitInner: &OmitInner{}}, `{"OmitInner":{},"C":0}`),
		rt("embedded pointer, nil", embedsOmitted{}, `{"OmitInner":null,"C":0}`),
		rt("embedded pointer, empty non-nil slice", embedsOmitted{OmitInner: &OmitInner{B: []int{}, M: map[string]int{}}}, ""),
		rt("embedded pointer to struct without fields", embedsEmpty{NoFields: &NoFields{}}, `{"NoFields":{},"X":0}`),
		rt("embedded pointer to struct without fields, nil", embedsEmpty{}, `{"NoFields":null,"X":0}`),
		rt("two embedded pointers", embedsTwo{&OmitInner{}, &Meta{}}, ""),
		rt("embedded pointer through a value", embedsThroughValue{middle: middle{&OmitInner{}}}, `{"OmitInner":{},"Z":0}`),
		rt("pointers to zero values", pointersToZero{I: &zero, S: &OmitInner{}, E: &struct{}{}, Sl: []int{}, Mp: map[string]bool{}, N: []int{}, NM: map[int]int{}, PP: &pz}, ""),
		rt("pointers nil", pointersToZero{}, `{"N":null,"NM":null}`),
		rt("pointer to nil pointer", pointersToZero{PP: new(*int)}, `{"N":null,"NM":null,"PP":[null]}`),
		rt("any holding a typed nil in a struct", struct{ V any }{(*int)(nil)}, `{"V":["*int",null]}`),
		rt("any holding an empty slice", struct{ V any }{[]int{}}, `{"V":["[]int",[]]}`),
	} {
		t.Run(tc.name, func(t *testing.T) { checkRoundTrip(t, codec.JSON, tc) })
	}
	var out embedsOmitted
	data, _ := codec.JSON.Marshal(embedsOmitted{OmitInner: &OmitInner{}})
	if err := codec.JSON.Unmarshal(data, &out); err != nil || out.OmitInner == nil {
		t.Fatalf("decoded %s into %+v, %v: the embedded pointer is nil", data, out, err)
	}
	_ = out.A // would panic with a nil embedded pointer
}

// A negative zero is not the zero value an omitempty field leaves out:
// omitting it brought back a positive zero.
func TestRoundTripOmittedNegativeZero(t *testing.T) {
	type floats struct {
		F  float64             `json:",omitempty"`
		G  float32             `json:",omitzero"`
		C  complex128          `json:",omitempty"`
		A  [2]float64          `json:",omitempty"`
		In struct{ X float64 } `json:",omitzero"`
	}
	negZero := math.Copysign(0, -1)
	in := floats{F: negZero, G: float32(negZero), C: complex(0, negZero), A: [2]float64{0, negZero}}
	in.In.X = negZero
	data, err := codec.JSON.Marshal(&in)
	if err != nil {
		t.Fatal(err)
	}
	var out floats
	if err := codec.JSON.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	if !math.Signbit(out.F) || !math.Signbit(float64(out.G)) || !math.Signbit(imag(out.C)) || !math.Signbit(out.A[1]) || !math.Signbit(out.In.X) {
		t.Fatalf("%s decoded to %+v: a negative zero came back positive", data, out)
	}
}

// nullString writes null for a value that is not valid, as database
// nullable types do.
type nullString struct {
	S     string
	Valid bool
}

func (n nullString) MarshalJSON() ([]byte, error) {
	if !n.Valid {
		return []byte("null"), nil
	}
	return json.Marshal(n.S)
}

func (n *nullString) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = nullString{}
		return nil
	}
	n.Valid = true
	return json.Unmarshal(b, &n.S)
}

// ints is registered with a representation that may be nil.
type ints struct{ N []int }

// A non-nil pointer to a value written as null (by its own MarshalJSON,
// or a registered coder) is refused: it came back a nil pointer.
func TestMarshalPointerToNull(t *testing.T) {
	r := codec.NewRegistry()
	if err := codec.Register(r, func(v ints) ([]int, error) { return v.N, nil }, func(n []int) (ints, error) { return ints{n}, nil }); err != nil {
		t.Fatal(err)
	}
	if err := codec.RegisterType[nullString](r); err != nil {
		t.Fatal(err)
	}
	c := codec.NewJSON(&codec.JSONOptions{Registry: r})
	for _, v := range []any{
		&struct{ P *nullString }{P: &nullString{}},
		&[]*nullString{{}},
		ptr(any(&nullString{})),
		&struct{ P *ints }{P: &ints{}},
	} {
		if data, err := c.Marshal(v); !errors.Is(err, codec.ErrUnsupported) {
			t.Errorf("Marshal(%T) = %s, %v; want an error wrapping ErrUnsupported", v, data, err)
		}
	}
	for _, v := range []any{
		&struct{ P *nullString }{P: &nullString{S: "a", Valid: true}},
		&struct{ P *nullString }{},
		&nullString{},
		ptr(any(nullString{})),
		&struct{ P *ints }{P: &ints{N: []int{}}},
	} {
		if _, err := c.Marshal(v); err != nil {
			t.Errorf("Marshal(%T): %v", v, err)
		}
	}
}
