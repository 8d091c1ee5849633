package cachetoolz

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"

	"github.com/cachetoolz/cachetoolz/internal/canon"
)

// ErrUnsupportedArgument is returned when an argument has no stable
// identity to key a cache on: a function, a channel, an unsafe pointer, a
// context.Context, or a cyclic value.
var ErrUnsupportedArgument = canon.ErrUnsupported

// Function identifies a wrapped function to a KeyGenerator.
type Function struct {
	// Name is the function's identity: Options.Name, or its qualified name.
	Name string
	// Func is the wrapped function itself.
	Func any
}

// KeyGenerator derives the key of a call: the seed's keygen. It receives the
// wrap's Typed option, the function, and the call's arguments (without a
// leading context.Context). The namespace is kept apart from the key, so a
// key needs to be unique within its namespace only. The string returned is
// kept, uncopied, as the entry's key in the backend for as long as the call
// needs it: a generator that builds strings over memory of its own with
// package unsafe must not reuse that memory.
type KeyGenerator interface {
	Key(typed bool, fn Function, args []any) (string, error)
}

// KeyFunc adapts a function to the KeyGenerator interface.
type KeyFunc func(typed bool, fn Function, args []any) (string, error)

// Key returns f(typed, fn, args).
func (f KeyFunc) Key(typed bool, fn Function, args []any) (string, error) {
	return f(typed, fn, args)
}

// DefaultKey is the default key derivation, exposed so that custom key
// generators can build on it. The key is the hexadecimal form of the first
// 128 bits of a SHA-256 digest of the function's name and a canonical
// encoding of its arguments, the same in every process. Two calls of one
// function get the same key if and only if their arguments are pairwise
// equal under these rules:
//
//   - Numbers are equal when their values are: int(1), uint8(1), float64(1)
//     and complex(1, 0) are one argument, and so are uint64(1<<63) and
//     float64(1<<63). Negative zero is not zero (math.Signbit tells them
//     apart); every NaN is the same value, equal to no number; a complex
//     number whose imaginary part is +0 is its real part.
//   - Bools and strings are equal when their values are. A []byte or [N]byte
//     is a byte string, equal to byte strings of the same bytes only.
//   - A nil pointer, slice, map or interface is nil, equal to every nil and
//     to nothing else: not to an empty slice or map, nor to a pointer to a
//     zero value.
//   - Two non-nil pointers are equal when the values they point to are;
//     addresses never matter, and a pointer is not the value it points to.
//   - Other slices and arrays are equal when their elements are, in order;
//     maps when their entries pair off, key and value equal, in any order.
//   - Structs are equal when they have the same field names, in order, with
//     equal values; embedded and unexported fields count, blank ones do not.
//   - A type's own MarshalBinary method, or else its own MarshalText, stands
//     for its values: they are equal when the outputs are, binary to binary
//     and text to text. Methods promoted from an embedded field do not
//     count. A time.Time is its instant, zone name, zone offset and location
//     name (not its monotonic clock reading).
//   - Dynamic types do not count unless typed: then each argument and each
//     value held by an interface must also have the same dynamic type, told
//     by package path and name (types declared inside functions of one
//     package under one name are not told apart).
//
// A number, a bool, a string, a byte string, nil, a pointer, a list, a map,
// a struct, a method's output and a time.Time are never equal to a value
// of another of these kinds.
//
// It fails with an error wrapping ErrUnsupportedArgument for a function, a
// channel, an unsafe pointer, a context.Context or a cyclic value.
func DefaultKey(typed bool, fn Function, args []any) (string, error) {
	var err error
	buf := make([]byte, 0, 64)
	for _, a := range args {
		if buf, err = canon.Append(buf, a, typed); err != nil {
			return "", err
		}
	}
	return remoteKey(fn.Name, buf), nil
}

// remoteKey hashes a function name and encoded arguments into a backend key.
// Its input is written on the stack, unless it outgrows remoteKeyBuf: the
// key's string is its one allocation.
//
// A name ends at the NUL byte written after it. A name that holds a NUL
// itself could end early that way, so that its tail and the arguments read
// as another name's arguments: such a name is hashed instead in a second
// form, under its own domain and after its length, which no name of the
// first form can produce.
func remoteKey(name string, args []byte) string {
	const (
		domain      = "cachetoolz\x00"
		countDomain = "cachetoolz\x01"
	)
	var buf [remoteKeyBuf]byte
	var b []byte
	if strings.IndexByte(name, 0) < 0 {
		b = append(append(append(append(buf[:0], domain...), name...), 0), args...)
	} else {
		b = binary.AppendUvarint(append(buf[:0], countDomain...), uint64(len(name)))
		b = append(append(b, name...), args...)
	}
	sum := sha256.Sum256(b)
	var h [32]byte
	hex.Encode(h[:], sum[:16])
	return string(h[:])
}

// remoteKeyBuf is the stack buffer remoteKey hashes its input in.
const remoteKeyBuf = 160

// identity returns the name that identifies fn in its keys: name if set,
// or else fn's qualified name. The runtime names every instance of a
// generic function alike, pkg.F[...], and likewise the function literals in
// them and the method values of generic types: such a function must be
// given a name.
func identity(name string, fn any) (string, error) {
	if name != "" {
		return name, nil
	}
	name = funcName(fn)
	if strings.Contains(name, "[...]") {
		return "", fmt.Errorf("cachetoolz: cannot tell %s from other instances of the same generic function: set Options.Name", name)
	}
	return name, nil
}

// funcName returns the runtime's qualified name of fn, a func value.
func funcName(fn any) string {
	v := reflect.ValueOf(fn)
	if v.Kind() != reflect.Func || v.IsNil() {
		return ""
	}
	if f := runtime.FuncForPC(v.Pointer()); f != nil {
		return f.Name()
	}
	return ""
}

// funcIDs numbers function names within the process, so that in-memory keys
// carry four bytes instead of the whole name.
var funcIDs struct {
	sync.Mutex
	m map[string]uint32
}

func funcID(name string) uint32 {
	funcIDs.Lock()
	defer funcIDs.Unlock()
	id, ok := funcIDs.m[name]
	if !ok {
		if funcIDs.m == nil {
			funcIDs.m = make(map[string]uint32)
		}
		id = uint32(len(funcIDs.m))
		funcIDs.m[name] = id
	}
	return id
}

// checkArgs rejects, at wrap time, argument types that can never be keyed.
func checkArgs(types ...reflect.Type) error {
	for i, t := range types {
		if err := canon.Check(t); err != nil {
			return fmt.Errorf("cachetoolz: argument %d: %w", i+1, err)
		}
	}
	return nil
}
