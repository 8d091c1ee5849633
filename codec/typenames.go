package codec

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net"
	"net/netip"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Interface values carry the name of their dynamic type. Names follow Go's
// own spelling with full package paths: "int", "string", "[]uint8",
// "map[string]any", "*math/big.Int", "time.Time",
// "example.com/shop.Order". The decoder resolves a name through the
// predeclared types, the standard library types below, and the types of
// the registry; pointer, slice, array and map types are built from those.

// qualifiedName is the name of a named type with its full package path.
func qualifiedName(t reflect.Type) string { return t.PkgPath() + "." + t.Name() }

// predeclared maps the names of Go's predeclared types to them.
var predeclared = map[string]reflect.Type{}

// builtinNamed maps the qualified names of the standard library types this
// package knows to them.
var builtinNamed = map[string]reflect.Type{}

func init() {
	for _, t := range []reflect.Type{
		reflect.TypeFor[bool](), reflect.TypeFor[string](), reflect.TypeFor[error](),
		reflect.TypeFor[int](), reflect.TypeFor[int8](), reflect.TypeFor[int16](),
		reflect.TypeFor[int32](), reflect.TypeFor[int64](),
		reflect.TypeFor[uint](), reflect.TypeFor[uint8](), reflect.TypeFor[uint16](),
		reflect.TypeFor[uint32](), reflect.TypeFor[uint64](), reflect.TypeFor[uintptr](),
		reflect.TypeFor[float32](), reflect.TypeFor[float64](),
		reflect.TypeFor[complex64](), reflect.TypeFor[complex128](),
	} {
		predeclared[t.Name()] = t
	}
	predeclared["any"] = reflect.TypeFor[any]()
	for _, t := range []reflect.Type{
		reflect.TypeFor[time.Time](), reflect.TypeFor[time.Duration](),
		reflect.TypeFor[time.Month](), reflect.TypeFor[time.Weekday](),
		reflect.TypeFor[big.Int](), reflect.TypeFor[big.Rat](), reflect.TypeFor[big.Float](),
		reflect.TypeFor[regexp.Regexp](),
		reflect.TypeFor[url.URL](), reflect.TypeFor[url.Userinfo](), reflect.TypeFor[url.Values](),
		reflect.TypeFor[net.IP](), reflect.TypeFor[net.IPNet](), reflect.TypeFor[net.IPMask](),
		reflect.TypeFor[net.HardwareAddr](),
		reflect.TypeFor[netip.Addr](), reflect.TypeFor[netip.Prefix](), reflect.TypeFor[netip.AddrPort](),
		reflect.TypeFor[json.RawMessage](), reflect.TypeFor[json.Number](),
	} {
		builtinNamed[qualifiedName(t)] = t
	}
}

// Limits on type names read from data.
const (
	maxTypeNameDepth   = 32
	maxArrayTypeBytes  = 1 << 20
	maxCachedTypeNames = 4096
)

type typeNameResult struct {
	name string
	err  error
}

// typeName returns the name under which interface values of dynamic type t
// are written, or an error if the decoder could not resolve it.
func (st *state) typeName(t reflect.Type) (string, error) {
	if r, ok := st.names.Load(t); ok {
		r := r.(typeNameResult)
		return r.name, r.err
	}
	name, err := st.buildTypeName(t)
	if err == nil {
		if back, perr := st.typeByName(name); perr != nil || back != t {
			err = unsupported(t, "its name %q does not resolve to it", name)
		}
	}
	if err == nil {
		// CheckType cannot see the values an interface holds: they are
		// checked here, once per dynamic type.
		err = st.checkType(t)
	}
	st.names.Store(t, typeNameResult{name, err})
	return name, err
}

func (st *state) buildTypeName(t reflect.Type) (string, error) {
	if t.Name() != "" {
		if t.PkgPath() == "" {
			return t.Name(), nil
		}
		n := qualifiedName(t)
		if builtinNamed[n] == t || st.named[n] == t {
			return n, nil
		}
		return "", unsupported(t, "an interface value holds it: register it with codec.RegisterType[%v]", t)
	}
	var prefix string
	switch t.Kind() {
	case reflect.Pointer:
		prefix = "*"
	case reflect.Slice:
		prefix = "[]"
	case reflect.Array:
		prefix = "[" + strconv.Itoa(t.Len()) + "]"
	case reflect.Map:
		k, err := st.buildTypeName(t.Key())
		if err != nil {
			return "", err
		}
		prefix = "map[" + k + "]"
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return "any", nil
		}
		fallthrough
	default:
		return "", unsupported(t, "an interface value holds an unnamed %v type, which cannot be named", t.Kind())
	}
	elem, err := st.buildTypeName(t.Elem())
	return prefix + elem, err
}

// typeByName resolves a type name read from data.
func (st *state) typeByName(name string) (reflect.Type, error) {
	if t, ok := st.types.Load(name); ok {
		return t.(reflect.Type), nil
	}
	t, rest, err := st.parseType(name, 0)
	if err == nil && rest != "" {
		err = fmt.Errorf("unexpected %q", rest)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: type name %q: %w", ErrInvalidData, name, err)
	}
	if st.typesN.Add(1) <= maxCachedTypeNames {
		st.types.Store(name, t)
	}
	return t, nil
}

// parseType parses a type at the start of s and returns the rest.
func (st *state) parseType(s string, depth int) (reflect.Type, string, error) {
	if depth > maxTypeNameDepth {
		return nil, "", fmt.Errorf("nested too deeply")
	}
	switch {
	case strings.HasPrefix(s, "*"):
		elem, rest, err := st.parseType(s[1:], depth+1)
		if err != nil {
			return nil, "", err
		}
		return reflect.PointerTo(elem), rest, nil
	case strings.HasPrefix(s, "[]"):
		elem, rest, err := st.parseType(s[2:], depth+1)
		if err != nil {
			return nil, "", err
		}
		return reflect.SliceOf(elem), rest, nil
	case strings.HasPrefix(s, "["):
		end := strings.IndexByte(s, ']')
		if end < 2 || end > 8 || s[1] == '0' && end > 2 || strings.Trim(s[1:end], "0123456789") != "" {
			return nil, "", fmt.Errorf("bad array length")
		}
		n, _ := strconv.Atoi(s[1:end])
		elem, rest, err := st.parseType(s[end+1:], depth+1)
		if err != nil {
			return nil, "", err
		}
		if size := elem.Size(); n > maxArrayTypeBytes || size != 0 && uintptr(n) > maxArrayTypeBytes/size {
			return nil, "", fmt.Errorf("array type too large")
		}
		return reflect.ArrayOf(n, elem), rest, nil
	case strings.HasPrefix(s, "map["):
		key, rest, err := st.parseType(s[4:], depth+1)
		if err != nil {
			return nil, "", err
		}
		if !strings.HasPrefix(rest, "]") {
			return nil, "", fmt.Errorf("want ']' after map key type")
		}
		elem, rest, err := st.parseType(rest[1:], depth+1)
		if err != nil {
			return nil, "", err
		}
		if !key.Comparable() {
			return nil, "", fmt.Errorf("map key type %v is not comparable", key)
		}
		return reflect.MapOf(key, elem), rest, nil
	}
	end := nameEnd(s)
	name := s[:end]
	if t := predeclared[name]; t != nil {
		return t, s[end:], nil
	}
	if t := builtinNamed[name]; t != nil {
		return t, s[end:], nil
	}
	if t := st.named[name]; t != nil {
		return t, s[end:], nil
	}
	return nil, "", fmt.Errorf("unknown type %q (not registered)", name)
}

// nameEnd returns the length of the type name at the start of s: up to a
// ']' that closes nothing opened in the name, or the end.
func nameEnd(s string) int {
	open := 0
	for i := range len(s) {
		switch s[i] {
		case '[':
			open++
		case ']':
			if open == 0 {
				return i
			}
			open--
		}
	}
	return len(s)
}
