package codec

import (
	"cmp"
	"reflect"
	"slices"
	"strings"
)

// field is a struct field that is encoded: an exported field, or one
// promoted from an embedded struct, under its JSON name.
type field struct {
	name   string
	nameB  []byte // name, for comparing with input without allocating
	key    []byte // the JSON object key and colon
	index  []int  // path of field indexes from the outer struct
	typ    reflect.Type
	omit   bool // omitempty or omitzero: omitted when it is the zero value
	tagged bool // the name comes from a json tag
	depth  int  // embedding depth
	enc    *encPlan
	dec    *decPlan
}

// structFields lists the fields of t that are encoded, following the rules
// of encoding/json: json tags rename ("name"), drop ("-") or mark fields
// omittable ("omitempty", "omitzero"); fields of embedded structs are
// promoted unless the embedded field has a tag name; a name found at a
// shallower depth, or tagged, wins over others; names left ambiguous are
// dropped. The result is in field order. Unlike encoding/json, an embedded
// struct with an encoding of its own (plain reports false for it, as for
// time.Time) is a field named after its type, not promoted.
func structFields(t reflect.Type, plain func(reflect.Type) bool) []field {
	type level struct {
		t     reflect.Type
		index []int
	}
	var all []field
	visited := map[reflect.Type]bool{}
	current := []level{{t: t}}
	for depth := 0; len(current) > 0; depth++ {
		var next []level
		for _, l := range current {
			if visited[l.t] {
				continue
			}
			visited[l.t] = true
			for i := range l.t.NumField() {
				sf := l.t.Field(i)
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				index := append(slices.Clone(l.index), i)
				if sf.Anonymous {
					ft := sf.Type
					if ft.Kind() == reflect.Pointer {
						// An unexported embedded pointer cannot be set.
						if !sf.IsExported() {
							continue
						}
						ft = ft.Elem()
					}
					if name == "" && ft.Kind() == reflect.Struct && plain(sf.Type) && plain(ft) {
						next = append(next, level{t: ft, index: index})
						continue
					}
				}
				if !sf.IsExported() {
					continue
				}
				f := field{name: name, index: index, typ: sf.Type, tagged: name != "", depth: depth}
				if f.name == "" {
					f.name = sf.Name
				}
				for opt := range strings.SplitSeq(opts, ",") {
					if opt == "omitempty" || opt == "omitzero" {
						f.omit = true
					}
				}
				all = append(all, f)
			}
		}
		current = next
	}
	// Sort by name, then depth, then tagged first, to pick the dominant
	// field of each name.
	slices.SortStableFunc(all, func(a, b field) int {
		if c := cmp.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := cmp.Compare(a.depth, b.depth); c != 0 {
			return c
		}
		switch {
		case a.tagged && !b.tagged:
			return -1
		case b.tagged && !a.tagged:
			return 1
		}
		return 0
	})
	var kept []field
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j].name == all[i].name {
			j++
		}
		group := all[i:j]
		i = j
		if len(group) > 1 && group[1].depth == group[0].depth && group[1].tagged == group[0].tagged {
			continue // ambiguous
		}
		kept = append(kept, group[0])
	}
	slices.SortFunc(kept, func(a, b field) int { return slices.Compare(a.index, b.index) })
	for i := range kept {
		f := &kept[i]
		f.nameB = []byte(f.name)
		f.key = append(appendString(nil, f.name), ':')
	}
	return kept
}

// hasHiddenData reports whether t has a field that is neither encoded nor
// deliberately left out: an unexported field with a real name.
func hasHiddenData(t reflect.Type) bool {
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() && sf.Name != "_" && sf.Tag.Get("json") != "-" {
			return true
		}
	}
	return false
}

// fieldToRead returns the field at index in v, or false when the path goes
// through a nil embedded pointer.
func fieldToRead(v reflect.Value, index []int) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}

// fieldToSet returns the field at index in v, allocating nil embedded
// pointers on the way.
func fieldToSet(v reflect.Value, index []int) reflect.Value {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v
}
