package pykey

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"

	"github.com/cachetoolz/cachetoolz"
)

// Generator is a cachetoolz.KeyGenerator that derives the keys of the Python
// cachetoolz library for one Python function. Its zero value is usable, but
// matches no Python function: see Module and Name.
type Generator struct {
	// Module is the function's module, its __module__, such as "app.users".
	Module string
	// Name is the function's name, its __name__, such as "get_user".
	// When Module and Name are both empty, the cachetoolz function name
	// (Options.Name, or the Go function's qualified name) is split at its
	// last dot into Module and Name, which gives different functions
	// different keys but matches no Python function.
	Name string
	// Protocol is the pickle protocol, 4 or 5: the default protocol of the
	// Python version that shares the keys. Python 3.8 to 3.13 use 4, and
	// 3.14 uses 5. Default (0): 4.
	Protocol int
}

var _ cachetoolz.KeyGenerator = Generator{}

// Key returns the lowercase hexadecimal MD5 of the pickle that Pickle
// returns: the Python library's key without its "namespace:" prefix.
func (g Generator) Key(typed bool, fn cachetoolz.Function, args []any) (string, error) {
	p := picklers.Get().(*pickler)
	b, err := g.pickle(p, typed, fn, args)
	defer func() {
		// A pickle of a large argument leaves no large buffer behind.
		if cap(p.buf) <= 2*frameTarget {
			picklers.Put(p)
		}
	}()
	if err != nil {
		return "", err
	}
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:]), nil
}

// Pickle returns the bytes that Python's pickle.dumps gives for the key of
// a call with args, under the protocol of g: the value of which Key is the
// MD5. A Kwargs as the last of args holds the keyword arguments. typed adds
// the types of the arguments, as the Python library's typed option does.
// It fails with an error wrapping cachetoolz.ErrUnsupportedArgument for an
// argument without a deterministic pickle, as described in the package
// documentation.
func (g Generator) Pickle(typed bool, fn cachetoolz.Function, args []any) ([]byte, error) {
	var p pickler
	b, err := g.pickle(&p, typed, fn, args)
	if err != nil {
		return nil, err
	}
	return b, nil
}

var picklers = sync.Pool{New: func() any { return new(pickler) }}

func (g Generator) pickle(p *pickler, typed bool, fn cachetoolz.Function, args []any) ([]byte, error) {
	proto := g.Protocol
	switch proto {
	case 0:
		proto = 4
	case 4, 5:
	default:
		return nil, fmt.Errorf("cachetoolz: pykey: pickle protocol %d: want 4 or 5", proto)
	}
	module, name := g.Module, g.Name
	if module == "" && name == "" {
		if i := strings.LastIndexByte(fn.Name, '.'); i >= 0 {
			module, name = fn.Name[:i], fn.Name[i+1:]
		} else {
			name = fn.Name
		}
	}
	for _, s := range [2]string{module, name} {
		if _, err := str(s); err != nil {
			return nil, fmt.Errorf("cachetoolz: pykey: function name: %w", err)
		}
	}

	// The arguments, converted.
	var kw Kwargs
	if n := len(args); n > 0 {
		if k, ok := args[n-1].(Kwargs); ok {
			kw, args = k, args[:n-1]
		}
	}
	pos := make([]object, len(args))
	for i, a := range args {
		var err error
		if pos[i], err = convert(a); err != nil {
			return nil, fmt.Errorf("cachetoolz: pykey: argument %d: %w", i+1, err)
		}
	}
	names := make([]string, 0, len(kw))
	for k := range kw {
		names = append(names, k)
	}
	// Byte order is code point order for valid UTF-8.
	sortStrings(names)
	vals := make([]object, len(names))
	for i, k := range names {
		if _, err := str(k); err != nil {
			return nil, fmt.Errorf("cachetoolz: pykey: keyword argument name: %w", err)
		}
		var err error
		if vals[i], err = convert(kw[k]); err != nil {
			return nil, fmt.Errorf("cachetoolz: pykey: keyword argument %s: %w", k, err)
		}
	}
	var types []kind
	if typed {
		types = make([]kind, 0, len(pos)+len(vals))
		for i := range pos {
			types = append(types, pos[i].kind)
		}
		kinds, err := sortValues(vals)
		if err != nil {
			return nil, fmt.Errorf("cachetoolz: pykey: typed keyword arguments: %w", err)
		}
		types = append(types, kinds...)
	}

	// ((module, name), args, kwargs items, types...)
	*p = pickler{buf: p.buf, shared: clearMap(p.shared), sharedB: clearMap(p.sharedB)}
	p.start(byte(proto))
	p.boundary()
	n := 3 + len(types)
	if n > 3 {
		p.op(opMark)
	}
	p.boundary()
	p.name(module)
	p.name(name)
	p.op(opTuple1 + 1)
	p.memoize()
	p.save(&object{kind: kTuple, items: pos})
	p.boundary()
	p.items(names, vals)
	for _, k := range types {
		p.typ(k)
	}
	if n > 3 {
		p.op(opTuple)
	} else {
		p.op(opTuple1 + 2)
	}
	p.memoize()
	return p.finish(), nil
}

// items saves the tuple of the keyword arguments' (name, value) pairs.
func (p *pickler) items(names []string, vals []object) {
	n := len(names)
	if n == 0 {
		p.op(opEmptyTuple)
		return
	}
	if n > 3 {
		p.op(opMark)
	}
	for i, k := range names {
		p.boundary()
		p.name(k)
		p.save(&vals[i])
		p.op(opTuple1 + 1)
		p.memoize()
	}
	if n > 3 {
		p.op(opTuple)
	} else {
		p.op(opTuple1 + byte(n-1))
	}
	p.memoize()
}

func clearMap(m map[string]int) map[string]int {
	clear(m)
	return m
}
