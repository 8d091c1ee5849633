package codec

import (
	"fmt"
	"maps"
	"reflect"
	"sync"
	"sync/atomic"
)

// Python is the codec of the Python cachetoolz (the seed): a PythonCodec
// whose registrations are those made with RegisterPython(nil, …).
var Python = NewPython()

// PythonCodec writes and reads values in the format of the Python
// cachetoolz: the text of Python's json.dumps(value, cls=Encoder), with
// {"__val": …, "__decoder": name} envelopes for the types JSON lacks, so
// that a Go service and a Python service can share cached values. Each
// Python type has a Go counterpart (see the package documentation and
// TYPES.md); values come back exactly in both directions, and what one
// side cannot carry is refused with an error rather than changed.
//
// A PythonCodec is safe for concurrent use, registrations included. Use
// Python, or NewPython for a codec with registrations of its own.
type PythonCodec struct {
	mu    sync.Mutex // serialises registrations
	state atomic.Pointer[pyState]
}

// NewPython returns a Python codec without user registrations.
func NewPython() *PythonCodec {
	p := &PythonCodec{}
	p.state.Store(&pyState{})
	return p
}

// pyState is an immutable snapshot of a codec's registrations, with the
// struct layouts computed under it.
type pyState struct {
	byName map[string]*pyCoder
	byType map[reflect.Type]*pyCoder
	fields sync.Map // reflect.Type -> []field
	checks sync.Map // reflect.Type -> error of CheckType, or nil
}

// pyCoder is a user registration: values of typ are written as the
// envelope {"__val": enc(value), "__decoder": name}.
type pyCoder struct {
	name string
	typ  reflect.Type
	repr reflect.Type
	enc  func(reflect.Value) (reflect.Value, error)
	dec  func(reflect.Value) (reflect.Value, error)
}

func (p *PythonCodec) load() *pyState {
	if p == nil {
		p = Python
	}
	if st := p.state.Load(); st != nil {
		return st
	}
	p.state.CompareAndSwap(nil, &pyState{})
	return p.state.Load()
}

// pyNames are the decoder names of the seed's own types.
var pyNames = map[string]bool{
	"set": true, "frozenset": true, "bytes": true, "uuid": true, "posixpath": true,
	"deque": true, "pattern": true, "time": true, "date": true, "datetime": true,
	"timedelta": true, "decimal": true,
	"ipv4address": true, "ipv4interface": true, "ipv4network": true,
	"ipv6address": true, "ipv6interface": true, "ipv6network": true,
}

// RegisterPython registers a type of the Python side's own, as the seed's
// encoder.register(name) and decoder.register(name) do: a value of type T
// is written as {"__val": V, "__decoder": name}, where V is the encoding
// of the R that enc returns, and an envelope with that name is read by
// decoding V into an R and passing it to dec. Decoding such an envelope
// into an interface value gives a T.
//
// A nil p means Python. The name must not be one of the seed's own; a
// second registration of the same name or type fails with an error
// wrapping ErrRegistered. A panic in enc or dec becomes an error.
func RegisterPython[T, R any](p *PythonCodec, name string, enc func(T) (R, error), dec func(R) (T, error)) error {
	t, rt := reflect.TypeFor[T](), reflect.TypeFor[R]()
	switch {
	case enc == nil || dec == nil:
		return fmt.Errorf("cachetoolz: codec: RegisterPython[%v]: nil encoder or decoder", t)
	case name == "":
		return fmt.Errorf("cachetoolz: codec: RegisterPython[%v]: empty name", t)
	case pyNames[name]:
		return fmt.Errorf("%w: %q is a decoder name of the Python cachetoolz", ErrRegistered, name)
	case t == rt:
		return fmt.Errorf("cachetoolz: codec: RegisterPython[%v]: the representation type must differ from the type", t)
	case t.Kind() == reflect.Interface:
		return fmt.Errorf("cachetoolz: codec: RegisterPython[%v]: T must not be an interface type", t)
	}
	c := &pyCoder{name: name, typ: t, repr: rt}
	c.enc = func(v reflect.Value) (out reflect.Value, err error) {
		defer callErr(t, "registered Python encoder", &err)
		x, _ := reflect.TypeAssert[T](v)
		r, err := enc(x)
		if err != nil {
			return out, fmt.Errorf("cachetoolz: codec: encoding %v: %w", t, err)
		}
		return reflect.ValueOf(&r).Elem(), nil
	}
	c.dec = func(v reflect.Value) (out reflect.Value, err error) {
		defer callErr(t, "registered Python decoder", &err)
		r, _ := reflect.TypeAssert[R](v)
		x, err := dec(r)
		if err != nil {
			return out, fmt.Errorf("%w: decoding %v: %w", ErrInvalidData, t, err)
		}
		return reflect.ValueOf(&x).Elem(), nil
	}
	if p == nil {
		p = Python
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	old := p.load()
	if old.byName[name] != nil {
		return fmt.Errorf("%w: Python decoder name %q", ErrRegistered, name)
	}
	if old.byType[t] != nil {
		return fmt.Errorf("%w: Python coder of %v", ErrRegistered, t)
	}
	next := &pyState{byName: maps.Clone(old.byName), byType: maps.Clone(old.byType)}
	if next.byName == nil {
		next.byName, next.byType = map[string]*pyCoder{}, map[reflect.Type]*pyCoder{}
	}
	next.byName[name], next.byType[t] = c, c
	p.state.Store(next)
	return nil
}

// Marshal encodes v as the Python cachetoolz would store it. A non-nil
// pointer is encoded as the value it points to. Maps are written with
// their keys sorted (Python writes a dict in insertion order), sets with
// their members sorted.
//
// The error wraps ErrUnsupported when v holds a value that the Python
// side cannot receive exactly: funcs, channels, complex numbers, byte
// slices that are not ASCII or UTF-8 text, times with nanoseconds, and the
// other limits listed in TYPES.md.
func (p *PythonCodec) Marshal(v any) ([]byte, error) {
	e := pyEnc{st: p.load(), buf: make([]byte, 0, 128)}
	if err := e.value(reflect.ValueOf(v)); err != nil {
		return nil, err
	}
	return e.buf, nil
}

// Unmarshal decodes data, as the Python cachetoolz stores it, into the
// value v points to, replacing it entirely. Into an interface value, a
// dict becomes a map[string]any, a list a []any, an int an int64 (a
// *big.Int beyond 64 bits), a float a float64, and an envelope the Go type
// of its Python type.
//
// Decoding is strict, as JSON's is: data that does not fit v's type is an
// error wrapping ErrInvalidData (a type Go cannot represent wraps
// ErrUnsupported), never a value with parts zeroed, dropped or rounded;
// the variable is then left at its zero value.
func (p *PythonCodec) Unmarshal(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("cachetoolz: codec: Unmarshal needs a non-nil pointer, got %T", v)
	}
	rv = rv.Elem()
	n, err := parsePy(data)
	if err == nil {
		d := pyDec{st: p.load()}
		err = d.value(&n, rv)
	}
	if err != nil {
		rv.SetZero()
	}
	return err
}
