package memstore

import (
	"reflect"
	"testing"
)

type wide struct {
	A, B int
	S    string
	T    []string
}

// TestTypedStoresValuesWithTheirEntries checks that a value stored through
// Typed reads back as the value itself, of its own type, for every kind of
// type, and that a value too large for an interface value costs no
// allocation of its own.
func TestTypedStoresValuesWithTheirEntries(t *testing.T) {
	s := newStore(t, Config{MaxEntries: 100})
	n := s.Namespace("n")
	w := wide{A: 1, B: 2, S: "s", T: []string{"x"}}
	NewTyped[wide]().Set(s, n, "wide", w, 0, n.Generation())
	NewTyped[int]().Set(s, n, "int", 1234567, 0, n.Generation())
	NewTyped[error]().Set(s, n, "iface", errWide, 0, n.Generation())
	NewTyped[[3]int]().Set(s, n, "array", [3]int{1, 2, 3}, 0, n.Generation())
	for k, want := range map[string]any{"wide": w, "int": 1234567, "iface": errWide, "array": [3]int{1, 2, 3}} {
		got, _, ok := n.GetString(k)
		if !ok || !reflect.DeepEqual(got, want) || reflect.TypeOf(got) != reflect.TypeOf(want) {
			t.Errorf("%s: got %#v (%T), %v; want %#v", k, got, got, ok, want)
		}
	}
	if got, _, _ := n.GetString("wide"); got.(wide).T[0] != "x" {
		t.Fatalf("wide value read back as %#v", got)
	}
	typed := NewTyped[wide]()
	i := 0
	keys := make([]string, 200)
	for j := range keys {
		keys[j] = string(rune('a'+j%26)) + string(rune('a'+j/26))
	}
	viaTyped := testing.AllocsPerRun(100, func() {
		typed.Set(s, n, keys[i%len(keys)], w, 0, n.Generation())
		i++
	})
	boxed := testing.AllocsPerRun(100, func() {
		s.SetString(n, keys[i%len(keys)], w, 0, n.Generation())
		i++
	})
	if viaTyped >= boxed {
		t.Fatalf("Typed.Set makes %v allocations, SetString %v: want fewer", viaTyped, boxed)
	}
}

type wideErr struct{}

func (wideErr) Error() string { return "wide" }

var errWide error = wideErr{}

// TestTypedPointer checks that Pointer finds a value that Set stored with
// its entry (or any value of its type), and nothing in a value of another
// type or through a Typed that stores values as they are.
func TestTypedPointer(t *testing.T) {
	s := newStore(t, Config{MaxEntries: 100})
	n := s.Namespace("n")
	typed := NewTyped[wide]()
	if !typed.Inline() || NewTyped[int]().Inline() || NewTyped[error]().Inline() {
		t.Fatal("Inline: want true for a wide struct only")
	}
	w := wide{A: 1, S: "s", T: []string{"x"}}
	typed.Set(s, n, "k", w, 0, n.Generation())
	v, _, ok := n.GetString("k")
	if !ok {
		t.Fatal("miss")
	}
	if p := typed.Pointer(v); p == nil || !reflect.DeepEqual(*p, w) {
		t.Fatalf("Pointer = %v, want a pointer to %#v", p, w)
	}
	if p := typed.Pointer(any(w)); p == nil || !reflect.DeepEqual(*p, w) {
		t.Fatalf("Pointer of a boxed wide = %v, want a pointer to it", p)
	}
	if p := NewTyped[wide]().Pointer(any(3)); p != nil {
		t.Fatal("Pointer found a wide in an int")
	}
	if p := NewTyped[int]().Pointer(any(3)); p != nil {
		t.Fatal("Pointer found a value through a Typed that is not Inline")
	}
}
