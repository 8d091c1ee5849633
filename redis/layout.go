package rediscache

import (
	"errors"
	"fmt"
	"net/url"
)

// Layout is how the backend arranges its keys and values in Redis.
type Layout uint8

const (
	// LayoutDefault keeps every namespace under a generation: a clear is
	// one short script whatever the namespace holds, and a load that began
	// before a clear never stores after it. See the package documentation.
	LayoutDefault Layout = iota

	// LayoutSeed is the layout of the Python cachetoolz library (0.3.2), so
	// that Go and Python services share entries and clears: an entry is a
	// plain string key namespace + ":" + key holding the codec's output
	// alone (no generation, no cachetoolz entry header) with an EX time to
	// live, and a clear deletes the keys matching "namespace:*" with SCAN
	// and UNLINK. Use it with codec.Python and keys from package pykey.
	// See "Seed layout" in the package documentation for what it gives up.
	LayoutSeed
)

// String returns "default" or "seed", the values of the URL parameter.
func (l Layout) String() string {
	switch l {
	case LayoutDefault:
		return "default"
	case LayoutSeed:
		return "seed"
	}
	return fmt.Sprintf("Layout(%d)", uint8(l))
}

// errSeedLayout is what the operations that need the default layout's
// bookkeeping return in the seed layout.
var errSeedLayout = fmt.Errorf("not available in the seed layout: %w", errors.ErrUnsupported)

// layoutOf returns the layout that the URL's layout= parameter asks for
// (LayoutDefault when it has none), and an error for an unknown value or
// one that contradicts opts.Layout.
func layoutOf(rawURL string, opts *Options) (Layout, error) {
	l := LayoutDefault
	if opts != nil {
		l = opts.Layout
	}
	if l > LayoutSeed {
		return l, fmt.Errorf("cachetoolz: redis: unknown Options.Layout %v", l)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return l, nil // ParseURL reports it
	}
	q := u.Query()
	if !q.Has("layout") {
		return l, nil
	}
	var fromURL Layout
	switch v := q.Get("layout"); v {
	case "default":
		fromURL = LayoutDefault
	case "seed":
		fromURL = LayoutSeed
	default:
		return l, fmt.Errorf("cachetoolz: redis: layout=%q in %s: want default or seed", v, redactURL(rawURL))
	}
	if opts != nil && opts.Layout != LayoutDefault && opts.Layout != fromURL {
		return l, fmt.Errorf("cachetoolz: redis: layout=%v in %s contradicts Options.Layout %v", fromURL, redactURL(rawURL), opts.Layout)
	}
	return fromURL, nil
}

// PlainValues reports whether the backend stores values as they are given,
// with no cachetoolz entry header: true in LayoutSeed. It implements
// [cachetoolz.PlainBackend].
func (b *Backend) PlainValues() bool { return b.s.layout == LayoutSeed }
