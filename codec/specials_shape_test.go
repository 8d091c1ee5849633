package codec

import (
	"reflect"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz/internal/shape"
)

// TestShapeNamesSelfEncodingTypes checks that the fingerprint of package
// shape identifies by name every type this codec encodes by itself, so
// that the two agree on which types keep their contents to themselves.
func TestShapeNamesSelfEncodingTypes(t *testing.T) {
	for typ := range specials {
		if !shape.Named(typ) {
			t.Errorf("%v has a built-in encoding, but shape hashes its fields", typ)
		}
	}
	for _, typ := range []reflect.Type{
		reflect.TypeFor[time.Duration](), reflect.TypeFor[time.Month](),
	} {
		if shape.Named(typ) != (marshalKindOf(typ) != marshalNone) {
			t.Errorf("%v: shape.Named %v, marshaler %v", typ, shape.Named(typ), marshalKindOf(typ))
		}
	}
}
