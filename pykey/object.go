package pykey

import (
	"fmt"
	"math"
	"math/big"
	"reflect"
	"unicode/utf8"

	"github.com/cachetoolz/cachetoolz"
)

// Tuple is a Python tuple: its elements in order.
type Tuple []any

// Kwargs holds the keyword arguments of a call. It is accepted only as the
// last argument; a nil or empty Kwargs is a call without keyword arguments.
type Kwargs map[string]any

// maxDepth bounds the nesting of an argument, which also stops cycles.
const maxDepth = 500

// kind is the Python type of an object.
type kind uint8

const (
	kNone kind = iota
	kBool
	kInt
	kFloat
	kStr
	kBytes
	kTuple
	kList
	kDict
	numKinds
)

// typeNames are the names of the kinds' types in the builtins module.
var typeNames = [numKinds]string{"NoneType", "bool", "int", "float", "str", "bytes", "tuple", "list", "dict"}

// object is a Python value converted from a Go value.
type object struct {
	kind  kind
	b     bool     // kBool
	i     int64    // kInt when big is nil
	big   *big.Int // kInt outside the int64 range
	f     float64  // kFloat
	s     string   // kStr (UTF-8) and kBytes
	items []object // kTuple, kList; kDict: key, value, key, value… in key order
}

var (
	bigIntType = reflect.TypeFor[*big.Int]()
	tupleType  = reflect.TypeFor[Tuple]()
	kwargsType = reflect.TypeFor[Kwargs]()
)

// unsupportedError says why a value has no key; it wraps
// cachetoolz.ErrUnsupportedArgument.
type unsupportedError struct{ msg string }

func (e *unsupportedError) Error() string { return e.msg }
func (e *unsupportedError) Unwrap() error { return cachetoolz.ErrUnsupportedArgument }

// unsupported returns an error wrapping cachetoolz.ErrUnsupportedArgument.
func unsupported(format string, a ...any) error {
	return &unsupportedError{msg: fmt.Sprintf(format, a...)}
}

// convert returns the Python value of v.
func convert(v any) (object, error) {
	// The common types, without reflection.
	switch x := v.(type) {
	case nil:
		return object{kind: kNone}, nil
	case bool:
		return object{kind: kBool, b: x}, nil
	case int:
		return object{kind: kInt, i: int64(x)}, nil
	case int64:
		return object{kind: kInt, i: x}, nil
	case int32:
		return object{kind: kInt, i: int64(x)}, nil
	case float64:
		return object{kind: kFloat, f: x}, nil
	case string:
		return str(x)
	case []byte:
		return object{kind: kBytes, s: string(x)}, nil
	case *big.Int:
		return bigInt(x), nil
	}
	return convertValue(reflect.ValueOf(v), 0)
}

func str(s string) (object, error) {
	if !utf8.ValidString(s) {
		return object{}, unsupported("string %q is not valid UTF-8", s)
	}
	return object{kind: kStr, s: s}, nil
}

func bigInt(x *big.Int) object {
	if x == nil {
		return object{kind: kNone}
	}
	if x.IsInt64() {
		return object{kind: kInt, i: x.Int64()}
	}
	return object{kind: kInt, big: new(big.Int).Set(x)}
}

func convertValue(v reflect.Value, depth int) (object, error) {
	if depth > maxDepth {
		return object{}, unsupported("argument nested more than %d deep", maxDepth)
	}
	if !v.IsValid() {
		return object{kind: kNone}, nil
	}
	t := v.Type()
	if t == bigIntType {
		return bigInt(v.Interface().(*big.Int)), nil
	}
	if t == kwargsType {
		return object{}, unsupported("Kwargs must be the last argument")
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return object{kind: kNone}, nil
		}
		return convertValue(v.Elem(), depth+1)
	case reflect.Bool:
		return object{kind: kBool, b: v.Bool()}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return object{kind: kInt, i: v.Int()}, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := v.Uint()
		if u > math.MaxInt64 {
			return object{kind: kInt, big: new(big.Int).SetUint64(u)}, nil
		}
		return object{kind: kInt, i: int64(u)}, nil
	case reflect.Float32, reflect.Float64:
		return object{kind: kFloat, f: v.Float()}, nil
	case reflect.String:
		return str(v.String())
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return object{kind: kBytes, s: string(v.Bytes())}, nil
		}
		k := kList
		if t == tupleType {
			k = kTuple
		}
		return convertSeq(v, k, depth)
	case reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			b := make([]byte, v.Len())
			reflect.Copy(reflect.ValueOf(b), v)
			return object{kind: kBytes, s: string(b)}, nil
		}
		return convertSeq(v, kTuple, depth)
	case reflect.Map:
		return convertMap(v, depth)
	}
	return object{}, unsupported("%s has no Python value with a deterministic pickle", t)
}

func convertSeq(v reflect.Value, k kind, depth int) (object, error) {
	n := v.Len()
	o := object{kind: k, items: make([]object, n)}
	for i := range n {
		var err error
		if o.items[i], err = convertValue(v.Index(i), depth+1); err != nil {
			return object{}, err
		}
	}
	return o, nil
}

func convertMap(v reflect.Value, depth int) (object, error) {
	n := v.Len()
	keys := make([]object, 0, n)
	vals := make([]object, 0, n)
	for it := v.MapRange(); it.Next(); {
		k, err := convertValue(it.Key(), depth+1)
		if err != nil {
			return object{}, err
		}
		e, err := convertValue(it.Value(), depth+1)
		if err != nil {
			return object{}, err
		}
		keys = append(keys, k)
		vals = append(vals, e)
	}
	order, err := sortKeys(keys)
	if err != nil {
		return object{}, err
	}
	o := object{kind: kDict, items: make([]object, 0, 2*n)}
	for _, i := range order {
		o.items = append(o.items, keys[i], vals[i])
	}
	return o, nil
}
