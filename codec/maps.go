package codec

import (
	"bytes"
	"cmp"
	"reflect"
	"slices"
	"strconv"
)

// Maps come in three shapes, chosen by the key and value types:
//
//   - keys of a plain string or integer type: a JSON object, integer keys
//     written in decimal, e.g. {"a":1} or {"1":"a"};
//   - sets, maps whose value type is an empty struct: an array of keys,
//     e.g. ["a","b"];
//   - any other key type (bools, floats, structs, arrays, interfaces, types
//     with their own encoding): an array of [key, value] pairs, e.g.
//     [[true,1],[false,0]].
//
// Entries are sorted (object keys by their text or number, other shapes by
// the bytes of the encoded key) so equal maps encode to equal bytes. A nil
// map is null and an empty one is {} or []. Decoding refuses a key given
// twice.

type mapShape int

const (
	shapeStringObject mapShape = iota
	shapeIntObject
	shapeUintObject
	shapeSet
	shapePairs
)

func (b *builder) mapShape(t reflect.Type) mapShape {
	kt, vt := t.Key(), t.Elem()
	if vt.Kind() == reflect.Struct && vt.NumField() == 0 && b.isPlain(vt) {
		return shapeSet
	}
	if b.isPlain(kt) {
		switch kt.Kind() {
		case reflect.String:
			return shapeStringObject
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return shapeIntObject
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			return shapeUintObject
		}
	}
	return shapePairs
}

func (b *builder) mapEnc(t reflect.Type) (encFunc, error) {
	key, elem := b.enc(t.Key()), b.enc(t.Elem())
	if key.err != nil {
		return nil, key.err
	}
	if elem.err != nil {
		return nil, elem.err
	}
	shape := b.mapShape(t)
	return func(e *encState, v reflect.Value) error {
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		if err := e.enter(v, -1); err != nil {
			return err
		}
		var err error
		switch shape {
		case shapeStringObject, shapeIntObject, shapeUintObject:
			err = encObjectMap(e, v, shape, elem)
		default:
			err = encPairMap(e, v, shape, key, elem)
		}
		if err != nil {
			return err
		}
		e.leave(v, -1)
		return nil
	}, nil
}

func encObjectMap(e *encState, v reflect.Value, shape mapShape, elem *encPlan) error {
	keys := v.MapKeys()
	switch shape {
	case shapeStringObject:
		slices.SortFunc(keys, func(a, b reflect.Value) int { return cmp.Compare(a.String(), b.String()) })
	case shapeIntObject:
		slices.SortFunc(keys, func(a, b reflect.Value) int { return cmp.Compare(a.Int(), b.Int()) })
	default:
		slices.SortFunc(keys, func(a, b reflect.Value) int { return cmp.Compare(a.Uint(), b.Uint()) })
	}
	e.buf = append(e.buf, '{')
	for i, k := range keys {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		switch shape {
		case shapeStringObject:
			e.buf = appendString(e.buf, k.String())
		case shapeIntObject:
			e.buf = append(e.buf, '"')
			e.buf = strconv.AppendInt(e.buf, k.Int(), 10)
			e.buf = append(e.buf, '"')
		default:
			e.buf = append(e.buf, '"')
			e.buf = strconv.AppendUint(e.buf, k.Uint(), 10)
			e.buf = append(e.buf, '"')
		}
		e.buf = append(e.buf, ':')
		if err := elem.fn(e, v.MapIndex(k)); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, '}')
	return nil
}

// encPairMap writes a set or a map of pairs. The keys are encoded first, at
// the end of the buffer, to sort the entries by their bytes. Keys encode
// alike only when they are NaNs; their entries are then ordered by their
// encoded values too.
func encPairMap(e *encState, v reflect.Value, shape mapShape, key, elem *encPlan) error {
	type entry struct {
		key, val   []byte
		start, end int
		value      reflect.Value
	}
	entries := make([]entry, 0, v.Len())
	base := len(e.buf)
	for it := v.MapRange(); it.Next(); {
		start := len(e.buf)
		if err := key.fn(e, it.Key()); err != nil {
			return err
		}
		entries = append(entries, entry{start: start - base, end: len(e.buf) - base, value: it.Value()})
	}
	keys := bytes.Clone(e.buf[base:])
	e.buf = e.buf[:base]
	for i := range entries {
		entries[i].key = keys[entries[i].start:entries[i].end]
	}
	slices.SortFunc(entries, func(a, b entry) int { return bytes.Compare(a.key, b.key) })
	alike := false
	for i := 1; i < len(entries); i++ {
		alike = alike || bytes.Equal(entries[i-1].key, entries[i].key)
	}
	if alike && shape != shapeSet {
		for i := range entries {
			if err := elem.fn(e, entries[i].value); err != nil {
				return err
			}
			entries[i].val = bytes.Clone(e.buf[base:])
			e.buf = e.buf[:base]
		}
		slices.SortStableFunc(entries, func(a, b entry) int { return bytes.Compare(a.val, b.val) })
		slices.SortStableFunc(entries, func(a, b entry) int { return bytes.Compare(a.key, b.key) })
	}
	e.buf = append(e.buf, '[')
	for i, en := range entries {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		if shape == shapeSet {
			e.buf = append(e.buf, en.key...)
			continue
		}
		e.buf = append(e.buf, '[')
		e.buf = append(e.buf, en.key...)
		e.buf = append(e.buf, ',')
		if en.val != nil {
			e.buf = append(e.buf, en.val...)
		} else if err := elem.fn(e, en.value); err != nil {
			return err
		}
		e.buf = append(e.buf, ']')
	}
	e.buf = append(e.buf, ']')
	return nil
}

func (b *builder) mapDec(t reflect.Type) (decFunc, error) {
	key, elem := b.dec(t.Key()), b.dec(t.Elem())
	if key.err != nil {
		return nil, key.err
	}
	if elem.err != nil {
		return nil, elem.err
	}
	shape := b.mapShape(t)
	checkKeys := mayHoldInterface(t.Key())
	return func(d *decState, v reflect.Value) error {
		if d.null() {
			v.SetZero()
			return nil
		}
		want := byte('[')
		if shape <= shapeUintObject {
			want = '{'
		}
		if d.peek() != want {
			return d.typeErr(t, "map "+shapeName(shape))
		}
		more, err := d.open(want, want+2) // ']' and '}' follow '[' and '{' by 2
		if err != nil {
			return err
		}
		m := reflect.MakeMap(t)
		v.Set(m)
		kv, ev := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
		for more {
			kv.SetZero()
			ev.SetZero()
			switch shape {
			case shapeSet:
				err = key.fn(d, kv)
			case shapePairs:
				err = decPair(d, kv, ev, key, elem)
			default:
				err = decObjectEntry(d, kv, ev, shape, elem)
			}
			if err != nil {
				return err
			}
			if checkKeys && !kv.Comparable() {
				return d.errf("decoding %v: key of dynamic type %v is not comparable", t, kv.Elem().Type())
			}
			n := m.Len()
			m.SetMapIndex(kv, ev)
			if m.Len() == n {
				return d.errf("decoding %v: a key appears twice", t)
			}
			if more, err = d.more(want + 2); err != nil {
				return err
			}
		}
		d.leave()
		return nil
	}, nil
}

func shapeName(s mapShape) string {
	switch s {
	case shapeSet:
		return "set (array of keys)"
	case shapePairs:
		return "(array of [key, value] pairs)"
	}
	return "(object)"
}

func decPair(d *decState, kv, ev reflect.Value, key, elem *decPlan) error {
	if err := d.expect('['); err != nil {
		return err
	}
	if err := key.fn(d, kv); err != nil {
		return err
	}
	if err := d.expect(','); err != nil {
		return err
	}
	if err := elem.fn(d, ev); err != nil {
		return err
	}
	return d.expect(']')
}

func decObjectEntry(d *decState, kv, ev reflect.Value, shape mapShape, elem *decPlan) error {
	if d.peek() != '"' {
		return d.errf("want object key, found %s", d.found())
	}
	k, err := d.stringBytes()
	if err != nil {
		return err
	}
	switch shape {
	case shapeStringObject:
		kv.SetString(string(k))
	case shapeIntObject:
		neg := len(k) > 0 && k[0] == '-'
		digits := k
		if neg {
			digits = k[1:]
		}
		u, ok := parseDigits(digits)
		n := int64(u)
		if neg {
			n = -n
		}
		if !ok || len(digits) > 1 && digits[0] == '0' || u > 1<<63 || !neg && u == 1<<63 || kv.OverflowInt(n) {
			return d.errf("decoding %v: bad integer key %q", kv.Type(), k)
		}
		kv.SetInt(n)
	default:
		u, ok := parseDigits(k)
		if !ok || len(k) > 1 && k[0] == '0' || kv.OverflowUint(u) {
			return d.errf("decoding %v: bad integer key %q", kv.Type(), k)
		}
		kv.SetUint(u)
	}
	if err := d.expect(':'); err != nil {
		return err
	}
	return elem.fn(d, ev)
}

// mayHoldInterface reports whether values of t can contain an interface
// value, whose dynamic type may make a map key unhashable.
func mayHoldInterface(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Array:
		return mayHoldInterface(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if mayHoldInterface(t.Field(i).Type) {
				return true
			}
		}
	}
	return false
}
