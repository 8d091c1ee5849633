package codec_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/cachetoolz/cachetoolz/codec"
)

// The benchmarks compare codec.JSON with encoding/json on the same small
// struct, in the same run.

var benchUser = User{ID: 12345, Name: "Ada Lovelace", Tags: []string{"admin", "math", "poet"}}

func BenchmarkMarshal(b *testing.B) {
	b.Run("codec=cachetoolz", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := codec.JSON.Marshal(&benchUser); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("codec=encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(&benchUser); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkUnmarshal(b *testing.B) {
	data, err := codec.JSON.Marshal(&benchUser)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("codec=cachetoolz", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var u User
			if err := codec.JSON.Unmarshal(data, &u); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("codec=encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var u User
			if err := json.Unmarshal(data, &u); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkMarshalMixed encodes a value with the types encoding/json cannot
// round-trip, for a figure beyond the simple struct.
func BenchmarkMarshalMixed(b *testing.B) {
	v := map[Point][]any{{1, 2}: {1, "x", 2.5, nil}, {3, 4}: {true}}
	c := testCodec()
	data, err := c.Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("op=marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Marshal(v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("op=unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out map[Point][]any
			if err := c.Unmarshal(data, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestMarshalAllocs pins the allocations of Marshal for values without
// maps (which allocate to sort their keys): the returned slice only,
// whatever the strings hold.
func TestMarshalAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("counts allocations")
	}
	for _, v := range []any{&benchUser, ptr("héllo \xff 世界"), &[]float64{1.5, math.NaN()}, &[2]Point{}} {
		if n := testing.AllocsPerRun(100, func() {
			if _, err := codec.JSON.Marshal(v); err != nil {
				t.Fatal(err)
			}
		}); n != 1 {
			t.Errorf("Marshal(%T) allocates %v times", v, n)
		}
	}
}

// BenchmarkPython compares codec.Python with codec.JSON on the same small
// struct, in the same run.
func BenchmarkPython(b *testing.B) {
	for _, c := range []struct {
		name string
		c    codec.Codec
	}{{"codec=python", codec.Python}, {"codec=json", codec.JSON}} {
		data, err := c.c.Marshal(&benchUser)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("op=marshal/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.c.Marshal(&benchUser); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("op=unmarshal/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var u User
				if err := c.c.Unmarshal(data, &u); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
