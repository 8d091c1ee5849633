package codec

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"time"
)

// Dates and times as Python's str() writes them: "2024-02-29",
// "13:45:07.123000+05:30", "2024-02-29 13:45:07-03:00". Microseconds are
// written only when not zero, an offset's seconds only when not zero.

func validDate(y int, m time.Month, d int) bool {
	if y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// appendPyOffset appends a UTC offset as Python writes it: "+05:30",
// "-03:00", "+05:30:15", "+05:30:15.000005".
func appendPyOffset(b []byte, off time.Duration) []byte {
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	us := int64(off / time.Microsecond)
	hh, mm, ss, frac := us/3600e6, us/60e6%60, us/1e6%60, us%1e6
	b = fmt.Appendf(b, "%c%02d:%02d", sign, hh, mm)
	if ss != 0 || frac != 0 {
		b = fmt.Appendf(b, ":%02d", ss)
	}
	if frac != 0 {
		b = fmt.Appendf(b, ".%06d", frac)
	}
	return b
}

func pyClockText(c TimeOfDay) (string, error) {
	if c.Hour < 0 || c.Hour > 23 || c.Minute < 0 || c.Minute > 59 || c.Second < 0 || c.Second > 59 ||
		c.Microsecond < 0 || c.Microsecond > 999999 {
		return "", unsupported(pyClockType, "%+v is not a time Python can hold", c)
	}
	b := fmt.Appendf(nil, "%02d:%02d:%02d", c.Hour, c.Minute, c.Second)
	if c.Microsecond != 0 {
		b = fmt.Appendf(b, ".%06d", c.Microsecond)
	}
	switch {
	case c.Aware:
		if c.Offset <= -24*time.Hour || c.Offset >= 24*time.Hour || c.Offset%time.Microsecond != 0 {
			return "", unsupported(pyClockType, "offset %v: Python's are whole microseconds within a day", c.Offset)
		}
		b = appendPyOffset(b, c.Offset)
	case c.Offset != 0:
		return "", unsupported(pyClockType, "an offset without Aware")
	}
	return string(b), nil
}

func pyDateTimeText(t time.Time) (string, error) {
	_, off := t.Zone()
	switch {
	case t.Year() < 1 || t.Year() > 9999:
		return "", unsupported(pyTimeType, "year %d is outside Python's 1 to 9999", t.Year())
	case t.Nanosecond()%1000 != 0:
		return "", unsupported(pyTimeType, "%v has nanoseconds; Python's datetime keeps microseconds", t)
	case off <= -86400 || off >= 86400:
		return "", unsupported(pyTimeType, "offset %ds is beyond Python's day", off)
	}
	b := fmt.Appendf(nil, "%04d-%02d-%02d %02d:%02d:%02d", t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second())
	if us := t.Nanosecond() / 1000; us != 0 {
		b = fmt.Appendf(b, ".%06d", us)
	}
	return string(appendPyOffset(b, time.Duration(off)*time.Second)), nil
}

// The parsers accept exactly the text the functions above write, which is
// what Python writes.

// digitsAt parses n digits of s at i.
func digitsAt(s string, i, n int) (int, bool) {
	if i+n > len(s) {
		return 0, false
	}
	v := 0
	for _, c := range []byte(s[i : i+n]) {
		if !isDigit(c) {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

func parsePyDate(s string) (Date, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, false
	}
	y, ok1 := digitsAt(s, 0, 4)
	m, ok2 := digitsAt(s, 5, 2)
	d, ok3 := digitsAt(s, 8, 2)
	if !ok1 || !ok2 || !ok3 || !validDate(y, time.Month(m), d) {
		return Date{}, false
	}
	return Date{y, time.Month(m), d}, true
}

// parsePyClock parses "HH:MM:SS[.ffffff][offset]".
func parsePyClock(s string) (TimeOfDay, bool) {
	var c TimeOfDay
	if len(s) < 8 || s[2] != ':' || s[5] != ':' {
		return c, false
	}
	var ok1, ok2, ok3 bool
	c.Hour, ok1 = digitsAt(s, 0, 2)
	c.Minute, ok2 = digitsAt(s, 3, 2)
	c.Second, ok3 = digitsAt(s, 6, 2)
	if !ok1 || !ok2 || !ok3 || c.Hour > 23 || c.Minute > 59 || c.Second > 59 {
		return c, false
	}
	rest := s[8:]
	if len(rest) > 0 && rest[0] == '.' {
		us, ok := digitsAt(rest, 1, 6)
		if !ok || us == 0 {
			return c, false
		}
		c.Microsecond, rest = us, rest[7:]
	}
	if rest == "" {
		return c, true
	}
	off, ok := parsePyOffset(rest)
	if !ok {
		return c, false
	}
	c.Aware, c.Offset = true, off
	return c, pyClockCanonical(c, s)
}

func pyClockCanonical(c TimeOfDay, s string) bool {
	text, err := pyClockText(c)
	return err == nil && text == s
}

// parsePyOffset parses "+HH:MM[:SS[.ffffff]]".
func parsePyOffset(s string) (time.Duration, bool) {
	if len(s) < 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' {
		return 0, false
	}
	hh, ok1 := digitsAt(s, 1, 2)
	mm, ok2 := digitsAt(s, 4, 2)
	if !ok1 || !ok2 || hh > 23 || mm > 59 {
		return 0, false
	}
	off := time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute
	rest := s[6:]
	if rest != "" {
		if rest[0] != ':' {
			return 0, false
		}
		ss, ok := digitsAt(rest, 1, 2)
		if !ok || ss > 59 {
			return 0, false
		}
		off += time.Duration(ss) * time.Second
		rest = rest[3:]
		if rest != "" {
			us, ok := digitsAt(rest, 1, 6)
			if rest[0] != '.' || len(rest) != 7 || !ok {
				return 0, false
			}
			off += time.Duration(us) * time.Microsecond
		}
	}
	if s[0] == '-' {
		off = -off
	}
	// Only the canonical text: no "-00:00", no ":00" seconds.
	if string(appendPyOffset(nil, off)) != s {
		return 0, false
	}
	return off, true
}

// parsePyDateTime parses "YYYY-MM-DD HH:MM:SS[.ffffff][offset]" into a
// NaiveDateTime, and the offset if there is one.
func parsePyDateTime(s string) (n NaiveDateTime, aware bool, off time.Duration, ok bool) {
	if len(s) < 19 || s[10] != ' ' {
		return n, false, 0, false
	}
	d, ok := parsePyDate(s[:10])
	if !ok {
		return n, false, 0, false
	}
	c, ok := parsePyClock(s[11:])
	if !ok {
		return n, false, 0, false
	}
	n = NaiveDateTime{d.Year, d.Month, d.Day, c.Hour, c.Minute, c.Second, c.Microsecond}
	return n, c.Aware, c.Offset, true
}

// pyTimeOf returns the time.Time of an aware datetime: in time.UTC when the
// offset is zero, otherwise in a fixed zone without a name.
func pyTimeOf(n NaiveDateTime, off time.Duration) (time.Time, error) {
	if off%time.Second != 0 {
		return time.Time{}, fmt.Errorf("%w: offset %v has a fraction of a second, which Go's time zones cannot hold", ErrUnsupported, off)
	}
	loc := time.UTC
	if off != 0 {
		loc = time.FixedZone("", int(off/time.Second))
	}
	return time.Date(n.Year, n.Month, n.Day, n.Hour, n.Minute, n.Second, n.Microsecond*1000, loc), nil
}

// pySecondsToMicros returns the microseconds of timedelta(seconds=f), as
// Python rounds them (half to even), and false unless f is written as
// Python writes it, is exactly the total_seconds() of that timedelta, and
// the timedelta fits a time.Duration.
func pySecondsToMicros(text string) (int64, bool) {
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || string(appendPyFloat(nil, f)) != text {
		return 0, false
	}
	if math.Abs(f) > 1e13 {
		return 0, false
	}
	r := new(big.Rat).SetFloat64(f)
	r.Mul(r, big.NewRat(1e6, 1))
	q, m := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
	// Round half to even: compare twice the remainder with the denominator.
	m.Abs(m).Lsh(m, 1)
	if c := m.Cmp(r.Denom()); c > 0 || (c == 0 && q.Bit(0) == 1) {
		if r.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	const limit = math.MaxInt64 / 1000
	if !q.IsInt64() || q.Int64() > limit || q.Int64() < -limit {
		return 0, false
	}
	us := q.Int64()
	return us, pyMicrosToSeconds(us) == f
}
