package codec

import (
	"fmt"
	"math"
	"math/big"
	"net"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// pyDec turns a parsed tree into a Go value, strictly: a node that does
// not fit the target type is an error, never a zero value.
type pyDec struct {
	st    *pyState
	depth int
}

func pyErr(n *pyNode, format string, args ...any) error {
	return fmt.Errorf("%w at offset %d: %s", ErrInvalidData, n.off, fmt.Sprintf(format, args...))
}

func pyTypeErr(n *pyNode, t reflect.Type, want string) error {
	found := n.kind.String()
	if name, _, ok := pyEnvelopeName(n); ok {
		found = fmt.Sprintf("envelope %q", name)
	}
	return pyErr(n, "decoding %v: want %s, found %s", t, want, found)
}

// pyEnvelopeName reports whether n is an object read as an envelope (it has
// a "__decoder" key, as Python's object hook sees it), and its name and
// value when it is a well-formed one.
func pyEnvelopeName(n *pyNode) (name string, val *pyNode, ok bool) {
	if n.kind != pyDict {
		return "", nil, false
	}
	dec := n.field("__decoder")
	if dec == nil {
		return "", nil, false
	}
	val = n.field("__val")
	if dec.kind != pyStr || val == nil || len(n.keys) != 2 {
		return "", nil, true
	}
	return dec.text, val, true
}

// envelope returns the value of the envelope n, which must have one of the
// names given.
func (d *pyDec) envelope(n *pyNode, t reflect.Type, names ...string) (string, *pyNode, error) {
	name, val, ok := pyEnvelopeName(n)
	if ok && val == nil {
		return "", nil, pyErr(n, `decoding %v: a malformed envelope (it needs exactly "__val" and a string "__decoder")`, t)
	}
	if ok {
		for _, want := range names {
			if name == want {
				return name, val, nil
			}
		}
	}
	return "", nil, pyTypeErr(n, t, fmt.Sprintf("envelope %q", strings.Join(names, `" or "`)))
}

// envString returns the string value of an envelope.
func (d *pyDec) envString(n *pyNode, t reflect.Type, names ...string) (string, string, error) {
	name, val, err := d.envelope(n, t, names...)
	if err != nil {
		return "", "", err
	}
	if val.kind != pyStr {
		return "", "", pyTypeErr(val, t, "string")
	}
	return name, val.text, nil
}

// dictFields checks that n is an object with exactly the keys given, and
// returns their values in that order.
func dictFields(n *pyNode, t reflect.Type, keys ...string) ([]*pyNode, error) {
	if n.kind != pyDict || len(n.keys) != len(keys) {
		return nil, pyTypeErr(n, t, fmt.Sprintf("object with keys %q", keys))
	}
	out := make([]*pyNode, len(keys))
	for i, k := range keys {
		if out[i] = n.field(k); out[i] == nil {
			return nil, pyTypeErr(n, t, fmt.Sprintf("object with keys %q", keys))
		}
	}
	return out, nil
}

func (d *pyDec) value(n *pyNode, v reflect.Value) error {
	if d.depth++; d.depth > maxDepth {
		return pyErr(n, "nesting deeper than %d levels", maxDepth)
	}
	err := d.value1(n, v)
	d.depth--
	return err
}

func (d *pyDec) value1(n *pyNode, v reflect.Value) error {
	t := v.Type()
	if c := d.st.byType[t]; c != nil {
		_, val, err := d.envelope(n, t, c.name)
		if err != nil {
			return err
		}
		x, err := d.registered(c, val)
		if err != nil {
			return err
		}
		v.Set(x)
		return nil
	}
	if t.Kind() == reflect.Interface {
		x, err := d.natural(n)
		if err != nil {
			return err
		}
		if x == nil {
			v.SetZero()
			return nil
		}
		xv := reflect.ValueOf(x)
		if !xv.Type().AssignableTo(t) {
			return pyErr(n, "decoding %v: a %v does not implement it", t, xv.Type())
		}
		v.Set(xv)
		return nil
	}
	if pySpecial(t) {
		return d.special(n, v)
	}
	switch t.Kind() {
	case reflect.Pointer:
		if n.kind == pyNull {
			v.SetZero()
			return nil
		}
		p := reflect.New(t.Elem())
		if err := d.value(n, p.Elem()); err != nil {
			return err
		}
		v.Set(p)
	case reflect.Bool:
		if n.kind != pyBool {
			return pyTypeErr(n, t, "boolean")
		}
		v.SetBool(n.b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, err := pyIntOf(n, t)
		if err != nil {
			return err
		}
		if v.OverflowInt(i) {
			return pyErr(n, "decoding %v: %s out of range", t, n.text)
		}
		v.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if n.kind != pyInt {
			return pyTypeErr(n, t, "integer")
		}
		u, err := strconv.ParseUint(n.text, 10, 64)
		if err != nil || v.OverflowUint(u) {
			return pyErr(n, "decoding %v: %s out of range", t, n.text)
		}
		v.SetUint(u)
	case reflect.Float32, reflect.Float64:
		f, err := pyFloatOf(n, t)
		if err != nil {
			return err
		}
		if t.Kind() == reflect.Float32 && float64(float32(f)) != f && !math.IsNaN(f) {
			return pyErr(n, "decoding %v: %s is not exactly a float32", t, n.text)
		}
		v.SetFloat(f)
	case reflect.String:
		if n.kind != pyStr {
			return pyTypeErr(n, t, "string")
		}
		v.SetString(n.text)
	case reflect.Slice:
		if n.kind == pyNull {
			v.SetZero()
			return nil
		}
		if t.Elem().Kind() == reflect.Uint8 {
			b, err := d.bytes(n, t)
			if err != nil {
				return err
			}
			v.SetBytes(b)
			return nil
		}
		if n.kind != pyList {
			return pyTypeErr(n, t, "array")
		}
		s := reflect.MakeSlice(t, len(n.items), len(n.items))
		for i := range n.items {
			if err := d.value(&n.items[i], s.Index(i)); err != nil {
				return err
			}
		}
		v.Set(s)
	case reflect.Array:
		if n.kind != pyList || len(n.items) != t.Len() {
			return pyTypeErr(n, t, fmt.Sprintf("array of %d elements", t.Len()))
		}
		for i := range n.items {
			if err := d.value(&n.items[i], v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		if n.kind == pyNull {
			v.SetZero()
			return nil
		}
		if t.Elem() == pyEmptyStruct {
			return d.set(n, v, "set")
		}
		return d.dict(n, v)
	case reflect.Struct:
		return d.structure(n, v)
	default:
		return fmt.Errorf("%w: %v: %v values have no Python counterpart", ErrUnsupported, t, t.Kind())
	}
	return nil
}

func (d *pyDec) registered(c *pyCoder, val *pyNode) (reflect.Value, error) {
	r := reflect.New(c.repr).Elem()
	if err := d.value(val, r); err != nil {
		return reflect.Value{}, err
	}
	return c.dec(r)
}

func pyIntOf(n *pyNode, t reflect.Type) (int64, error) {
	if n.kind != pyInt {
		return 0, pyTypeErr(n, t, "integer")
	}
	i, err := strconv.ParseInt(n.text, 10, 64)
	if err != nil || n.text == "-0" {
		return 0, pyErr(n, "decoding %v: %s out of range", t, n.text)
	}
	return i, nil
}

// pyFloat reads a float written as Python writes it; other digits, which
// may have been rounded, are refused.
func pyFloatOf(n *pyNode, t reflect.Type) (float64, error) {
	if n.kind != pyFloat {
		return 0, pyTypeErr(n, t, "float")
	}
	var f float64
	switch n.text {
	case "NaN":
		return math.NaN(), nil
	case "Infinity":
		return math.Inf(1), nil
	case "-Infinity":
		return math.Inf(-1), nil
	}
	f, err := strconv.ParseFloat(n.text, 64)
	if err != nil {
		return 0, pyErr(n, "decoding %v: %s out of range", t, n.text)
	}
	if string(appendPyFloat(nil, f)) != n.text {
		return 0, pyErr(n, "decoding %v: %s is not written as Python writes a float", t, n.text)
	}
	return f, nil
}

// natural returns the Go value of n for an interface target.
func (d *pyDec) natural(n *pyNode) (any, error) {
	if d.depth++; d.depth > maxDepth {
		return nil, pyErr(n, "nesting deeper than %d levels", maxDepth)
	}
	x, err := d.natural1(n)
	d.depth--
	return x, err
}

func (d *pyDec) natural1(n *pyNode) (any, error) {
	switch n.kind {
	case pyNull:
		return nil, nil
	case pyBool:
		return n.b, nil
	case pyInt:
		if i, err := strconv.ParseInt(n.text, 10, 64); err == nil && n.text != "-0" {
			return i, nil
		}
		b, ok := new(big.Int).SetString(n.text, 10)
		if !ok || n.text == "-0" {
			return nil, pyErr(n, "malformed integer %s", n.text)
		}
		return b, nil
	case pyFloat:
		return pyFloatOf(n, reflect.TypeFor[float64]())
	case pyStr:
		return n.text, nil
	case pyList:
		s := make([]any, len(n.items))
		for i := range n.items {
			x, err := d.natural(&n.items[i])
			if err != nil {
				return nil, err
			}
			s[i] = x
		}
		return s, nil
	}
	name, val, isEnv := pyEnvelopeName(n)
	if !isEnv {
		m := make(map[string]any, len(n.keys))
		for i, k := range n.keys {
			x, err := d.natural(&n.items[i])
			if err != nil {
				return nil, err
			}
			m[k] = x
		}
		return m, nil
	}
	if val == nil {
		return nil, pyErr(n, `a malformed envelope (it needs exactly "__val" and a string "__decoder")`)
	}
	var target reflect.Type
	switch name {
	case "set":
		target = reflect.TypeFor[Set[any]]()
	case "frozenset":
		target = reflect.TypeFor[FrozenSet[any]]()
	case "deque":
		target = reflect.TypeFor[Deque[any]]()
	case "bytes":
		target = reflect.TypeFor[[]byte]()
	case "uuid":
		target = pyUUIDType
	case "posixpath":
		target = pyPathType
	case "pattern":
		target = pyPatternType
	case "time":
		target = pyClockType
	case "date":
		target = pyDateType
	case "datetime":
		target = pyNaiveType
		if _, aware, _, ok := parsePyDateTime(val.text); ok && aware {
			target = pyTimeType
		}
	case "timedelta":
		target = pyDurationType
	case "decimal":
		target = pyDecimalType
	case "ipv4address", "ipv6address":
		target = pyAddrType
	case "ipv4network", "ipv6network":
		target = pyPrefixType
	case "ipv4interface", "ipv6interface":
		target = pyInterfaceType
	default:
		c := d.st.byName[name]
		if c == nil {
			return nil, fmt.Errorf("%w at offset %d: no decoder for the Python type %q (register it with RegisterPython)", ErrUnsupported, n.off, name)
		}
		x, err := d.registered(c, val)
		if err != nil {
			return nil, err
		}
		return x.Interface(), nil
	}
	x := reflect.New(target).Elem()
	if err := d.value(n, x); err != nil {
		return nil, err
	}
	return x.Interface(), nil
}

// set reads a set or frozenset envelope into the map v.
func (d *pyDec) set(n *pyNode, v reflect.Value, name string) error {
	t := v.Type()
	_, val, err := d.envelope(n, t, name)
	if err != nil {
		return err
	}
	if val.kind != pyList {
		return pyTypeErr(val, t, "array of members")
	}
	m := reflect.MakeMapWithSize(t, len(val.items))
	present := reflect.ValueOf(struct{}{})
	for i := range val.items {
		k := reflect.New(t.Key()).Elem()
		if err := d.value(&val.items[i], k); err != nil {
			return err
		}
		if !k.Comparable() {
			return fmt.Errorf("%w at offset %d: decoding %v: a member of type %v cannot be a Go map key", ErrUnsupported, val.items[i].off, t, k.Elem().Type())
		}
		if m.MapIndex(k).IsValid() {
			return pyErr(&val.items[i], "decoding %v: a member given twice", t)
		}
		m.SetMapIndex(k, present)
	}
	v.Set(m)
	return nil
}

func (d *pyDec) dict(n *pyNode, v reflect.Value) error {
	t := v.Type()
	if _, _, env := pyEnvelopeName(n); env || n.kind != pyDict {
		return pyTypeErr(n, t, "object")
	}
	kt := t.Key()
	m := reflect.MakeMapWithSize(t, len(n.keys))
	for i, ks := range n.keys {
		k := reflect.New(kt).Elem()
		bad := func() error { return pyErr(&n.items[i], "decoding %v: key %q is not a %v", t, ks, kt) }
		switch kt.Kind() {
		case reflect.String:
			k.SetString(ks)
		case reflect.Bool:
			switch ks {
			case "true":
				k.SetBool(true)
			case "false":
			default:
				return bad()
			}
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			x, err := strconv.ParseInt(ks, 10, 64)
			if err != nil || k.OverflowInt(x) || strconv.FormatInt(x, 10) != ks {
				return bad()
			}
			k.SetInt(x)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			x, err := strconv.ParseUint(ks, 10, 64)
			if err != nil || k.OverflowUint(x) || strconv.FormatUint(x, 10) != ks {
				return bad()
			}
			k.SetUint(x)
		default:
			return fmt.Errorf("%w: %v: a Python dict written as JSON has string, integer or boolean keys", ErrUnsupported, t)
		}
		if m.MapIndex(k).IsValid() {
			return bad()
		}
		e := reflect.New(t.Elem()).Elem()
		if err := d.value(&n.items[i], e); err != nil {
			return err
		}
		m.SetMapIndex(k, e)
	}
	v.Set(m)
	return nil
}

func (d *pyDec) structure(n *pyNode, v reflect.Value) error {
	t := v.Type()
	fields, err := d.st.structFields(t)
	if err != nil {
		return err
	}
	if _, _, env := pyEnvelopeName(n); env || n.kind != pyDict {
		return pyTypeErr(n, t, "object")
	}
	v.SetZero()
	seen := make([]bool, len(fields))
	for i, k := range n.keys {
		j := -1
		for x := range fields {
			if fields[x].name == k {
				j = x
				break
			}
		}
		if j < 0 {
			return pyErr(&n.items[i], "decoding %v: no field %q", t, k)
		}
		seen[j] = true
		if err := d.value(&n.items[i], fieldByIndex(v, fields[j].index)); err != nil {
			return err
		}
	}
	for j, f := range fields {
		if !seen[j] && !f.omit {
			return pyErr(n, "decoding %v: field %q is missing", t, f.name)
		}
	}
	return nil
}

// bytes reads a bytes envelope: the text and the charset it is to be
// encoded with.
func (d *pyDec) bytes(n *pyNode, t reflect.Type) ([]byte, error) {
	_, val, err := d.envelope(n, t, "bytes")
	if err != nil {
		return nil, err
	}
	f, err := dictFields(val, t, "bytes", "encoding")
	if err != nil {
		return nil, err
	}
	if f[0].kind != pyStr || f[1].kind != pyStr {
		return nil, pyTypeErr(val, t, `strings "bytes" and "encoding"`)
	}
	b, err := pyEncodeText(f[0].text, f[1].text)
	if err != nil {
		return nil, fmt.Errorf("%w at offset %d: decoding %v: %w", ErrInvalidData, val.off, t, err)
	}
	return b, nil
}

// pyEncodeText does what Python's str.encode(charset) does, for the
// charsets a detector names for text: ASCII, UTF-8 (with or without a
// byte order mark), Latin-1 and Windows-1252.
func pyEncodeText(s, charset string) ([]byte, error) {
	name := strings.ReplaceAll(strings.ToLower(charset), "_", "-")
	if !utf8.ValidString(s) {
		return nil, fmt.Errorf("the text holds lone surrogates, which %s cannot encode", charset)
	}
	switch name {
	case "ascii", "us-ascii":
		for i := 0; i < len(s); i++ {
			if s[i] >= utf8.RuneSelf {
				return nil, fmt.Errorf("the text is not ASCII")
			}
		}
		return []byte(s), nil
	case "utf-8", "utf8":
		return []byte(s), nil
	case "utf-8-sig":
		return append([]byte("\ufeff"), s...), nil
	case "latin-1", "latin1", "iso-8859-1", "iso8859-1":
		b := make([]byte, 0, len(s))
		for _, r := range s {
			if r > 0xff {
				return nil, fmt.Errorf("%q is not in %s", r, charset)
			}
			b = append(b, byte(r))
		}
		return b, nil
	case "windows-1252", "cp1252":
		b := make([]byte, 0, len(s))
		for _, r := range s {
			c, ok := cp1252Byte(r)
			if !ok {
				return nil, fmt.Errorf("%q is not in %s", r, charset)
			}
			b = append(b, c)
		}
		return b, nil
	}
	return nil, fmt.Errorf("%w: charset %q", ErrUnsupported, charset)
}

// cp1252High maps bytes 0x80 to 0x9f of Windows-1252; 0 marks the five
// bytes Python's cp1252 codec leaves undefined.
var cp1252High = [32]rune{
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
}

func cp1252Byte(r rune) (byte, bool) {
	if r < 0x80 || (r >= 0xa0 && r <= 0xff) {
		return byte(r), true
	}
	for i, x := range cp1252High {
		if x != 0 && x == r {
			return byte(0x80 + i), true
		}
	}
	return 0, false
}

// special reads the types of pySpecial.
func (d *pyDec) special(n *pyNode, v reflect.Value) error {
	t := v.Type()
	set := func(x any) error {
		v.Set(reflect.ValueOf(x))
		return nil
	}
	bad := func(what, s string) error { return pyErr(n, "decoding %v: %q is not %s", t, s, what) }
	switch t {
	case pyTimeType:
		_, s, err := d.envString(n, t, "datetime")
		if err != nil {
			return err
		}
		nd, aware, off, ok := parsePyDateTime(s)
		switch {
		case !ok:
			return bad("a datetime as Python writes it", s)
		case !aware:
			return pyErr(n, "decoding %v: %q is a naive datetime (decode it into a codec.NaiveDateTime)", t, s)
		}
		tm, err := pyTimeOf(nd, off)
		if err != nil {
			return err
		}
		return set(tm)
	case pyNaiveType:
		_, s, err := d.envString(n, t, "datetime")
		if err != nil {
			return err
		}
		nd, aware, _, ok := parsePyDateTime(s)
		switch {
		case !ok:
			return bad("a datetime as Python writes it", s)
		case aware:
			return pyErr(n, "decoding %v: %q has a UTC offset (decode it into a time.Time)", t, s)
		}
		return set(nd)
	case pyDateType:
		_, s, err := d.envString(n, t, "date")
		if err != nil {
			return err
		}
		x, ok := parsePyDate(s)
		if !ok {
			return bad("a date", s)
		}
		return set(x)
	case pyClockType:
		_, s, err := d.envString(n, t, "time")
		if err != nil {
			return err
		}
		x, ok := parsePyClock(s)
		if !ok {
			return bad("a time as Python writes it", s)
		}
		return set(x)
	case pyDurationType:
		_, val, err := d.envelope(n, t, "timedelta")
		if err != nil {
			return err
		}
		if val.kind != pyFloat {
			return pyTypeErr(val, t, "float of seconds")
		}
		us, ok := pySecondsToMicros(val.text)
		if !ok {
			return pyErr(val, "decoding %v: %s is not the total_seconds() of a timedelta that fits", t, val.text)
		}
		return set(time.Duration(us) * time.Microsecond)
	case pyAddrType, pyNetIPType:
		if t == pyNetIPType && n.kind == pyNull {
			v.SetZero()
			return nil
		}
		name, s, err := d.envString(n, t, "ipv4address", "ipv6address")
		if err != nil {
			return err
		}
		a, err := netip.ParseAddr(s)
		if err != nil || (name == "ipv4address") != a.Is4() {
			return bad("an "+name[:4]+" address", s)
		}
		if t == pyAddrType {
			return set(a)
		}
		if a.Zone() != "" {
			return fmt.Errorf("%w at offset %d: decoding %v: a net.IP cannot hold the zone of %s", ErrUnsupported, n.off, t, s)
		}
		return set(net.IP(a.AsSlice()))
	case pyPrefixType:
		name, s, err := d.envString(n, t, "ipv4network", "ipv6network")
		if err != nil {
			return err
		}
		p, err := netip.ParsePrefix(s)
		if err != nil || p != p.Masked() || (name == "ipv4network") != p.Addr().Is4() {
			return bad("an "+name[:4]+" network", s)
		}
		return set(p)
	case pyInterfaceType:
		name, s, err := d.envString(n, t, "ipv4interface", "ipv6interface")
		if err != nil {
			return err
		}
		p, err := netip.ParsePrefix(s)
		if err != nil || (name == "ipv4interface") != p.Addr().Is4() {
			if strings.Contains(s, "%") {
				return fmt.Errorf("%w at offset %d: decoding %v: a netip.Prefix cannot hold the zone of %s", ErrUnsupported, n.off, t, s)
			}
			return bad("an "+name[:4]+" interface", s)
		}
		return set(IPInterface{p})
	case pyRegexpType:
		if n.kind == pyNull {
			v.SetZero()
			return nil
		}
		p, err := d.pattern(n, t)
		if err != nil {
			return err
		}
		re, err := p.Regexp()
		if err != nil {
			return fmt.Errorf("%w (at offset %d)", err, n.off)
		}
		return set(re)
	case pyPatternType:
		p, err := d.pattern(n, t)
		if err != nil {
			return err
		}
		return set(p)
	case pyBigIntPtrType, pyBigIntType:
		if n.kind == pyNull && t == pyBigIntPtrType {
			v.SetZero()
			return nil
		}
		if n.kind != pyInt {
			return pyTypeErr(n, t, "integer")
		}
		b, ok := new(big.Int).SetString(n.text, 10)
		if !ok || n.text == "-0" {
			return pyErr(n, "malformed integer %s", n.text)
		}
		if t == pyBigIntType {
			return set(*b)
		}
		return set(b)
	case pyDecimalType:
		_, s, err := d.envString(n, t, "decimal")
		if err != nil {
			return err
		}
		x, err := ParseDecimal(s)
		if err != nil || x.String() != s {
			return bad("a decimal as Python writes it", s)
		}
		return set(x)
	case pyUUIDType:
		_, s, err := d.envString(n, t, "uuid")
		if err != nil {
			return err
		}
		u, err := ParseUUID(s)
		if err != nil || u.String() != s {
			return bad("a UUID as Python writes it", s)
		}
		return set(u)
	case pyPathType:
		_, s, err := d.envString(n, t, "posixpath")
		if err != nil {
			return err
		}
		if string(CleanPosixPath(s)) != s {
			return bad("a path as Python writes it", s)
		}
		return set(PosixPath(s))
	}
	name := reflect.Zero(t).Interface().(pyGeneric).pyEnvelope()
	if name != "deque" {
		if n.kind == pyNull {
			v.SetZero()
			return nil
		}
		return d.set(n, v, name)
	}
	_, val, err := d.envelope(n, t, "deque")
	if err != nil {
		return err
	}
	f, err := dictFields(val, t, "iterable", "maxlen")
	if err != nil {
		return err
	}
	items, maxLen := v.Field(0), v.Field(1)
	v.SetZero()
	switch {
	case f[0].kind != pyList:
		return pyTypeErr(f[0], t, "array of items")
	case len(f[0].items) > 0:
		if err := d.value(f[0], items); err != nil {
			return err
		}
	}
	switch f[1].kind {
	case pyNull:
	case pyInt:
		m, err := strconv.Atoi(f[1].text)
		if err != nil || m < 0 || m < len(f[0].items) || f[1].text == "-0" {
			return pyErr(f[1], "decoding %v: maxlen %s for %d items", t, f[1].text, len(f[0].items))
		}
		maxLen.Set(reflect.ValueOf(&m))
	default:
		return pyTypeErr(f[1], t, "integer or null maxlen")
	}
	return nil
}

// pattern reads a pattern envelope: {"pattern": json.dumps(source),
// "flags": n}.
func (d *pyDec) pattern(n *pyNode, t reflect.Type) (Pattern, error) {
	_, val, err := d.envelope(n, t, "pattern")
	if err != nil {
		return Pattern{}, err
	}
	f, err := dictFields(val, t, "pattern", "flags")
	if err != nil {
		return Pattern{}, err
	}
	if f[0].kind != pyStr || f[1].kind != pyInt {
		return Pattern{}, pyTypeErr(val, t, `string "pattern" and integer "flags"`)
	}
	inner, err := parsePy([]byte(f[0].text))
	if err != nil || inner.kind != pyStr || string(appendPyString(nil, inner.text)) != f[0].text {
		return Pattern{}, pyErr(f[0], "decoding %v: the source is not a JSON string as Python writes it", t)
	}
	flags, err := strconv.Atoi(f[1].text)
	if err != nil {
		return Pattern{}, pyErr(f[1], "decoding %v: flags %s out of range", t, f[1].text)
	}
	p := Pattern{Source: inner.text, Flags: flags}
	if err := checkPatternFlags(p); err != nil {
		return Pattern{}, fmt.Errorf("%w at offset %d: %w", ErrInvalidData, n.off, err)
	}
	return p, nil
}
