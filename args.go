package cachetoolz

import (
	"reflect"

	"github.com/cachetoolz/cachetoolz/internal/canon"
)

// argInfo is what a wrapper knows about one argument's static type.
type argInfo struct {
	typed bool
	iface bool   // the static type is an interface: the dynamic type varies
	tag   []byte // the type tag written before the value when typed
}

func newArgInfo(t reflect.Type, typed bool) argInfo {
	a := argInfo{typed: typed, iface: t.Kind() == reflect.Interface}
	if typed && !a.iface {
		a.tag = canon.AppendType(nil, t)
	}
	return a
}

// appendArg appends the canonical encoding of a, exactly as canon.Append
// does for any(a), without allocating for the common scalar types.
func appendArg[A any](b []byte, a A, info *argInfo) ([]byte, error) {
	if !info.iface || !info.typed {
		n := len(b)
		if len(info.tag) > 0 {
			b = append(b, info.tag...)
		}
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
		b = b[:n]
	}
	return appendSlow(b, a, info.typed)
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
