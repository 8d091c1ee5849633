package codec

import (
	"reflect"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// A time.Time is a JSON string: the date and time of day in its own zone,
// with nanoseconds, then the zone offset (Z for zero, seconds when the
// offset has them, as local mean time does), then, unless the location is
// UTC, a space and the location's name; in parentheses when the location
// is a fixed zone (time.FixedZone) rather than one time.LoadLocation gives
// by that name. For example:
//
//	"2024-05-01T10:00:00Z"
//	"2024-05-01T12:00:00.5+02:00 Europe/Paris"
//	"2024-05-01T15:30:00+05:30 (IST)"
//
// Years beyond 0000-9999 keep every digit and a sign. Decoding restores
// the instant exactly, and the location: UTC; Local, the decoding
// process's local zone; a fixed zone with the written name and offset; or
// time.LoadLocation's zone of that name, provided it gives the written
// offset at that instant, else again a fixed zone, so that the wall clock
// and the zone name are kept even where the zone database is missing. The
// monotonic clock reading is not kept.

func encTime(e *encState, v reflect.Value) error {
	t, _ := reflect.TypeAssert[time.Time](v)
	var scratch [64]byte
	e.buf = appendString(e.buf, appendTimeText(scratch[:0], t))
	return nil
}

func appendTimeText(b []byte, t time.Time) []byte {
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	if year < 0 {
		b = append(b, '-')
		year = -year
	}
	b = appendPadded(b, year, 4)
	b = append(b, '-')
	b = appendPadded(b, int(month), 2)
	b = append(b, '-')
	b = appendPadded(b, day, 2)
	b = append(b, 'T')
	b = appendPadded(b, hour, 2)
	b = append(b, ':')
	b = appendPadded(b, minute, 2)
	b = append(b, ':')
	b = appendPadded(b, sec, 2)
	if ns := t.Nanosecond(); ns != 0 {
		b = append(b, '.')
		digits := 9
		for ns%10 == 0 {
			ns /= 10
			digits--
		}
		b = appendPadded(b, ns, digits)
	}
	_, offset := t.Zone()
	if offset == 0 {
		b = append(b, 'Z')
	} else {
		if offset < 0 {
			b = append(b, '-')
			offset = -offset
		} else {
			b = append(b, '+')
		}
		b = appendPadded(b, offset/3600, 2)
		b = append(b, ':')
		b = appendPadded(b, offset/60%60, 2)
		if offset%60 != 0 {
			b = append(b, ':')
			b = appendPadded(b, offset%60, 2)
		}
	}
	if loc := t.Location(); loc != time.UTC {
		b = append(b, ' ')
		if isFixed(t, loc) {
			b = append(b, '(')
			b = append(b, loc.String()...)
			b = append(b, ')')
		} else {
			b = append(b, loc.String()...)
		}
	}
	return b
}

// isFixed reports whether loc, t's location, would not be restored by
// loading its name: it has a name no zone has, or the zone of that name
// gives t another abbreviation or offset.
func isFixed(t time.Time, loc *time.Location) bool {
	if loc == time.Local {
		return false
	}
	loaded := loadZone(loc.String())
	if loaded == nil {
		return true
	}
	abbr, off := t.Zone()
	la, lo := t.In(loaded).Zone()
	return la != abbr || lo != off
}

// appendPadded appends n, which is not negative, with leading zeros up to
// width digits.
func appendPadded(b []byte, n, width int) []byte {
	var digits [20]byte
	s := strconv.AppendInt(digits[:0], int64(n), 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

func decTime(d *decState, v reflect.Value) error {
	if d.peek() != '"' {
		return d.typeErr(v.Type(), "time string")
	}
	s, err := d.stringBytes()
	if err != nil {
		return err
	}
	t, ok := parseTimeText(s)
	if !ok {
		return d.errf("decoding %v: malformed time %q", v.Type(), s)
	}
	v.Set(reflect.ValueOf(t))
	return nil
}

// timeParser reads the fields of a time string in order.
type timeParser struct {
	s  []byte
	ok bool
}

// digits reads between min and max decimal digits.
func (p *timeParser) digits(min, max int) int {
	n, i := 0, 0
	for i < len(p.s) && i < max && isDigit(p.s[i]) {
		n = n*10 + int(p.s[i]-'0')
		i++
	}
	if i < min {
		p.ok = false
	}
	p.s = p.s[i:]
	return n
}

// sep reads the byte c.
func (p *timeParser) sep(c byte) {
	if len(p.s) == 0 || p.s[0] != c {
		p.ok = false
		return
	}
	p.s = p.s[1:]
}

// peekByte reports whether the next byte is c, consuming it if so.
func (p *timeParser) peekByte(c byte) bool {
	if len(p.s) > 0 && p.s[0] == c {
		p.s = p.s[1:]
		return true
	}
	return false
}

func parseTimeText(s []byte) (time.Time, bool) {
	p := timeParser{s: s, ok: true}
	neg := p.peekByte('-')
	year := p.digits(4, 12)
	if neg {
		year = -year
	}
	p.sep('-')
	month := p.digits(2, 2)
	p.sep('-')
	day := p.digits(2, 2)
	p.sep('T')
	hour := p.digits(2, 2)
	p.sep(':')
	minute := p.digits(2, 2)
	p.sep(':')
	sec := p.digits(2, 2)
	nsec := 0
	if p.peekByte('.') {
		before := len(p.s)
		nsec = p.digits(1, 9)
		for i := before - len(p.s); i < 9; i++ {
			nsec *= 10
		}
	}
	offset := 0
	switch {
	case p.peekByte('Z'):
	case p.peekByte('+'), p.peekByte('-'):
		sign := 1
		if s[len(s)-len(p.s)-1] == '-' {
			sign = -1
		}
		h := p.digits(2, 6)
		p.sep(':')
		m := p.digits(2, 2)
		secs := 0
		if p.peekByte(':') {
			secs = p.digits(2, 2)
		}
		offset = sign * (h*3600 + m*60 + secs)
	default:
		p.ok = false
	}
	hasName := p.peekByte(' ')
	if !p.ok || !hasName && len(p.s) != 0 || month < 1 || month > 12 || day < 1 || day > 31 ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.FixedZone("", offset))
	if !hasName {
		return t.UTC(), true
	}
	if n := len(p.s); n >= 2 && p.s[0] == '(' && p.s[n-1] == ')' {
		return t.In(time.FixedZone(string(p.s[1:n-1]), offset)), true
	}
	return t.In(zone(string(p.s), t, offset)), true
}

// zone returns the location called name that has the given offset at t.
func zone(name string, t time.Time, offset int) *time.Location {
	if name == "Local" {
		return time.Local
	}
	if loc := loadZone(name); loc != nil {
		if _, off := t.In(loc).Zone(); off == offset {
			return loc
		}
	}
	return time.FixedZone(name, offset)
}

// Zones loaded by name, and names that failed to load. Loaded zones are
// few (the zone database's); failures are bounded, since names come from
// data.
var (
	zones        sync.Map // string -> *time.Location, nil for a failure
	zoneFailures atomic.Int64
)

const maxZoneMisses = 1024

func loadZone(name string) *time.Location {
	if name == "" {
		return nil // time.LoadLocation("") is UTC, not a zone called ""
	}
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	switch {
	case err == nil:
		zones.Store(name, loc)
	case zoneFailures.Add(1) <= maxZoneMisses:
		zones.Store(name, (*time.Location)(nil))
	}
	if err != nil {
		return nil
	}
	return loc
}
