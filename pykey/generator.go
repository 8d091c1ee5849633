package pykey

import (
	"crypto/md5"
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

// Key returns the lowercase hexadecimal MD5 of the pickle that Pickle
// returns: the Python library's key without its "namespace:" prefix. With
// a pooled pickler and scratch space, it allocates only the key's string
// for arguments of the types that need no reflection (nil, bool, int,
// int32, int64, float64, string, []byte, *big.Int).
//
// The key of a call whose arguments are all of those types but *big.Int,
// short ones, is remembered in a bounded table shared by every Generator,
// so that the same call again (a cache hit) gets the same string from the
// table, without pickling its arguments, hashing them or allocating.
func (g Generator) Key(typed bool, fn cachetoolz.Function, args []any) (string, error) {
	proto, module, name, err := g.resolve(fn)
	if err != nil {
		return "", err
	}
	var idBuf [memoMaxID]byte
	id, memoable := appendIdentity(idBuf[:0], proto, typed, module, name, args)
	if memoable {
		if c := theMemo().Get(id); c != nil {
			return c.Key(), nil
		}
	}
	p := picklers.Get().(*pickler)
	b, err := g.pickleAs(p, proto, module, name, typed, args)
	var sum [md5.Size]byte
	if err == nil {
		sum = md5.Sum(b)
	}
	p.release()
	if err != nil {
		return "", err
	}
	var buf [2 * md5.Size]byte
	k := string(appendHex(buf[:0], &sum))
	if memoable {
		theMemo().Put(id, k, "")
	}
	return k, nil
}

// appendHex appends the lowercase hexadecimal form of sum to dst.
func appendHex(dst []byte, sum *[md5.Size]byte) []byte {
	const digits = "0123456789abcdef"
	var h [2 * md5.Size]byte
	for i, c := range sum {
		h[2*i] = digits[c>>4]
		h[2*i+1] = digits[c&0xf]
	}
	return append(dst, h[:]...)
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

// release returns p to the pool, forgetting the arguments it converted; a
// pickler that grew large for a large argument is dropped instead, so that
// it leaves no large buffer behind.
func (p *pickler) release() {
	clear(p.pos)
	clear(p.vals)
	clear(p.names)
	p.shared.reset()
	p.sharedB.reset()
	if cap(p.buf) <= 2*frameTarget && cap(p.pos) <= 64 && cap(p.vals) <= 64 {
		picklers.Put(p)
	}
}

// resolve returns the pickle protocol and the module and function names
// that a key of fn under g pickles.
func (g Generator) resolve(fn cachetoolz.Function) (proto byte, module, name string, err error) {
	switch g.Protocol {
	case 0:
		proto = 4
	case 4, 5:
		proto = byte(g.Protocol)
	default:
		return 0, "", "", fmt.Errorf("cachetoolz: pykey: pickle protocol %d: want 4 or 5", g.Protocol)
	}
	module, name = g.Module, g.Name
	if module == "" && name == "" {
		if i := strings.LastIndexByte(fn.Name, '.'); i >= 0 {
			module, name = fn.Name[:i], fn.Name[i+1:]
		} else {
			name = fn.Name
		}
	}
	return proto, module, name, nil
}

func (g Generator) pickle(p *pickler, typed bool, fn cachetoolz.Function, args []any) ([]byte, error) {
	proto, module, name, err := g.resolve(fn)
	if err != nil {
		return nil, err
	}
	return g.pickleAs(p, proto, module, name, typed, args)
}

// pickleAs is pickle, with what resolve returned.
func (g Generator) pickleAs(p *pickler, proto byte, module, name string, typed bool, args []any) ([]byte, error) {
	if !p.head.names(module, name) {
		for _, s := range [2]string{module, name} {
			if _, err := str(s); err != nil {
				return nil, fmt.Errorf("cachetoolz: pykey: function name: %w", err)
			}
		}
	}

	var kw Kwargs
	if n := len(args); n > 0 {
		if k, ok := args[n-1].(Kwargs); ok {
			kw, args = k, args[:n-1]
		}
	}
	if len(kw) == 0 && !typed {
		// The common call: its arguments are converted as they are
		// written.
		p.begin(byte(proto), false, module, name)
		p.boundary()
		n := len(args)
		if p.tupleOpen(n) {
			for i, a := range args {
				o, err := convert(a)
				if err != nil {
					return nil, fmt.Errorf("cachetoolz: pykey: argument %d: %w", i+1, err)
				}
				p.save(&o)
			}
			p.tupleClose(n)
		}
		return p.end(nil, nil, nil), nil
	}

	// The arguments, converted.
	pos := grow(p.pos, len(args))
	p.pos = pos
	for i, a := range args {
		var err error
		if pos[i], err = convert(a); err != nil {
			return nil, fmt.Errorf("cachetoolz: pykey: argument %d: %w", i+1, err)
		}
	}
	names := p.names[:0]
	for k := range kw {
		names = append(names, k)
	}
	// Byte order is code point order for valid UTF-8.
	sortStrings(names)
	p.names = names
	vals := grow(p.vals, len(names))
	p.vals = vals
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
		types = p.kinds[:0]
		for i := range pos {
			types = append(types, pos[i].kind)
		}
		kinds, err := sortValues(vals)
		if err != nil {
			return nil, fmt.Errorf("cachetoolz: pykey: typed keyword arguments: %w", err)
		}
		types = append(types, kinds...)
		p.kinds = types
	}

	p.begin(byte(proto), len(types) > 0, module, name)
	p.save(&object{kind: kTuple, items: pos})
	return p.end(names, vals, types), nil
}

// The pickle of a key is the tuple ((module, name), args, kwargs items,
// types...): begin writes it up to the tuple args, and end from there.

// begin starts the pickle of a key; mark is whether it has types.
func (p *pickler) begin(proto byte, mark bool, module, name string) {
	p.sharedB.reset()
	p.types, p.typeType = [numKinds]int{}, 0
	p.start(proto, mark, module, name)
}

// end writes the keyword arguments and the types, and returns the pickle.
func (p *pickler) end(names []string, vals []object, types []kind) []byte {
	p.boundary()
	p.items(names, vals)
	for _, k := range types {
		p.typ(k)
	}
	if len(types) > 0 {
		p.op(opTuple)
	} else {
		p.op(opTuple1 + 2)
	}
	p.memoize()
	return p.finish()
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

// grow returns s resized to n zero objects, reusing its array when it can.
func grow(s []object, n int) []object {
	if cap(s) < n {
		return make([]object, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// PureKeys declares Generator a cachetoolz.PureKeyGenerator: its key
// depends on nothing but its fields, typed, the function and the values of
// the arguments, so a wrapper may remember the keys of its calls.
func (Generator) PureKeys() {}
