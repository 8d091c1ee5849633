package canon

import (
	"context"
	"encoding"
	"reflect"
	"sync"

	"github.com/cachetoolz/cachetoolz/internal/methods"
)

var (
	binaryType  = reflect.TypeFor[encoding.BinaryMarshaler]()
	textType    = reflect.TypeFor[encoding.TextMarshaler]()
	contextType = reflect.TypeFor[context.Context]()
)

// typeInfo is what the encoder needs to know about a type's methods.
type typeInfo struct {
	// marshal is tagBinary or tagText if the type's own MarshalBinary or
	// MarshalText stands for its values, or 0.
	marshal byte
	// ptr reports that that method has a pointer receiver.
	ptr bool
	// context reports that the type is a context.Context (or its pointer
	// is): a value that has no stable identity.
	context bool
}

// special reports that values of the type are not encoded by their kind.
func (ti *typeInfo) special() bool { return ti.context || ti.marshal != 0 }

var infos sync.Map // reflect.Type → *typeInfo

// infoOf returns what t's methods mean for its encoding.
func infoOf(t reflect.Type) *typeInfo {
	if i, ok := infos.Load(t); ok {
		if ti, ok := i.(*typeInfo); ok {
			return ti
		}
	}
	ti := &typeInfo{context: isContext(t)}
	switch {
	case methods.Own(t, binaryType):
		ti.marshal, ti.ptr = tagBinary, !t.Implements(binaryType)
	case methods.Own(t, textType):
		ti.marshal, ti.ptr = tagText, !t.Implements(textType)
	}
	infos.Store(t, ti)
	return ti
}

// ByKind reports that values of t are encoded by their kind alone, as
// values of the predeclared type of that kind are: t has no MarshalBinary
// or MarshalText of its own that stands for them, and is no
// context.Context. (Typed, the type's name is written before them all the
// same.)
func ByKind(t reflect.Type) bool { return !infoOf(t).special() }

func isContext(t reflect.Type) bool {
	return t.Implements(contextType) ||
		(t.Kind() != reflect.Interface && reflect.PointerTo(t).Implements(contextType))
}
