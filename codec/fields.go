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
// pointer, and an embedded struct with an encoding of its own (plain
// reports false for it, as for time.Time), are fields named after their
// type, not promoted: a nil embedded pointer then stays apart from one
// pointing to a struct whose fields are all omitted.
func structFields(t reflect.Type, plain func(reflect.Type) bool) []field {
	kept, _ := structLayout(t, plain, nil)
	return kept
}

// structLayout returns the fields of t that are encoded, as structFields
// does, and the exported fields that are not because another field of the
// same name wins over them or makes them ambiguous. When hidden is not
// nil, the unexported fields of t and of its promoted embedded structs
// (other than blank fields and fields tagged "-") are appended to it.
func structLayout(t reflect.Type, plain func(reflect.Type) bool, hidden *[]field) (kept, dropped []field) {
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
				// A struct embedded again, deeper: its fields are hidden
				// by those of the shallower one.
				for i := range l.t.NumField() {
					sf := l.t.Field(i)
					tag := sf.Tag.Get("json")
					name, _, _ := strings.Cut(tag, ",")
					if hidden != nil && sf.Name != "_" && tag != "-" {
						if name == "" {
							name = sf.Name
						}
						dropped = append(dropped, field{name: name, index: append(slices.Clone(l.index), i), typ: sf.Type})
					}
				}
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
				// An embedded struct value has its fields promoted. An
				// embedded pointer is not: it is a field named after its
				// type, so that a nil pointer and a pointer to a struct
				// whose fields are all omitted stay apart.
				if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct && plain(sf.Type) {
					next = append(next, level{t: sf.Type, index: index})
					continue
				}
				if !sf.IsExported() {
					if hidden != nil && sf.Name != "_" {
						*hidden = append(*hidden, field{name: sf.Name, index: index, typ: sf.Type})
					}
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
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j].name == all[i].name {
			j++
		}
		group := all[i:j]
		i = j
		if len(group) > 1 && group[1].depth == group[0].depth && group[1].tagged == group[0].tagged {
			dropped = append(dropped, group...) // ambiguous
			continue
		}
		kept = append(kept, group[0])
		dropped = append(dropped, group[1:]...)
	}
	slices.SortFunc(kept, func(a, b field) int { return slices.Compare(a.index, b.index) })
	for i := range kept {
		f := &kept[i]
		f.key = append(appendString(nil, f.name), ':')
	}
	return kept, dropped
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

// fieldByIndex returns the field at index in v, a path through embedded
// struct values.
func fieldByIndex(v reflect.Value, index []int) reflect.Value {
	for _, x := range index {
		v = v.Field(x)
	}
	return v
}
