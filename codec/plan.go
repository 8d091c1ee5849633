package codec

import (
	"reflect"
)

// A plan is the encoder or decoder of one type, built once by reflection
// and cached in the registry state, so that later calls only run it.

type (
	encFunc func(e *encState, v reflect.Value) error
	decFunc func(d *decState, v reflect.Value) error
)

// encPlan and decPlan hold the function of a type. A plan is shared before
// its function is set while a recursive type is being built, so callers
// read fn when they run, never when they are built. err is set when the
// type cannot be handled at all.
type encPlan struct {
	fn  encFunc
	err error
}

type decPlan struct {
	fn  decFunc
	err error
}

// builder builds the plans of one type and of the types it contains.
type builder struct {
	st   *state
	encs map[reflect.Type]*encPlan
	decs map[reflect.Type]*decPlan
}

// encPlan returns the cached encoder of t, building it on first use.
func (st *state) encPlan(t reflect.Type) *encPlan {
	if p, ok := st.encs.Load(t); ok {
		return p.(*encPlan)
	}
	b := &builder{st: st, encs: map[reflect.Type]*encPlan{}}
	p := b.enc(t)
	for bt, bp := range b.encs {
		st.encs.LoadOrStore(bt, bp)
	}
	return p
}

// decPlan returns the cached decoder of t, building it on first use.
func (st *state) decPlan(t reflect.Type) *decPlan {
	if p, ok := st.decs.Load(t); ok {
		return p.(*decPlan)
	}
	b := &builder{st: st, decs: map[reflect.Type]*decPlan{}}
	p := b.dec(t)
	for bt, bp := range b.decs {
		st.decs.LoadOrStore(bt, bp)
	}
	return p
}

func (b *builder) enc(t reflect.Type) *encPlan {
	if p := b.encs[t]; p != nil {
		return p
	}
	if p, ok := b.st.encs.Load(t); ok {
		return p.(*encPlan)
	}
	p := &encPlan{}
	b.encs[t] = p
	fn, err := b.buildEnc(t)
	if err != nil {
		p.err = err
		fn = func(*encState, reflect.Value) error { return err }
	}
	p.fn = fn
	return p
}

func (b *builder) dec(t reflect.Type) *decPlan {
	if p := b.decs[t]; p != nil {
		return p
	}
	if p, ok := b.st.decs.Load(t); ok {
		return p.(*decPlan)
	}
	p := &decPlan{}
	b.decs[t] = p
	fn, err := b.buildDec(t)
	if err != nil {
		p.err = err
		fn = func(*decState, reflect.Value) error { return err }
	}
	p.fn = fn
	return p
}

// The order of precedence, the same for encoding and decoding: a coder
// registered for the type, the built-in handling of well-known standard
// library types, pointers and interfaces, json.Marshaler with
// json.Unmarshaler, encoding.TextMarshaler with encoding.TextUnmarshaler,
// encoding.BinaryMarshaler with encoding.BinaryUnmarshaler, and last the
// type's kind.

func (b *builder) buildEnc(t reflect.Type) (encFunc, error) {
	if c := b.st.coders[t]; c != nil {
		if c.enc == nil {
			return nil, unsupported(t, "a decoder is registered but no encoder")
		}
		return c.enc, nil
	}
	if s, ok := specials[t]; ok {
		return s.enc(b, t)
	}
	switch t.Kind() {
	case reflect.Pointer:
		return b.ptrEnc(t)
	case reflect.Interface:
		return b.ifaceEnc(t), nil
	}
	if fn := marshalerEnc(t); fn != nil {
		return fn, nil
	}
	return b.kindEnc(t)
}

func (b *builder) buildDec(t reflect.Type) (decFunc, error) {
	if c := b.st.coders[t]; c != nil {
		if c.dec == nil {
			return nil, unsupported(t, "an encoder is registered but no decoder")
		}
		return c.dec, nil
	}
	if s, ok := specials[t]; ok {
		return s.dec(b, t)
	}
	switch t.Kind() {
	case reflect.Pointer:
		return b.ptrDec(t)
	case reflect.Interface:
		return b.ifaceDec(t), nil
	}
	if fn := marshalerDec(t); fn != nil {
		return fn, nil
	}
	return b.kindDec(t)
}

func (b *builder) kindEnc(t reflect.Type) (encFunc, error) {
	switch t.Kind() {
	case reflect.Bool:
		return encBool, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return encInt, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return encUint, nil
	case reflect.Float32, reflect.Float64:
		return encFloat, nil
	case reflect.Complex64, reflect.Complex128:
		return encComplex, nil
	case reflect.String:
		return encString, nil
	case reflect.Slice:
		if b.isPlainByte(t.Elem()) {
			return encBytes, nil
		}
		return b.sliceEnc(t)
	case reflect.Array:
		if b.isPlainByte(t.Elem()) {
			return encByteArray, nil
		}
		return b.arrayEnc(t)
	case reflect.Map:
		return b.mapEnc(t)
	case reflect.Struct:
		return b.structEnc(t)
	}
	return nil, unsupported(t, "%v values cannot be encoded", t.Kind())
}

func (b *builder) kindDec(t reflect.Type) (decFunc, error) {
	switch t.Kind() {
	case reflect.Bool:
		return decBool, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return decInt, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return decUint, nil
	case reflect.Float32, reflect.Float64:
		return decFloat, nil
	case reflect.Complex64, reflect.Complex128:
		return decComplex, nil
	case reflect.String:
		return decString, nil
	case reflect.Slice:
		if b.isPlainByte(t.Elem()) {
			return decBytes, nil
		}
		return b.sliceDec(t)
	case reflect.Array:
		if b.isPlainByte(t.Elem()) {
			return decByteArray, nil
		}
		return b.arrayDec(t)
	case reflect.Map:
		return b.mapDec(t)
	case reflect.Struct:
		return b.structDec(t)
	}
	return nil, unsupported(t, "%v values cannot be decoded", t.Kind())
}

// isPlain reports whether t is handled by its kind alone: no registered
// coder, no built-in handling, no marshaler methods.
func (b *builder) isPlain(t reflect.Type) bool {
	if b.st.coders[t] != nil {
		return false
	}
	if _, ok := specials[t]; ok {
		return false
	}
	return marshalerEnc(t) == nil
}

// isPlainByte reports whether t is a plain byte type, so that slices and
// arrays of it are written as strings rather than arrays of numbers.
func (b *builder) isPlainByte(t reflect.Type) bool {
	return t.Kind() == reflect.Uint8 && b.isPlain(t)
}
