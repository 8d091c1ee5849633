package cachetoolz

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"runtime"
	"sync"

	"github.com/cachetoolz/cachetoolz/internal/canon"
)

// ErrUnsupportedArgument is returned when an argument has no stable
// identity to key a cache on: a function, a channel or an unsafe pointer,
// or a value nested deeper than 64 levels.
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
// key needs to be unique within its namespace only.
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
// 128 bits of a SHA-256 digest of the function's name and the canonical
// encoding of its arguments. That encoding follows pointers (never printing
// addresses), sorts map entries, encodes numbers by value (so that int(1) and
// float64(1) agree, unless typed) and gives the same bytes for the same
// arguments in every process. It fails with ErrUnsupportedArgument for
// functions, channels and unsafe pointers.
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
func remoteKey(name string, args []byte) string {
	const domain = "cachetoolz\x00"
	b := make([]byte, 0, len(domain)+len(name)+1+len(args))
	b = append(append(append(append(b, domain...), name...), 0), args...)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
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
