package codec_test

import (
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
