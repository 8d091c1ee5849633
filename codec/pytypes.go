package codec

import (
	"fmt"
	"net/netip"
	"time"
)

// The Go types below stand for Python types that no standard Go type
// tells apart from another: a set from a frozenset, a date or a naive
// datetime from an aware datetime, an interface address from a network.
// Python uses them: decoding into an interface value gives them, and
// encoding them gives the seed's envelope of the same name.

// Set is a Python set: Python encodes it as the "set" envelope. A plain
// map[T]struct{} is a set as well; decoding into an interface value gives
// a Set[any]. A nil Set is Python's None, an empty one an empty set.
type Set[T comparable] map[T]struct{}

// FrozenSet is a Python frozenset: the "frozenset" envelope. A nil
// FrozenSet is Python's None.
type FrozenSet[T comparable] map[T]struct{}

// Deque is a Python collections.deque: the "deque" envelope,
// {"iterable": [items], "maxlen": n or null}. MaxLen nil means no bound
// (Python's None). Encoding refuses a deque with more items than MaxLen,
// which Python would shorten. Items of an empty deque decode as nil.
type Deque[T any] struct {
	Items  []T
	MaxLen *int
}

// UUID is a Python uuid.UUID: the "uuid" envelope, whose value is the
// canonical text "123e4567-e89b-12d3-a456-426614174000".
type UUID [16]byte

// String returns the canonical text of u, in lower case.
func (u UUID) String() string {
	const hex = "0123456789abcdef"
	b := make([]byte, 0, 36)
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hex[c>>4], hex[c&0xf])
	}
	return string(b)
}

// ParseUUID parses the canonical text of a UUID, in lower or upper case.
func ParseUUID(s string) (UUID, error) {
	var u UUID
	if len(s) != 36 {
		return u, fmt.Errorf("cachetoolz: codec: %q is not a UUID", s)
	}
	j := 0
	for i := 0; i < 36; {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if s[i] != '-' {
				return u, fmt.Errorf("cachetoolz: codec: %q is not a UUID", s)
			}
			i++
			continue
		}
		hi, ok1 := unhex(s[i])
		lo, ok2 := unhex(s[i+1])
		if !ok1 || !ok2 {
			return u, fmt.Errorf("cachetoolz: codec: %q is not a UUID", s)
		}
		u[j] = hi<<4 | lo
		j++
		i += 2
	}
	return u, nil
}

// PosixPath is a Python pathlib.PosixPath: the "posixpath" envelope. Python
// normalises paths ("a//b/" is "a/b", "" is "."), so encoding refuses a
// path that is not in that form, which would come back changed; see
// CleanPosixPath.
type PosixPath string

// CleanPosixPath returns p in the form Python's pathlib gives it: repeated
// slashes and "." components removed, no trailing slash, "." for an empty
// path, and two leading slashes (but not three or more) kept. Unlike
// path.Clean it keeps ".." components.
func CleanPosixPath(p string) PosixPath {
	if p == "" {
		return "."
	}
	root := ""
	switch {
	case len(p) >= 2 && p[0] == '/' && p[1] == '/' && (len(p) == 2 || p[2] != '/'):
		root = "//"
	case p[0] == '/':
		root = "/"
	}
	b := []byte(root)
	first := true
	for i := 0; i < len(p); {
		j := i
		for j < len(p) && p[j] != '/' {
			j++
		}
		if part := p[i:j]; part != "" && part != "." {
			if !first {
				b = append(b, '/')
			}
			b = append(b, part...)
			first = false
		}
		i = j + 1
	}
	if len(b) == 0 {
		return "."
	}
	return PosixPath(b)
}

// Date is a Python datetime.date: the "date" envelope, "2024-02-29".
// Python's dates run from year 1 to 9999; encoding refuses others, and
// days that do not exist.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// String returns d as Python writes it: "2024-02-29".
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// TimeOfDay is a Python datetime.time: the "time" envelope,
// "13:45:07.123000", with the UTC offset "+02:00" when Aware. Python keeps
// microseconds, and offsets strictly between -24h and +24h in whole
// microseconds.
type TimeOfDay struct {
	Hour, Minute, Second, Microsecond int
	// Aware marks a time with a UTC offset (a tzinfo in Python); Offset
	// is then that offset.
	Aware  bool
	Offset time.Duration
}

// NaiveDateTime is a Python datetime.datetime without a zone: the
// "datetime" envelope, "2024-02-29 13:45:07.123456". A datetime with a zone
// is a time.Time.
type NaiveDateTime struct {
	Year                              int
	Month                             time.Month
	Day                               int
	Hour, Minute, Second, Microsecond int
}

// IPInterface is a Python ipaddress.IPv4Interface or IPv6Interface: an
// address with the prefix length of its network, "192.0.2.10/24", host
// bits kept. A netip.Prefix stands for a network (IPv4Network,
// IPv6Network) and must have no host bits.
type IPInterface struct {
	netip.Prefix
}

// Pattern is a Python re.Pattern as the seed stores it: the source text
// and Python's flag bits, exactly as Python reports them in
// re.Pattern.flags (re.UNICODE, 32, or re.ASCII, 256, is always among them
// for a text pattern, with the flags the source sets at its start, such as
// "(?i)"). Decoding into a Pattern never fails on what Go's regexp cannot
// compile; Regexp translates it when it can. A *regexp.Regexp is encoded
// and decoded as a pattern too.
type Pattern struct {
	Source string
	Flags  int
}

// Python's re flag bits.
const (
	pyReTemplate   = 1
	pyReIgnoreCase = 2
	pyReLocale     = 4
	pyReMultiline  = 8
	pyReDotAll     = 16
	pyReUnicode    = 32
	pyReVerbose    = 64
	pyReDebug      = 128
	pyReASCII      = 256
)

// pyGeneric is implemented by the generic types above, which reflection
// cannot recognise by their type alone.
type pyGeneric interface{ pyEnvelope() string }

func (Set[T]) pyEnvelope() string       { return "set" }
func (FrozenSet[T]) pyEnvelope() string { return "frozenset" }
func (Deque[T]) pyEnvelope() string     { return "deque" }
