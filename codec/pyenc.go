package codec

import (
	"bytes"
	"math"
	"math/big"
	"net"
	"net/netip"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

var (
	pyTimeType      = reflect.TypeFor[time.Time]()
	pyDurationType  = reflect.TypeFor[time.Duration]()
	pyAddrType      = reflect.TypeFor[netip.Addr]()
	pyPrefixType    = reflect.TypeFor[netip.Prefix]()
	pyNetIPType     = reflect.TypeFor[net.IP]()
	pyInterfaceType = reflect.TypeFor[IPInterface]()
	pyRegexpType    = reflect.TypeFor[*regexp.Regexp]()
	pyBigIntPtrType = reflect.TypeFor[*big.Int]()
	pyBigIntType    = reflect.TypeFor[big.Int]()
	pyDecimalType   = reflect.TypeFor[Decimal]()
	pyUUIDType      = reflect.TypeFor[UUID]()
	pyPathType      = reflect.TypeFor[PosixPath]()
	pyPatternType   = reflect.TypeFor[Pattern]()
	pyDateType      = reflect.TypeFor[Date]()
	pyClockType     = reflect.TypeFor[TimeOfDay]()
	pyNaiveType     = reflect.TypeFor[NaiveDateTime]()
	pyGenericType   = reflect.TypeFor[pyGeneric]()
	pyEmptyStruct   = reflect.TypeFor[struct{}]()
)

// pyPkgPath is the import path of this package.
var pyPkgPath = pyDateType.PkgPath()

// pySpecial reports whether t has an encoding of its own in Python, rather
// than one by its kind.
func pySpecial(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String:
		return t == pyPathType
	case reflect.Int64:
		return t == pyDurationType
	case reflect.Slice:
		return t == pyNetIPType
	case reflect.Array:
		return t == pyUUIDType
	case reflect.Pointer:
		return t == pyRegexpType || t == pyBigIntPtrType
	case reflect.Struct, reflect.Map:
		switch t.PkgPath() {
		case "time", "net/netip", "math/big":
			return t == pyTimeType || t == pyAddrType || t == pyPrefixType || t == pyBigIntType
		case pyPkgPath:
			switch t {
			case pyInterfaceType, pyDecimalType, pyPatternType, pyDateType, pyClockType, pyNaiveType:
				return true
			}
			return t.Implements(pyGenericType) // Set, FrozenSet, Deque
		}
	}
	return false
}

// plain reports whether an embedded struct of type t has its fields
// promoted, as encoding/json does.
func (st *pyState) plain(t reflect.Type) bool {
	return st.byType[t] == nil && !pySpecial(t)
}

// structFields returns the encoded fields of struct type t.
func (st *pyState) structFields(t reflect.Type) ([]field, error) {
	if f, ok := st.fields.Load(t); ok {
		return f.([]field), nil
	}
	fields := structFields(t, st.plain)
	if len(fields) == 0 && hasHiddenData(t) {
		return nil, unsupported(t, "no exported fields to encode; register a coder for it")
	}
	for _, f := range fields {
		if f.name == "__decoder" {
			return nil, unsupported(t, `a field named "__decoder" would be read as an envelope`)
		}
	}
	st.fields.Store(t, fields)
	return fields, nil
}

// pyEnc is the state of one Marshal.
type pyEnc struct {
	st    *pyState
	buf   []byte
	depth int
}

func (e *pyEnc) envelope(name string, val func() error) error {
	e.buf = append(e.buf, `{"__val": `...)
	if err := val(); err != nil {
		return err
	}
	e.buf = append(e.buf, `, "__decoder": `...)
	e.buf = appendPyString(e.buf, name)
	e.buf = append(e.buf, '}')
	return nil
}

func (e *pyEnc) strEnvelope(name, val string) error {
	return e.envelope(name, func() error {
		e.buf = appendPyString(e.buf, val)
		return nil
	})
}

func (e *pyEnc) value(v reflect.Value) error {
	if !v.IsValid() {
		e.buf = append(e.buf, "null"...)
		return nil
	}
	if e.depth++; e.depth > maxDepth {
		return unsupported(v.Type(), "nesting deeper than %d levels (a cyclic value?)", maxDepth)
	}
	err := e.value1(v)
	e.depth--
	return err
}

func (e *pyEnc) value1(v reflect.Value) error {
	t := v.Type()
	if len(e.st.byType) > 0 {
		if c := e.st.byType[t]; c != nil {
			r, err := c.enc(v)
			if err != nil {
				return err
			}
			return e.envelope(c.name, func() error { return e.value(r) })
		}
	}
	if pySpecial(t) {
		return e.special(v)
	}
	switch t.Kind() {
	case reflect.Bool:
		e.buf = strconv.AppendBool(e.buf, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.buf = strconv.AppendInt(e.buf, v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		e.buf = strconv.AppendUint(e.buf, v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		e.buf = appendPyFloat(e.buf, v.Float())
	case reflect.String:
		e.buf = appendPyString(e.buf, v.String())
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		start := len(e.buf)
		if err := e.value(v.Elem()); err != nil {
			return err
		}
		// A non-nil pointer to what is written as None would come back
		// a nil pointer. The pointer Marshal is given stands for the
		// variable, and is not one of these.
		if t.Kind() == reflect.Pointer && e.depth > 1 && string(e.buf[start:]) == "null" {
			return unsupported(t, "a non-nil pointer to a nil value, which Python would give back as None, a nil pointer")
		}
	case reflect.Slice:
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		if t.Elem().Kind() == reflect.Uint8 {
			return e.bytes(t, v.Bytes())
		}
		return e.list(v)
	case reflect.Array:
		return e.list(v)
	case reflect.Map:
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		if t.Elem() == pyEmptyStruct {
			return e.set(v, "set")
		}
		return e.dict(v)
	case reflect.Struct:
		return e.structure(v)
	default:
		return unsupported(t, "%v values have no Python counterpart", t.Kind())
	}
	return nil
}

func (e *pyEnc) list(v reflect.Value) error {
	e.buf = append(e.buf, '[')
	for i := range v.Len() {
		if i > 0 {
			e.buf = append(e.buf, ", "...)
		}
		if err := e.value(v.Index(i)); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, ']')
	return nil
}

// bytes writes b as the seed does: the text of b and the name of the
// charset it is in. Only ASCII and UTF-8 are written; other bytes have no
// charset that reads them back for sure, and are refused.
func (e *pyEnc) bytes(t reflect.Type, b []byte) error {
	enc := "ascii"
	for _, c := range b {
		if c >= utf8.RuneSelf {
			enc = "utf-8"
			break
		}
	}
	if enc == "utf-8" && !utf8.Valid(b) {
		return unsupported(t, "bytes that are neither ASCII nor UTF-8 text cannot be written for Python")
	}
	return e.envelope("bytes", func() error {
		e.buf = append(e.buf, `{"bytes": `...)
		e.buf = appendPyString(e.buf, string(b))
		e.buf = append(e.buf, `, "encoding": `...)
		e.buf = appendPyString(e.buf, enc)
		e.buf = append(e.buf, '}')
		return nil
	})
}

// set writes the members of the map v, sorted: integers by value, others
// by their encoding.
func (e *pyEnc) set(v reflect.Value, name string) error {
	members := make([][]byte, 0, v.Len())
	var equal map[string]bool // members Python finds equal across Go types
	for it := v.MapRange(); it.Next(); {
		if k, ok := pyEqualityKey(it.Key()); ok {
			if equal == nil {
				equal = map[string]bool{}
			}
			if equal[k] {
				return unsupported(v.Type(), "members equal in Python (%v), which a Python set holds once", it.Key())
			}
			equal[k] = true
		}
		sub := pyEnc{st: e.st, depth: e.depth}
		if err := sub.value(it.Key()); err != nil {
			return err
		}
		if !pyHashable(sub.buf) {
			return unsupported(v.Type(), "a member of a Python set must be hashable, not %s", sub.buf)
		}
		members = append(members, sub.buf)
	}
	slices.SortFunc(members, comparePyEncoded)
	return e.envelope(name, func() error {
		e.buf = append(e.buf, '[')
		for i, m := range members {
			if i > 0 {
				e.buf = append(e.buf, ", "...)
			}
			e.buf = append(e.buf, m...)
		}
		e.buf = append(e.buf, ']')
		return nil
	})
}

// pyHashable reports whether the value encoded as b decodes in Python to a
// hashable value: not a list, a dict, a set or a deque.
func pyHashable(b []byte) bool {
	switch {
	case b[0] == '[':
		return false
	case b[0] == '{':
		return bytes.HasPrefix(b, []byte(`{"__val": `)) &&
			!bytes.HasSuffix(b, []byte(`"__decoder": "set"}`)) &&
			!bytes.HasSuffix(b, []byte(`"__decoder": "deque"}`))
	}
	return true
}

// comparePyEncoded orders encoded set members: integers by value, before
// everything else, which is ordered by its bytes.
func comparePyEncoded(a, b []byte) int {
	ai, bi := isPyInt(a), isPyInt(b)
	switch {
	case ai && bi:
		an, bn := a[0] == '-', b[0] == '-'
		switch {
		case an && !bn:
			return -1
		case bn && !an:
			return 1
		}
		c := len(a) - len(b)
		if c == 0 {
			c = bytes.Compare(a, b)
		}
		if an {
			c = -c
		}
		return c
	case ai:
		return -1
	case bi:
		return 1
	}
	return bytes.Compare(a, b)
}

func isPyInt(b []byte) bool {
	if len(b) > 0 && b[0] == '-' {
		b = b[1:]
	}
	return len(b) > 0 && allDigits(string(b))
}

func (e *pyEnc) dict(v reflect.Value) error {
	t := v.Type()
	keys := v.MapKeys()
	var cmpKeys func(a, b reflect.Value) int
	switch t.Key().Kind() {
	case reflect.String:
		cmpKeys = func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		cmpKeys = func(a, b reflect.Value) int { return cmpInt(a.Int(), b.Int()) }
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		cmpKeys = func(a, b reflect.Value) int { return cmpInt(a.Uint(), b.Uint()) }
	case reflect.Bool:
		cmpKeys = func(a, b reflect.Value) int {
			return cmpInt(boolInt(a.Bool()), boolInt(b.Bool()))
		}
	default:
		return unsupported(t, "a Python dict written as JSON has string, integer or boolean keys")
	}
	slices.SortFunc(keys, cmpKeys)
	e.buf = append(e.buf, '{')
	for i, k := range keys {
		if i > 0 {
			e.buf = append(e.buf, ", "...)
		}
		switch k.Kind() {
		case reflect.String:
			if k.String() == "__decoder" {
				return unsupported(t, `a key "__decoder" would be read as an envelope`)
			}
			e.buf = appendPyString(e.buf, k.String())
		case reflect.Bool:
			e.buf = append(e.buf, '"')
			e.buf = strconv.AppendBool(e.buf, k.Bool())
			e.buf = append(e.buf, '"')
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			e.buf = append(e.buf, '"')
			e.buf = strconv.AppendInt(e.buf, k.Int(), 10)
			e.buf = append(e.buf, '"')
		default:
			e.buf = append(e.buf, '"')
			e.buf = strconv.AppendUint(e.buf, k.Uint(), 10)
			e.buf = append(e.buf, '"')
		}
		e.buf = append(e.buf, ": "...)
		if err := e.value(v.MapIndex(k)); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, '}')
	return nil
}

func cmpInt[T int64 | uint64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func (e *pyEnc) structure(v reflect.Value) error {
	fields, err := e.st.structFields(v.Type())
	if err != nil {
		return err
	}
	e.buf = append(e.buf, '{')
	first := true
	for i := range fields {
		f := &fields[i]
		fv := fieldByIndex(v, f.index)
		if f.omit && isZero(fv) {
			continue
		}
		if !first {
			e.buf = append(e.buf, ", "...)
		}
		first = false
		e.buf = appendPyString(e.buf, f.name)
		e.buf = append(e.buf, ": "...)
		if err := e.value(fv); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, '}')
	return nil
}

// special writes the types of pySpecial.
func (e *pyEnc) special(v reflect.Value) error {
	t := v.Type()
	switch t {
	case pyTimeType:
		s, err := pyDateTimeText(v.Interface().(time.Time))
		if err != nil {
			return err
		}
		return e.strEnvelope("datetime", s)
	case pyDurationType:
		d := time.Duration(v.Int())
		if d%time.Microsecond != 0 {
			return unsupported(t, "%v has nanoseconds; Python's timedelta keeps microseconds", d)
		}
		us := int64(d / time.Microsecond)
		secs := appendPyFloat(nil, pyMicrosToSeconds(us))
		if back, ok := pySecondsToMicros(string(secs)); !ok || back != us {
			return unsupported(t, "%v is too long for a float of seconds to keep its microseconds", d)
		}
		return e.envelope("timedelta", func() error {
			e.buf = append(e.buf, secs...)
			return nil
		})
	case pyAddrType, pyNetIPType:
		var a netip.Addr
		if t == pyNetIPType {
			ip := v.Interface().(net.IP)
			if ip == nil {
				e.buf = append(e.buf, "null"...)
				return nil
			}
			var ok bool
			if a, ok = netip.AddrFromSlice(ip); !ok {
				return unsupported(t, "a net.IP of %d bytes", len(ip))
			}
		} else {
			a = v.Interface().(netip.Addr)
		}
		switch {
		case a.Is4():
			return e.strEnvelope("ipv4address", a.String())
		case a.Is6():
			return e.strEnvelope("ipv6address", a.String())
		}
		return unsupported(t, "the zero netip.Addr has no Python counterpart")
	case pyPrefixType:
		p := v.Interface().(netip.Prefix)
		switch {
		case !p.IsValid():
			return unsupported(t, "an invalid netip.Prefix has no Python counterpart")
		case p != p.Masked():
			return unsupported(t, "%v has host bits; a Python network cannot (use codec.IPInterface)", p)
		case p.Addr().Is4():
			return e.strEnvelope("ipv4network", p.String())
		}
		return e.strEnvelope("ipv6network", p.String())
	case pyInterfaceType:
		p := v.Interface().(IPInterface).Prefix
		switch {
		case !p.IsValid():
			return unsupported(t, "an invalid prefix has no Python counterpart")
		case p.Addr().Is4():
			return e.strEnvelope("ipv4interface", p.String())
		}
		return e.strEnvelope("ipv6interface", p.String())
	case pyRegexpType:
		re := v.Interface().(*regexp.Regexp)
		if re == nil {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		p, err := patternOfRegexp(re)
		if err != nil {
			return err
		}
		return e.pattern(p)
	case pyBigIntPtrType:
		n := v.Interface().(*big.Int)
		if n == nil {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		e.buf = n.Append(e.buf, 10)
		return nil
	case pyBigIntType:
		n := v.Interface().(big.Int)
		e.buf = n.Append(e.buf, 10)
		return nil
	case pyDecimalType:
		return e.strEnvelope("decimal", v.Interface().(Decimal).String())
	case pyUUIDType:
		return e.strEnvelope("uuid", v.Interface().(UUID).String())
	case pyPathType:
		p := v.String()
		if clean := CleanPosixPath(p); string(clean) != p {
			return unsupported(t, "Python would read %q as %q (see CleanPosixPath)", p, clean)
		}
		return e.strEnvelope("posixpath", p)
	case pyPatternType:
		return e.pattern(v.Interface().(Pattern))
	case pyDateType:
		d := v.Interface().(Date)
		if !validDate(d.Year, d.Month, d.Day) {
			return unsupported(t, "%+v is not a date Python can hold", d)
		}
		return e.strEnvelope("date", d.String())
	case pyClockType:
		c := v.Interface().(TimeOfDay)
		s, err := pyClockText(c)
		if err != nil {
			return err
		}
		return e.strEnvelope("time", s)
	case pyNaiveType:
		n := v.Interface().(NaiveDateTime)
		if !validDate(n.Year, n.Month, n.Day) {
			return unsupported(t, "%+v is not a datetime Python can hold", n)
		}
		s, err := pyClockText(TimeOfDay{Hour: n.Hour, Minute: n.Minute, Second: n.Second, Microsecond: n.Microsecond})
		if err != nil {
			return err
		}
		return e.strEnvelope("datetime", Date{n.Year, n.Month, n.Day}.String()+" "+s)
	}
	switch name := reflect.Zero(t).Interface().(pyGeneric).pyEnvelope(); name {
	case "deque":
		items, maxLen := v.Field(0), v.Field(1)
		bound := -1
		if !maxLen.IsNil() {
			bound = int(maxLen.Elem().Int())
			if bound < 0 || items.Len() > bound {
				return unsupported(t, "a deque of %d items with maxlen %d", items.Len(), bound)
			}
		}
		return e.envelope("deque", func() error {
			e.buf = append(e.buf, `{"iterable": `...)
			if err := e.list(items); err != nil {
				return err
			}
			e.buf = append(e.buf, `, "maxlen": `...)
			if bound < 0 {
				e.buf = append(e.buf, "null"...)
			} else {
				e.buf = strconv.AppendInt(e.buf, int64(bound), 10)
			}
			e.buf = append(e.buf, '}')
			return nil
		})
	default:
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		return e.set(v, name)
	}
}

func (e *pyEnc) pattern(p Pattern) error {
	if err := checkPatternFlags(p); err != nil {
		return err
	}
	return e.envelope("pattern", func() error {
		e.buf = append(e.buf, `{"pattern": `...)
		e.buf = appendPyString(e.buf, string(appendPyString(nil, p.Source)))
		e.buf = append(e.buf, `, "flags": `...)
		e.buf = strconv.AppendInt(e.buf, int64(p.Flags), 10)
		e.buf = append(e.buf, '}')
		return nil
	})
}

// pyMicrosToSeconds is timedelta.total_seconds() of a timedelta of us
// microseconds: us / 10**6, correctly rounded.
func pyMicrosToSeconds(us int64) float64 {
	f, _ := new(big.Rat).SetFrac64(us, 1e6).Float64()
	return f
}

// pyEqualityKey returns, for a set member that Python may find equal to
// another member that Go keeps apart, a key equal for exactly those
// members: numbers of any type by value (1, 1.0, True and Decimal("1.0")
// are one member in Python; NaN is one shared object once decoded), and
// aware datetimes and times by instant, whatever their offsets.
func pyEqualityKey(v reflect.Value) (string, bool) {
	for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer && v.Type() != pyBigIntPtrType {
		if v.IsNil() {
			return "", false
		}
		v = v.Elem()
	}
	switch v.Type() {
	case pyDecimalType:
		if r, ok := v.Interface().(Decimal).Rat(); ok {
			return "n" + r.RatString(), true
		}
		return "", false
	case pyBigIntPtrType:
		if v.IsNil() {
			return "", false
		}
		return "n" + v.Interface().(*big.Int).String(), true
	case pyBigIntType:
		b := v.Interface().(big.Int)
		return "n" + b.String(), true
	case pyTimeType:
		t := v.Interface().(time.Time)
		return "t" + strconv.FormatInt(t.Unix(), 10) + "." + strconv.Itoa(t.Nanosecond()), true
	case pyClockType:
		c := v.Interface().(TimeOfDay)
		if !c.Aware {
			return "", false
		}
		day := time.Duration(c.Hour)*time.Hour + time.Duration(c.Minute)*time.Minute +
			time.Duration(c.Second)*time.Second + time.Duration(c.Microsecond)*time.Microsecond
		return "c" + strconv.FormatInt(int64(day-c.Offset), 10), true
	case pyDurationType:
		return "", false
	}
	switch v.Kind() {
	case reflect.Bool:
		return "n" + strconv.FormatInt(boolInt(v.Bool()), 10), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "n" + strconv.FormatInt(v.Int(), 10), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "n" + strconv.FormatUint(v.Uint(), 10), true
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		switch {
		case math.IsNaN(f):
			return "nan", true
		case math.IsInf(f, 0):
			return "n" + strconv.FormatFloat(f, 'g', -1, 64), true
		}
		return "n" + new(big.Rat).SetFloat64(f).RatString(), true
	}
	return "", false
}
