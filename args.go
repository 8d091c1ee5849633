package cachetoolz

import (
	"reflect"
	"unsafe"

	"github.com/cachetoolz/cachetoolz/internal/canon"
)

// argInfo is what a wrapper knows about one argument's static type.
type argInfo struct {
	typed bool
	iface bool     // the static type is an interface: the dynamic type varies
	fast  fastKind // how appendArg encodes it without reflection
	tag   []byte   // the type tag written before the value when typed
}

// fastKind is a predeclared type that appendArg encodes by reading the
// argument's memory as that type, with no interface conversion or type
// switch on the path of every call.
type fastKind uint8

const (
	fastNone fastKind = iota
	fastInt
	fastInt64
	fastInt32
	fastUint
	fastUint64
	fastUint32
	fastString
	fastBool
	fastFloat64
	fastBytes
)

// fastKinds are the predeclared types appendArg encodes directly. A type
// defined on one of them (type userID int) is encoded in the same way
// when canon encodes it by its kind: when it has no MarshalBinary or
// MarshalText of its own (see fastKindOf).
var fastKinds = map[reflect.Type]fastKind{
	reflect.TypeFor[int]():     fastInt,
	reflect.TypeFor[int64]():   fastInt64,
	reflect.TypeFor[int32]():   fastInt32,
	reflect.TypeFor[uint]():    fastUint,
	reflect.TypeFor[uint64]():  fastUint64,
	reflect.TypeFor[uint32]():  fastUint32,
	reflect.TypeFor[string]():  fastString,
	reflect.TypeFor[bool]():    fastBool,
	reflect.TypeFor[float64](): fastFloat64,
	reflect.TypeFor[[]byte]():  fastBytes,
}

// fastKindOf returns how appendArg encodes values of t, fastNone if it
// cannot without reflection.
func fastKindOf(t reflect.Type) fastKind {
	if k, ok := fastKinds[t]; ok {
		return k
	}
	if t.Kind() == reflect.Interface || t.Name() == "" || !canon.ByKind(t) {
		return fastNone
	}
	// A defined type: encoded as the predeclared type of its kind in
	// fastKinds. A slice is a byte string only if its elements are
	// predeclared bytes: a defined element type may have methods.
	for p, k := range fastKinds {
		if p.Kind() == t.Kind() && (t.Kind() != reflect.Slice || t.Elem() == p.Elem()) {
			return k
		}
	}
	return fastNone
}

func newArgInfo(t reflect.Type, typed bool) argInfo {
	a := argInfo{typed: typed, iface: t.Kind() == reflect.Interface, fast: fastKindOf(t)}
	if typed && !a.iface {
		a.tag = canon.AppendType(nil, t)
	}
	return a
}

// appendArg appends the canonical encoding of a, exactly as canon.Append
// does for any(a), without allocating for the common scalar types.
func appendArg[A any](b []byte, a A, info *argInfo) ([]byte, error) {
	if info.fast == fastInt && len(info.tag) == 0 {
		// The commonest argument, encoded here rather than in a call.
		return canon.AppendInt(b, int64(*(*int)(unsafe.Pointer(&a)))), nil
	}
	if info.fast != fastNone {
		// A is the type info.fast names: newArgInfo was given A's type.
		if len(info.tag) > 0 {
			b = append(b, info.tag...)
		}
		return appendFast(b, unsafe.Pointer(&a), info.fast), nil
	}
	if info.iface && !info.typed {
		switch v := any(a).(type) {
		case int:
			return canon.AppendInt(b, int64(v)), nil
		case int64:
			return canon.AppendInt(b, v), nil
		case int32:
			return canon.AppendInt(b, int64(v)), nil
		case uint:
			return canon.AppendUint(b, uint64(v)), nil
		case uint64:
			return canon.AppendUint(b, v), nil
		case uint32:
			return canon.AppendUint(b, uint64(v)), nil
		case string:
			return canon.AppendString(b, v), nil
		case bool:
			return canon.AppendBool(b, v), nil
		case float64:
			return canon.AppendFloat(b, v), nil
		case []byte:
			return canon.AppendBytes(b, v), nil
		}
	}
	return appendSlow(b, a, info.typed)
}

// appendFast appends the encoding of the value of kind k at p.
func appendFast(b []byte, p unsafe.Pointer, k fastKind) []byte {
	switch k {
	case fastInt:
		return canon.AppendInt(b, int64(*(*int)(p)))
	case fastInt64:
		return canon.AppendInt(b, *(*int64)(p))
	case fastInt32:
		return canon.AppendInt(b, int64(*(*int32)(p)))
	case fastUint:
		return canon.AppendUint(b, uint64(*(*uint)(p)))
	case fastUint64:
		return canon.AppendUint(b, *(*uint64)(p))
	case fastUint32:
		return canon.AppendUint(b, uint64(*(*uint32)(p)))
	case fastString:
		return canon.AppendString(b, *(*string)(p))
	case fastBool:
		return canon.AppendBool(b, *(*bool)(p))
	case fastFloat64:
		return canon.AppendFloat(b, *(*float64)(p))
	default: // fastBytes
		return canon.AppendBytes(b, *(*[]byte)(p))
	}
}

// wordKind reports whether appendFast encodes arguments of kind k as a
// tag and an 8-byte word (see fastWord).
func wordKind(k fastKind) bool {
	return k >= fastInt && k <= fastUint32
}

// fastWord returns the tag and the word of what appendFast appends for the
// argument at p, of a kind that wordKind accepts.
func fastWord(p unsafe.Pointer, k fastKind) (byte, uint64) {
	switch k {
	case fastInt:
		return canon.IntWord(int64(*(*int)(p)))
	case fastInt64:
		return canon.IntWord(*(*int64)(p))
	case fastInt32:
		return canon.IntWord(int64(*(*int32)(p)))
	case fastUint:
		return canon.UintWord(uint64(*(*uint)(p)))
	case fastUint64:
		return canon.UintWord(*(*uint64)(p))
	default: // fastUint32
		return canon.UintWord(uint64(*(*uint32)(p)))
	}
}

// appendSlow encodes a through reflection. It is a function of its own so
// that only this path makes a escape to the heap.
func appendSlow[A any](b []byte, a A, typed bool) ([]byte, error) {
	enc, err := canon.AppendValue(nil, reflect.ValueOf(&a).Elem(), typed)
	if err != nil {
		return nil, err
	}
	return append(b, enc...), nil
}
