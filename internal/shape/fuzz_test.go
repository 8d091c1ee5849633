package shape_test

import (
	"reflect"
	"testing"

	"github.com/cachetoolz/cachetoolz/internal/shape"
)

// leaves are the types a fuzzed struct is built from.
var leaves = []reflect.Type{
	reflect.TypeFor[int](), reflect.TypeFor[int64](), reflect.TypeFor[string](),
	reflect.TypeFor[[]byte](), reflect.TypeFor[*float64](), reflect.TypeFor[map[string]bool](),
	reflect.TypeFor[[2]uint8](), reflect.TypeFor[any](), reflect.TypeFor[level](), reflect.TypeFor[node](),
}

var tags = []reflect.StructTag{``, `json:"x"`, `json:",omitempty"`, `json:"y,omitzero"`}

// buildStruct makes a struct type from spec, three bytes per field: the
// field name, its type among leaves (wrapped in a slice when the high bit
// is set) and its tag. It also returns the fields, so that a caller can
// change one.
func buildStruct(spec []byte) []reflect.StructField {
	var fields []reflect.StructField
	seen := map[string]bool{}
	for i := 0; i+2 < len(spec) && len(fields) < 8; i += 3 {
		name := string(rune('A' + spec[i]%26))
		if seen[name] {
			continue
		}
		seen[name] = true
		typ := leaves[int(spec[i+1]&0x7f)%len(leaves)]
		if spec[i+1]&0x80 != 0 {
			typ = reflect.SliceOf(typ)
		}
		fields = append(fields, reflect.StructField{Name: name, Type: typ, Tag: tags[int(spec[i+2])%len(tags)]})
	}
	return fields
}

// FuzzFingerprint checks, on struct types built from the input, that the
// fingerprint is deterministic, and that changing the name the codec
// writes for a field, or a field's type, changes it.
func FuzzFingerprint(f *testing.F) {
	f.Add([]byte{0, 0, 0})
	f.Add([]byte{1, 2, 1, 2, 0x89, 2, 3, 7, 3})
	f.Add([]byte{25, 9, 0, 24, 8, 2})
	f.Fuzz(func(t *testing.T, spec []byte) {
		fields := buildStruct(spec)
		if len(fields) == 0 {
			return
		}
		typ := reflect.StructOf(fields)
		fp := shape.Fingerprint(typ)
		if again := shape.Fingerprint(reflect.StructOf(buildStruct(spec))); again != fp {
			t.Fatalf("%v: %#x, then %#x", typ, fp, again)
		}
		last := len(fields) - 1
		renamed := append([]reflect.StructField(nil), fields...)
		renamed[last].Name = "Zz"
		renamed[last].Tag = ""
		if shape.Fingerprint(reflect.StructOf(renamed)) == fp {
			t.Errorf("%v and %v have the same fingerprint", typ, reflect.StructOf(renamed))
		}
		retyped := append([]reflect.StructField(nil), fields...)
		retyped[last].Type = reflect.ArrayOf(3, fields[last].Type)
		if shape.Fingerprint(reflect.StructOf(retyped)) == fp {
			t.Errorf("%v and %v have the same fingerprint", typ, reflect.StructOf(retyped))
		}
	})
}
