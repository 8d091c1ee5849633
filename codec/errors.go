package codec

import (
	"errors"
	"fmt"
	"reflect"
)

// Sentinel errors. Errors returned by this package wrap them; check them
// with [errors.Is].
var (
	// ErrUnsupported reports a value that cannot be encoded or decoded:
	// funcs, channels, unsafe pointers, cyclic values, structs whose fields
	// are all unexported, interface values holding a type that is not
	// registered, and types that have a registered encoder but no decoder
	// (or the reverse).
	ErrUnsupported = errors.New("cachetoolz: codec: unsupported")

	// ErrInvalidData reports data that is not a valid encoding of the
	// target type: corrupt, truncated, or written for another type.
	ErrInvalidData = errors.New("cachetoolz: codec: invalid data")

	// ErrIncomplete reports a type whose values the codec cannot carry
	// whole: some of their data would be lost on the way, such as
	// unexported struct fields, which would come back zero. CheckType
	// returns it, and Marshal for an interface value holding such a type.
	ErrIncomplete = errors.New("cachetoolz: codec: incomplete")

	// ErrRegistered reports a second registration of the same encoder,
	// decoder or type name in one Registry.
	ErrRegistered = errors.New("cachetoolz: codec: already registered")
)

// unsupported returns an error wrapping ErrUnsupported about type t.
func unsupported(t reflect.Type, format string, args ...any) error {
	return fmt.Errorf("%w: %v: %s", ErrUnsupported, t, fmt.Sprintf(format, args...))
}
