package shape

import (
	"crypto/sha256"
	"encoding"
	"encoding/binary"
	"encoding/json"
	"hash"
	"math/big"
	"net"
	"net/netip"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/cachetoolz/cachetoolz/internal/methods"
)

// version is hashed first, so that a change of the rules below gives new
// fingerprints everywhere rather than a mix.
const version = "cachetoolz shape v1"

// Fingerprint returns the fingerprint of the shape of t; see the package
// documentation for what it covers. It is safe for concurrent use.
// A nil t, the type of no value, has a fingerprint of its own.
func Fingerprint(t reflect.Type) uint64 {
	top := sha256.New()
	top.Write([]byte(version))
	if t != nil {
		d := newHasher(t).node(t)
		top.Write(d[:])
	}
	var sum [sha256.Size]byte
	top.Sum(sum[:0])
	return binary.BigEndian.Uint64(sum[:8])
}

// Named reports whether t is fingerprinted by its name alone: a named type
// with an encoding of its own, or a named interface type.
func Named(t reflect.Type) bool {
	if t.Name() == "" {
		return false
	}
	return t.Kind() == reflect.Interface || selfEncoding(t)
}

// builtin lists the standard library types the codec encodes by itself.
var builtin = map[reflect.Type]bool{
	reflect.TypeFor[time.Time]():     true,
	reflect.TypeFor[big.Int]():       true,
	reflect.TypeFor[big.Rat]():       true,
	reflect.TypeFor[big.Float]():     true,
	reflect.TypeFor[regexp.Regexp](): true,
	reflect.TypeFor[url.URL]():       true,
	reflect.TypeFor[url.Userinfo]():  true,
	reflect.TypeFor[net.IP]():        true,
	reflect.TypeFor[net.IPNet]():     true,
	reflect.TypeFor[netip.Prefix]():  true,
}

// methodPairs are the marshaling method pairs that give a type an
// encoding of its own.
var methodPairs = [][2]reflect.Type{
	{reflect.TypeFor[json.Marshaler](), reflect.TypeFor[json.Unmarshaler]()},
	{reflect.TypeFor[encoding.TextMarshaler](), reflect.TypeFor[encoding.TextUnmarshaler]()},
	{reflect.TypeFor[encoding.BinaryMarshaler](), reflect.TypeFor[encoding.BinaryUnmarshaler]()},
}

// selfEncoding reports whether the named type t has an encoding of its
// own: it is a built-in type, or it has, by itself rather than through an
// embedded field, both methods of a marshaling pair.
func selfEncoding(t reflect.Type) bool {
	if builtin[t] {
		return true
	}
	if t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface {
		return false
	}
	pt := reflect.PointerTo(t)
	for _, pair := range methodPairs {
		if pt.Implements(pair[0]) && pt.Implements(pair[1]) && methods.Own(t, pair[0]) {
			return true
		}
	}
	return false
}

// hasHidden reports whether struct type t has an unexported field that
// the codec would leave out: not blank, not tagged "-", and not an
// embedded struct value whose fields are promoted.
func hasHidden(t reflect.Type) bool {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.IsExported() || f.Name == "_" || f.Tag.Get("json") == "-" {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct && !selfEncoding(f.Type) {
			continue
		}
		return true
	}
	return false
}

// hasher computes the digests of types. A type that contains itself is
// unrolled along each path until the path comes back to a type on it,
// which is written as a reference to that type by distance, so the
// digest depends only on the shape of the type graph, never on names or
// on the order of hashing. path holds the types being hashed, outermost
// first; scc the strongly connected component of every type reachable
// from the root; memo the digests of types hashed outside their own
// component, which do not depend on where they sit.
type hasher struct {
	path []reflect.Type
	scc  map[reflect.Type]int
	memo map[reflect.Type][sha256.Size]byte
}

func newHasher(root reflect.Type) *hasher {
	return &hasher{scc: components(root), memo: map[reflect.Type][sha256.Size]byte{}}
}

// node returns the digest of t at the end of the current path.
func (h *hasher) node(t reflect.Type) [sha256.Size]byte {
	depth := len(h.path)
	free := true // no type on the path is in t's component
	for i, p := range h.path {
		if p == t {
			w := newWriter()
			w.str("ref")
			w.num(uint64(depth - i))
			return w.sum()
		}
		if h.scc[p] == h.scc[t] {
			free = false
		}
	}
	if d, ok := h.memo[t]; ok && free {
		return d
	}
	h.path = append(h.path, t)
	w := newWriter()
	describe(w, t, func(c reflect.Type) {
		d := h.node(c)
		w.h.Write(d[:])
	})
	h.path = h.path[:depth]
	d := w.sum()
	if free {
		h.memo[t] = d
	}
	return d
}

// components returns the strongly connected components of the types
// reachable from root, by Tarjan's algorithm, as a number per type.
func components(root reflect.Type) map[reflect.Type]int {
	type info struct{ index, low int }
	var (
		seen  = map[reflect.Type]*info{}
		stack []reflect.Type
		on    = map[reflect.Type]bool{}
		comp  = map[reflect.Type]int{}
		visit func(t reflect.Type) *info
	)
	visit = func(t reflect.Type) *info {
		in := &info{len(seen), len(seen)}
		seen[t] = in
		stack = append(stack, t)
		on[t] = true
		for _, c := range children(t) {
			if ci, ok := seen[c]; !ok {
				in.low = min(in.low, visit(c).low)
			} else if on[c] {
				in.low = min(in.low, ci.index)
			}
		}
		if in.low == in.index {
			id := len(comp)
			for {
				top := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				on[top] = false
				comp[top] = id
				if top == t {
					break
				}
			}
		}
		return in
	}
	visit(root)
	return comp
}

// children returns the types whose digests make up t's.
func children(t reflect.Type) []reflect.Type {
	var cs []reflect.Type
	describe(newWriter(), t, func(c reflect.Type) { cs = append(cs, c) })
	return cs
}

// describe writes what makes up the shape of t, calling child for each
// type it contains.
func describe(w *writer, t reflect.Type, child func(reflect.Type)) {
	if Named(t) {
		w.str("named")
		w.str(fullName(t))
		return
	}
	k := t.Kind()
	w.str(k.String())
	switch k {
	case reflect.Pointer, reflect.Slice:
		child(t.Elem())
	case reflect.Array:
		w.num(uint64(t.Len()))
		child(t.Elem())
	case reflect.Map:
		child(t.Key())
		child(t.Elem())
	case reflect.Chan:
		w.num(uint64(t.ChanDir()))
		child(t.Elem())
	case reflect.Func:
		w.str(t.String())
	case reflect.Interface:
		w.num(uint64(t.NumMethod()))
		for i := range t.NumMethod() {
			m := t.Method(i)
			w.str(m.Name)
			w.str(m.Type.String())
		}
	case reflect.Struct:
		describeStruct(w, t, child)
	}
}

func describeStruct(w *writer, t reflect.Type, child func(reflect.Type)) {
	all := hasHidden(t)
	if all {
		w.str("opaque")
		w.str(fullName(t))
	}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if !all && (tag == "-" || !f.IsExported() && !f.Anonymous) {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" || all {
			name = f.Name
		}
		w.str("field")
		w.str(name)
		if all {
			w.str(tag)
		}
		flags := uint64(0)
		for opt := range strings.SplitSeq(opts, ",") {
			if opt == "omitempty" || opt == "omitzero" {
				flags |= 1
			}
		}
		if f.Anonymous {
			flags |= 2
		}
		if !f.IsExported() {
			flags |= 4
		}
		w.num(flags)
		if all && !f.IsExported() {
			w.str(f.Type.String())
			continue
		}
		child(f.Type)
	}
	w.str("end")
}

// fullName is the package path and name of a named type.
func fullName(t reflect.Type) string {
	if t.PkgPath() == "" {
		return t.Name()
	}
	return t.PkgPath() + "." + t.Name()
}

// writer feeds a digest with length-prefixed strings and numbers, so that
// no two sequences give the same bytes.
type writer struct {
	h   hash.Hash
	buf [binary.MaxVarintLen64]byte
}

func newWriter() *writer { return &writer{h: sha256.New()} }

func (w *writer) num(n uint64) {
	w.h.Write(binary.AppendUvarint(w.buf[:0], n))
}

func (w *writer) str(s string) {
	w.num(uint64(len(s)))
	w.h.Write([]byte(s))
}

func (w *writer) sum() (d [sha256.Size]byte) {
	w.h.Sum(d[:0])
	return d
}
