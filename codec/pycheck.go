package codec

import (
	"fmt"
	"reflect"
)

var _ TypeChecker = (*PythonCodec)(nil)

// CheckType reports whether the Python codec carries every value of type t
// whole, as JSONCodec.CheckType does for JSON: the error wraps
// ErrIncomplete, and also ErrUnsupported when part of t cannot be encoded
// at all, and names each part by its path from t. Refused: unexported
// struct fields (other than blank ones and those tagged json:"-") and
// fields hidden by another of the same JSON name; funcs, channels, unsafe
// pointers and complex numbers; map keys other than strings, integers and
// booleans; set members that Python cannot hash (lists, tuples, dicts);
// and a struct field named "__decoder".
//
// Registered types and the types with a Python counterpart of their own
// are trusted whole, and interface types are accepted. Some values of
// accepted types are still refused by Marshal, such as byte slices that
// are not text or durations with nanoseconds (see TYPES.md).
func (p *PythonCodec) CheckType(t reflect.Type) error {
	if t == nil {
		return nil
	}
	st := p.load()
	if r, ok := st.checks.Load(t); ok {
		err, _ := r.(error)
		return err
	}
	ch := checker{seen: map[reflect.Type]bool{}}
	st.walk(&ch, t, rootLabel(t))
	var err error
	if len(ch.problems) > 0 {
		err = ch.err(t)
	}
	st.checks.Store(t, err)
	return err
}

const pyFix = `tag a field that holds it json:"-" to leave it out, or give the type that holds it a Python encoding with codec.RegisterPython`

func (st *pyState) walk(ch *checker, t reflect.Type, path string) {
	if ch.seen[t] {
		return
	}
	ch.seen[t] = true
	if c := st.byType[t]; c != nil {
		st.walk(ch, c.repr, path+" (as "+c.repr.String()+")")
		return
	}
	if pySpecial(t) {
		if t.Kind() == reflect.Map { // Set, FrozenSet
			st.member(ch, t.Key(), path+"[member]")
		} else if t.Kind() == reflect.Struct && t.Implements(pyGenericType) { // Deque
			st.walk(ch, t.Field(0).Type.Elem(), path+".Items[]")
		}
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		st.walk(ch, t.Elem(), path)
	case reflect.Slice, reflect.Array:
		st.walk(ch, t.Elem(), path+"[]")
	case reflect.Map:
		if t.Elem() == pyEmptyStruct {
			st.member(ch, t.Key(), path+"[member]")
			return
		}
		switch t.Key().Kind() {
		case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		default:
			ch.add(problem{path, fmt.Sprintf("has keys of type %v; a Python dict in JSON has string, integer or boolean keys", t.Key()),
				"use string or integer keys, or a slice of pairs", true})
		}
		st.walk(ch, t.Elem(), path+"[value]")
	case reflect.Struct:
		var hidden []field
		kept, dropped := structLayout(t, st.plain, &hidden)
		empty := len(kept) == 0 && hasHiddenData(t)
		for _, f := range hidden {
			owner := fieldOwner(t, f.index)
			ch.add(problem{path + "." + goPath(t, f.index), "is unexported and would come back zero",
				fmt.Sprintf(`export the fields of %[1]v that must be kept and tag the others json:"-", or give %[1]v a Python encoding with codec.RegisterPython`, owner), empty})
		}
		for _, f := range dropped {
			ch.add(problem{path + "." + goPath(t, f.index), fmt.Sprintf("is not encoded, as another field of %v takes or shares its JSON name %q", t, f.name),
				`give each field a JSON name of its own with a json tag, or tag the one to leave out json:"-"`, false})
		}
		for _, f := range kept {
			if f.name == "__decoder" {
				ch.add(problem{path + "." + goPath(t, f.index), `is named "__decoder", which Python reads as an envelope`,
					"give it another JSON name with a json tag", true})
			}
			st.walk(ch, f.typ, path+"."+goPath(t, f.index))
		}
	case reflect.Func, reflect.Chan, reflect.UnsafePointer, reflect.Complex64, reflect.Complex128:
		ch.add(problem{path, fmt.Sprintf("is a %v, which has no Python counterpart", t.Kind()), pyFix, true})
	}
}

// member checks the type of set members: Python must be able to hash
// them, so they may not be lists or dicts.
func (st *pyState) member(ch *checker, t reflect.Type, path string) {
	if st.byType[t] == nil && !pySpecial(t) {
		switch t.Kind() {
		case reflect.Array, reflect.Struct:
			ch.add(problem{path, fmt.Sprintf("is of type %v, a list or dict in Python, which a set cannot hold", t),
				"use members of a hashable type: strings, numbers, or the codec's Python types", true})
			return
		}
	}
	st.walk(ch, t, path)
}
