package codec

import (
	"fmt"
	"regexp"
	"strings"
)

// Python's re and Go's regexp share most of their syntax, not all of it.
// A pattern crosses as its source text and Python's flags; the flags
// IGNORECASE, MULTILINE and DOTALL become Go's (?i), (?m) and (?s),
// VERBOSE is applied by removing the white space and comments it allows,
// ASCII is what Go's \w, \d, \s and \b mean already, and \Z (Python) and
// \z (Go) are the same anchor. What Go cannot honour is refused: LOCALE,
// DEBUG and TEMPLATE, the class escapes \w \d \s \b (and their negations)
// under UNICODE, whose classes in Go are ASCII only, and any source Go's
// regexp does not compile. Going the other way, Go's (?U), \p, \Q and
// [[:name:]] have no Python counterpart and are refused.

// pyInlineFlags returns the flags set by a group such as "(?im)" at the
// start of a Python source, and the length of that group (0 if none).
func pyInlineFlags(src string) (flags, n int) {
	if !strings.HasPrefix(src, "(?") {
		return 0, 0
	}
	for i := 2; i < len(src); i++ {
		switch src[i] {
		case 'a':
			flags |= pyReASCII
		case 'i':
			flags |= pyReIgnoreCase
		case 'L':
			flags |= pyReLocale
		case 'm':
			flags |= pyReMultiline
		case 's':
			flags |= pyReDotAll
		case 'u':
			flags |= pyReUnicode
		case 'x':
			flags |= pyReVerbose
		case ')':
			if i == 2 {
				return 0, 0
			}
			return flags, i + 1
		default:
			return 0, 0
		}
	}
	return 0, 0
}

// checkPatternFlags refuses a Pattern whose flags Python would not report
// for its source: they would come back changed.
func checkPatternFlags(p Pattern) error {
	const known = pyReIgnoreCase | pyReLocale | pyReMultiline | pyReDotAll | pyReUnicode | pyReVerbose | pyReASCII
	inline, _ := pyInlineFlags(p.Source)
	switch {
	case p.Flags&^known != 0:
		return unsupported(pyPatternType, "flags %#x hold bits Python does not report", p.Flags)
	case p.Flags&pyReLocale != 0:
		return unsupported(pyPatternType, "re.LOCALE is for bytes patterns only")
	case (p.Flags&pyReUnicode != 0) == (p.Flags&pyReASCII != 0):
		return unsupported(pyPatternType, "flags %d: a text pattern has exactly one of re.UNICODE (32) and re.ASCII (256)", p.Flags)
	case p.Flags&inline != inline:
		return unsupported(pyPatternType, "flags %d lack those the source sets (%d)", p.Flags, inline)
	}
	return nil
}

// patternOfRegexp returns the Python pattern of a Go regexp: its source,
// with \z written \Z, and the flags Python gives it: re.ASCII, which is
// what Go's classes mean, and those of a flag group at the start.
func patternOfRegexp(re *regexp.Regexp) (Pattern, error) {
	src := re.String()
	fail := func(what string) (Pattern, error) {
		return Pattern{}, unsupported(pyRegexpType, "%q: %s has no Python counterpart", src, what)
	}
	var b strings.Builder
	inClass := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '\\' && i+1 < len(src):
			i++
			switch src[i] {
			case 'z':
				b.WriteString(`\Z`)
				continue
			case 'p', 'P', 'Q', 'C':
				return fail(`\` + string(src[i]))
			}
			b.WriteByte('\\')
			b.WriteByte(src[i])
			continue
		case inClass && c == '[' && strings.HasPrefix(src[i:], "[:"):
			return fail("a [:name:] class")
		case inClass && c == ']':
			inClass = false
		case !inClass && c == '[':
			inClass = true
			b.WriteByte(c)
			// A ']' first in the class, after an optional '^', is literal.
			if i+1 < len(src) && src[i+1] == '^' {
				i++
				b.WriteByte('^')
			}
			if i+1 < len(src) && src[i+1] == ']' {
				i++
				b.WriteByte(']')
			}
			continue
		case !inClass && c == '(' && strings.HasPrefix(src[i:], "(?"):
			j := i + 2
			for j < len(src) && strings.IndexByte("imsU-", src[j]) >= 0 {
				j++
			}
			if j > i+2 && j < len(src) {
				letters := src[i+2 : j]
				switch {
				case strings.Contains(letters, "U"):
					return fail("the flag U")
				case src[j] == ')' && (i > 0 || strings.Contains(letters, "-")):
					return fail("a flag group not at the start")
				}
			}
		}
		b.WriteByte(c)
	}
	p := Pattern{Source: b.String(), Flags: pyReASCII}
	inline, _ := pyInlineFlags(p.Source)
	p.Flags |= inline
	return p, checkPatternFlags(p)
}

// Regexp compiles p with Go's regexp, translating it as described above,
// or fails with an error wrapping ErrUnsupported when Go cannot honour it.
// Python's $ also matches before a newline that ends the text, Go's only
// at the end (without MULTILINE); Python's \s under re.ASCII also matches
// \v; with re.ASCII and re.IGNORECASE Python folds only ASCII letters.
// These differences are not refused.
func (p Pattern) Regexp() (*regexp.Regexp, error) {
	fail := func(format string, args ...any) (*regexp.Regexp, error) {
		return nil, fmt.Errorf("%w: Python pattern %q (flags %d): %s", ErrUnsupported, p.Source, p.Flags, fmt.Sprintf(format, args...))
	}
	const honoured = pyReIgnoreCase | pyReMultiline | pyReDotAll | pyReUnicode | pyReVerbose | pyReASCII
	if p.Flags&^honoured != 0 {
		return fail("flags %d have no Go counterpart", p.Flags&^honoured)
	}
	src := p.Source
	inline, n := pyInlineFlags(src)
	flags := p.Flags | inline
	// The start group keeps only the letters Go knows.
	var goGroup []byte
	for _, c := range []byte(src[:n]) {
		if c == 'i' || c == 'm' || c == 's' {
			goGroup = append(goGroup, c)
		}
	}
	src = src[n:]
	if flags&pyReVerbose != 0 {
		src = stripVerbose(src)
	}
	unicode := flags&pyReASCII == 0
	var b strings.Builder
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c != '\\' || i+1 >= len(src) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := src[i]; e {
		case 'Z':
			b.WriteString(`\z`)
			continue
		case 'w', 'W', 'd', 'D', 's', 'S', 'b', 'B':
			if unicode {
				return fail(`\%c matches Unicode in Python, ASCII only in Go (compile it with re.ASCII)`, e)
			}
		}
		b.WriteByte('\\')
		b.WriteByte(src[i])
	}
	var prefix []byte
	for _, f := range []struct {
		bit    int
		letter byte
	}{{pyReIgnoreCase, 'i'}, {pyReMultiline, 'm'}, {pyReDotAll, 's'}} {
		if flags&f.bit != 0 && !strings.Contains(string(goGroup), string(f.letter)) {
			prefix = append(prefix, f.letter)
		}
	}
	goSrc := b.String()
	if len(goGroup) > 0 {
		goSrc = "(?" + string(goGroup) + ")" + goSrc
	}
	if len(prefix) > 0 {
		goSrc = "(?" + string(prefix) + ")" + goSrc
	}
	re, err := regexp.Compile(goSrc)
	if err != nil {
		return fail("Go's regexp: %v", err)
	}
	return re, nil
}

// stripVerbose removes what re.VERBOSE ignores: white space and comments
// from '#' to the end of the line, outside character classes and escapes.
// An escaped space stays a space.
func stripVerbose(src string) string {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '\\' && i+1 < len(src):
			i++
			if src[i] == ' ' {
				b.WriteString(`\x20`)
			} else if src[i] == '#' {
				b.WriteString(`\#`)
			} else {
				b.WriteByte('\\')
				b.WriteByte(src[i])
			}
			continue
		case inClass:
			if c == ']' {
				inClass = false
			}
		case c == '[':
			inClass = true
			b.WriteByte(c)
			if i+1 < len(src) && src[i+1] == '^' {
				i++
				b.WriteByte('^')
			}
			if i+1 < len(src) && src[i+1] == ']' {
				i++
				b.WriteByte(']')
			}
			continue
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			continue
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
