package codec

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// TypeChecker is implemented by codecs that can tell, before encoding
// anything, whether they carry every value of a type whole. A cache that
// stores encoded values calls CheckType with a result type when a function
// is wrapped, and refuses the type if it returns an error.
type TypeChecker interface {
	// CheckType returns nil if every value of type t encodes and decodes
	// back to an equal value, and otherwise an error wrapping
	// ErrIncomplete that names the parts of t that would be lost and how
	// to keep them.
	CheckType(t reflect.Type) error
}

var _ TypeChecker = (*JSONCodec)(nil)

// CheckType reports whether the codec carries every value of type t
// whole. The error wraps ErrIncomplete, and also ErrUnsupported when part
// of t cannot be encoded at all; it names each field that would be lost,
// by its path from t (such as User.profile.secret), and says how to keep
// it. These are refused:
//
//   - unexported struct fields, other than blank ones and those tagged
//     json:"-", which are left out on purpose: they would come back zero;
//   - exported fields that the encoding leaves out because another field
//     of the same JSON name, shallower or tagged, wins over them, or
//     because two of them have the same name at the same depth;
//   - funcs, channels and unsafe pointers, which cannot be encoded;
//   - types with only an encoder or only a decoder registered.
//
// A type with an encoding of its own is trusted whole, and its contents
// are not examined: a type registered with [Register], one of the standard
// library types the codec handles itself (time.Time, the math/big numbers,
// net and net/netip addresses, *url.URL, *regexp.Regexp), and a type
// whose own methods (not promoted ones) include MarshalJSON and
// UnmarshalJSON, MarshalText and UnmarshalText, or MarshalBinary and
// UnmarshalBinary.
//
// Interface types are accepted: an interface value keeps its dynamic type
// (see the package documentation), which cannot be known before a value
// is encoded. Marshal checks it then, refusing with an error wrapping
// ErrIncomplete an interface value whose dynamic type fails CheckType.
//
// Marshal itself still encodes a struct that has unexported fields as
// well as exported ones, leaving the unexported ones out; CheckType is how
// a cache refuses such a type before any value of it is stored.
func (c *JSONCodec) CheckType(t reflect.Type) error {
	if t == nil {
		return nil // the nil interface: encoded as null
	}
	return c.registry().load().checkType(t)
}

// checkType is CheckType on one registry state, cached.
func (st *state) checkType(t reflect.Type) error {
	if r, ok := st.checks.Load(t); ok {
		err, _ := r.(error)
		return err
	}
	ch := checker{b: &builder{st: st}, seen: map[reflect.Type]bool{}}
	ch.walk(t, rootLabel(t))
	var err error
	if len(ch.problems) > 0 {
		err = ch.err(t)
	}
	st.checks.Store(t, err)
	return err
}

// problem is one way in which a type is not carried whole.
type problem struct {
	path        string
	what        string // what is wrong, a clause after the path
	fix         string // how to keep it
	unsupported bool   // cannot be encoded at all
}

type checker struct {
	b        *builder
	seen     map[reflect.Type]bool
	problems []problem
}

// walk checks t, reached at path. Each type is checked once, at the first
// path that reaches it.
func (ch *checker) walk(t reflect.Type, path string) {
	if ch.seen[t] {
		return
	}
	ch.seen[t] = true
	st := ch.b.st
	if c := st.coders[t]; c != nil {
		switch {
		case c.enc == nil:
			ch.add(problem{path, fmt.Sprintf("is of type %v, which has a registered decoder but no encoder", t),
				fmt.Sprintf("register its encoder with codec.RegisterEncoder[%v, %v]", t, c.repr), true})
		case c.dec == nil:
			ch.add(problem{path, fmt.Sprintf("is of type %v, which has a registered encoder but no decoder", t),
				fmt.Sprintf("register its decoder with codec.RegisterDecoder[%v, %v]", t, c.repr), true})
		}
		ch.walk(c.repr, path+" (as "+c.repr.String()+")")
		return
	}
	if _, ok := specials[t]; ok {
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		ch.walk(t.Elem(), path)
		return
	case reflect.Interface:
		return // checked when a value is encoded
	}
	if marshalKindOf(t) != marshalNone {
		return
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		ch.walk(t.Elem(), path+"[]")
	case reflect.Map:
		ch.walk(t.Key(), path+"[key]")
		ch.walk(t.Elem(), path+"[value]")
	case reflect.Struct:
		ch.walkStruct(t, path)
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		ch.add(problem{path, fmt.Sprintf("is a %v, which cannot be encoded", t.Kind()),
			`tag a field that holds it json:"-" to leave it out, or give the type that holds it an encoding of its own with codec.Register`, true})
	}
}

func (ch *checker) walkStruct(t reflect.Type, path string) {
	var hidden []field
	kept, dropped := structLayout(t, ch.b.isPlain, &hidden)
	// Marshal refuses a struct with nothing to encode but unexported data.
	empty := len(kept) == 0 && hasHiddenData(t)
	for _, f := range hidden {
		owner := fieldOwner(t, f.index)
		ch.add(problem{path + "." + goPath(t, f.index), "is unexported and would come back zero",
			fmt.Sprintf(`export the fields of %[1]v that must be kept and tag the others json:"-", or give %[1]v an encoding of its own with codec.Register[%[1]v, R] (or MarshalJSON and UnmarshalJSON methods)`, owner), empty})
	}
	for _, f := range dropped {
		ch.add(problem{path + "." + goPath(t, f.index), fmt.Sprintf("is not encoded, as another field of %v takes or shares its JSON name %q", t, f.name),
			`give each field a JSON name of its own with a json tag, or tag the one to leave out json:"-"`, false})
	}
	for _, f := range kept {
		ch.walk(f.typ, path+"."+goPath(t, f.index))
	}
}

func (ch *checker) add(p problem) { ch.problems = append(ch.problems, p) }

// maxProblems bounds the problems an error lists.
const maxProblems = 5

func (ch *checker) err(t reflect.Type) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%v cannot be cached whole: ", t)
	unsupported := false
	var fixes []string
	for i, p := range ch.problems {
		unsupported = unsupported || p.unsupported
		if !slices.Contains(fixes, p.fix) {
			fixes = append(fixes, p.fix)
		}
		switch {
		case i == maxProblems:
			fmt.Fprintf(&b, "; and %d more", len(ch.problems)-maxProblems)
		case i < maxProblems:
			if i > 0 {
				b.WriteString("; ")
			}
			fmt.Fprintf(&b, "%s %s", p.path, p.what)
		}
	}
	b.WriteString(". To keep it: ")
	b.WriteString(strings.Join(fixes, "; "))
	return &incompleteError{msg: b.String(), unsupported: unsupported}
}

// incompleteError is the error of CheckType. It wraps ErrIncomplete, and
// ErrUnsupported when part of the type cannot be encoded at all.
type incompleteError struct {
	msg         string
	unsupported bool
}

func (e *incompleteError) Error() string { return ErrIncomplete.Error() + ": " + e.msg }

func (e *incompleteError) Is(target error) bool {
	return target == ErrIncomplete || e.unsupported && target == ErrUnsupported
}

// rootLabel is how a path starts: the name of t, or its spelling.
func rootLabel(t reflect.Type) string {
	for t.Name() == "" && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Name() != "" {
		return t.Name()
	}
	return t.String()
}

// goPath returns the Go names of the fields at index in struct t, joined
// by dots.
func goPath(t reflect.Type, index []int) string {
	names := make([]string, len(index))
	for i, x := range index {
		f := t.Field(x)
		names[i] = f.Name
		t = f.Type
	}
	return strings.Join(names, ".")
}

// fieldOwner returns the struct type that declares the field at index in
// t.
func fieldOwner(t reflect.Type, index []int) reflect.Type {
	for _, x := range index[:len(index)-1] {
		t = t.Field(x).Type
	}
	return t
}
