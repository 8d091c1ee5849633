package codec

import (
	"fmt"
	"maps"
	"reflect"
	"sync"
	"sync/atomic"
)

// Registry holds the custom coders and the named types that a JSON codec
// uses: the Go form of the seed's coder.register, encoder.register and
// decoder.register. The zero value is an empty registry ready to use; so is
// the result of NewRegistry. A Registry is safe for concurrent use:
// registrations may happen while codecs encode and decode, and take effect
// for every later call. Register types at start-up, before values of them
// are cached, so that every process that shares a backend agrees.
type Registry struct {
	mu    sync.Mutex // serialises registrations
	state atomic.Pointer[state]
}

// DefaultRegistry is the registry of JSON and of every JSON codec created
// without one. The registration functions use it when given a nil
// *Registry.
var DefaultRegistry = NewRegistry()

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{} }

// state is an immutable snapshot of a registry, with the plans built from
// it. A registration replaces the whole state, so plans never mix coders of
// different snapshots.
type state struct {
	coders map[reflect.Type]*custom
	named  map[string]reflect.Type // user types, by qualified name

	encs, decs sync.Map // reflect.Type -> *encPlan, *decPlan
	names      sync.Map // reflect.Type -> typeNameResult
	checks     sync.Map // reflect.Type -> error of checkType, or nil
	types      sync.Map // string -> reflect.Type
	typesN     atomic.Int64
}

// custom is what a registry holds for one type: its encoder and decoder,
// either possibly nil, and the representation type that joins them.
type custom struct {
	repr reflect.Type
	enc  encFunc
	dec  decFunc
}

// emptyState serves every registry that has no registrations yet.
var emptyState = &state{}

func (r *Registry) load() *state {
	if r == nil {
		r = DefaultRegistry
	}
	if st := r.state.Load(); st != nil {
		return st
	}
	return emptyState
}

// update applies change to a copy of the registry's maps and publishes the
// result as the new state, unless change fails.
func (r *Registry) update(change func(coders map[reflect.Type]*custom, named map[string]reflect.Type) error) error {
	if r == nil {
		r = DefaultRegistry
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.load()
	next := &state{coders: maps.Clone(old.coders), named: maps.Clone(old.named)}
	if next.coders == nil {
		next.coders = map[reflect.Type]*custom{}
	}
	if next.named == nil {
		next.named = map[string]reflect.Type{}
	}
	if err := change(next.coders, next.named); err != nil {
		return err
	}
	r.state.Store(next)
	return nil
}

// Register registers how values of type T are encoded and decoded, wherever
// T appears: at the top, in struct fields, slices, map keys and values, and
// in interface values (T is also registered as with RegisterType). enc
// turns a T into a representation of type R, which the codec encodes as
// it encodes any R; dec receives that R back, decoded exactly, and rebuilds
// the T. R may be []byte, a string, a struct, anything encodable; it must
// not be T itself. enc is called for every T, nil pointers included when T
// is a pointer type. A panic in enc or dec becomes an error.
//
// A nil r means DefaultRegistry. Registering a second encoder or decoder
// for the same type fails with an error wrapping ErrRegistered: the first
// registration stays, so that no value cached under it becomes unreadable.
func Register[T, R any](r *Registry, enc func(T) (R, error), dec func(R) (T, error)) error {
	if enc == nil || dec == nil {
		return fmt.Errorf("cachetoolz: codec: Register[%v]: nil encoder or decoder", reflect.TypeFor[T]())
	}
	return register(r, reflect.TypeFor[T](), reflect.TypeFor[R](), customEnc(enc), customDec(dec))
}

// RegisterEncoder registers only the encoder of T; see Register. Values of
// T can then be encoded, but decoding one fails with an error wrapping
// ErrUnsupported until a decoder with the same R is registered.
func RegisterEncoder[T, R any](r *Registry, enc func(T) (R, error)) error {
	if enc == nil {
		return fmt.Errorf("cachetoolz: codec: RegisterEncoder[%v]: nil encoder", reflect.TypeFor[T]())
	}
	return register(r, reflect.TypeFor[T](), reflect.TypeFor[R](), customEnc(enc), nil)
}

// RegisterDecoder registers only the decoder of T; see Register. It
// completes an earlier RegisterEncoder, or is completed by a later one,
// whose R must be the same type. Until then encoding a T fails with an
// error wrapping ErrUnsupported.
func RegisterDecoder[T, R any](r *Registry, dec func(R) (T, error)) error {
	if dec == nil {
		return fmt.Errorf("cachetoolz: codec: RegisterDecoder[%v]: nil decoder", reflect.TypeFor[T]())
	}
	return register(r, reflect.TypeFor[T](), reflect.TypeFor[R](), nil, customDec(dec))
}

func register(r *Registry, t, repr reflect.Type, enc encFunc, dec decFunc) error {
	if t == repr {
		return fmt.Errorf("cachetoolz: codec: registering %v: the representation type must differ from the type", t)
	}
	return r.update(func(coders map[reflect.Type]*custom, named map[string]reflect.Type) error {
		c := coders[t]
		switch {
		case c == nil:
			c = &custom{repr: repr}
		case c.repr != repr:
			return fmt.Errorf("%w: %v is registered with representation %v, not %v", ErrRegistered, t, c.repr, repr)
		case enc != nil && c.enc != nil:
			return fmt.Errorf("%w: encoder of %v", ErrRegistered, t)
		case dec != nil && c.dec != nil:
			return fmt.Errorf("%w: decoder of %v", ErrRegistered, t)
		default:
			c = &custom{repr: c.repr, enc: c.enc, dec: c.dec}
		}
		if enc != nil {
			c.enc = enc
		}
		if dec != nil {
			c.dec = dec
		}
		if err := addName(named, t); err != nil {
			return err
		}
		coders[t] = c
		return nil
	})
}

// RegisterType makes the named type T decodable from interface values
// (fields of type any, []any, map[string]any and so on). An interface
// value is written with the name of its dynamic type, and only types the
// decoder can look up by name are accepted: predeclared types, the
// standard library types this package handles, registered types, and
// pointers, slices, arrays and maps built from them. Encoding an interface
// holding any other type fails with an error wrapping ErrUnsupported.
//
// A nil r means DefaultRegistry. Registering T again is a no-op;
// registering a different type with the same qualified name (two types
// declared inside functions, for instance) fails with ErrRegistered.
func RegisterType[T any](r *Registry) error {
	t := reflect.TypeFor[T]()
	if t.Name() == "" {
		return fmt.Errorf("cachetoolz: codec: RegisterType[%v]: only named types need registering", t)
	}
	return r.update(func(_ map[reflect.Type]*custom, named map[string]reflect.Type) error {
		return addName(named, t)
	})
}

// addName records the qualified name of t, if t is a named type that the
// built-in table does not know.
func addName(named map[string]reflect.Type, t reflect.Type) error {
	if t.Name() == "" || t.PkgPath() == "" {
		return nil
	}
	name := qualifiedName(t)
	if builtinNamed[name] == t {
		return nil
	}
	if prev, ok := named[name]; ok && prev != t {
		return fmt.Errorf("%w: type name %s is taken by another type", ErrRegistered, name)
	}
	named[name] = t
	return nil
}
