package cachetoolz

import (
	"encoding/binary"
	"math"
	"sync/atomic"
	"unsafe"

	"github.com/cachetoolz/cachetoolz/internal/keymemo"
)

// PureKeyGenerator is a [KeyGenerator] whose key for a call depends on
// nothing but typed, the function and the values of the call's arguments:
// the same values give the same key every time, whatever else changes. A
// function wrapped with one, whose arguments are all of basic types (bool,
// the integer types int, int32, int64, uint, uint32 and uint64, float64,
// string and []byte, or types defined on them without MarshalBinary or
// MarshalText methods), has the keys of its recent calls remembered: a
// call that repeats one, as a hit does, takes its key from there and does
// not ask the generator. Arguments that differ in any way (other bits of
// a float, a nil slice and an empty one) are different calls; a float
// argument that is a NaN is never remembered. A generator whose keys
// change with state of its own (a pointer to a struct whose fields change
// after wrapping) is not pure.
type PureKeyGenerator interface {
	KeyGenerator
	// PureKeys declares the generator pure; it is never called.
	PureKeys()
}

// PureKeyFunc adapts a pure function to the PureKeyGenerator interface.
type PureKeyFunc func(typed bool, fn Function, args []any) (string, error)

// Key returns f(typed, fn, args).
func (f PureKeyFunc) Key(typed bool, fn Function, args []any) (string, error) {
	return f(typed, fn, args)
}

// PureKeys declares f pure.
func (PureKeyFunc) PureKeys() {}

// backendKey is the key of a call in the backend, and the key the backend
// joined from it (see KeyJoiner) when the call's key was remembered with
// it.
type backendKey struct {
	key    string
	joined string
}

// wrapperIDs numbers the wrappers, whose remembered calls the identities
// start with.
var wrapperIDs atomic.Uint64

// pureKeys is the process's memo of pure generators' keys.
var pureKeys keymemo.Lazy

// memoizes reports whether the wrapper remembers its calls' keys: its
// generator is pure and its arguments' static types are basic.
func (w *wrapper[R]) memoizes() bool {
	if _, ok := w.keys.(PureKeyGenerator); !ok {
		return false
	}
	for _, a := range w.args {
		if a.iface || a.fast == fastNone {
			return false
		}
	}
	return true
}

// memoIDLen is the room a call's identity is built in: the wrapper's
// number, then each argument's encoding; longer identities are not
// remembered.
const memoIDLen = keymemo.MaxID

// appendMemoArg appends to the identity of a call its argument a, whose
// static type is basic (see memoizes): its canonical encoding, which tells
// apart every two values of one type but NaNs. It reports false for a NaN
// and for an identity too long to remember.
func appendMemoArg[A any](id []byte, a A, info *argInfo) ([]byte, bool) {
	p := unsafe.Pointer(&a)
	if info.fast == fastFloat64 && math.IsNaN(*(*float64)(p)) {
		return id, false
	}
	if info.fast == fastString && len(*(*string)(p)) > memoIDLen || info.fast == fastBytes && len(*(*[]byte)(p)) > memoIDLen {
		return id, false // would not fit: spare the copy
	}
	id = appendFast(id, p, info.fast)
	return id, len(id) <= memoIDLen
}

// memoKey builds the key of a call whose wrapper remembers its calls' keys
// (w.memo): id is the call's identity, which ok says can be remembered,
// and anys makes the generator's arguments of args, on a miss only, so
// that a remembered call boxes none.
func memoKey[T, R any](w *wrapper[R], b, id []byte, ok bool, args T, anys func(T) []any) ([]byte, backendKey, error) {
	if !ok {
		return w.custom(b, anys(args)...)
	}
	if c := w.memo.Get(id); c != nil {
		return w.recall(b, c)
	}
	key, bk, err := w.custom(b, anys(args)...)
	return w.remember(id, key, bk, err)
}

// memoID2 returns the identity of a call's first two arguments, and
// whether it can be remembered (see appendMemoArg).
func memoID2[A1, A2, R any](w *wrapper[R], ib *[memoIDLen]byte, a1 A1, a2 A2) ([]byte, bool) {
	id, ok := appendMemoArg(w.memoStart(ib), a1, &w.args[0])
	if ok {
		id, ok = appendMemoArg(id, a2, &w.args[1])
	}
	return id, ok
}

// The generator's arguments of a call with zero to three.
func anys0(struct{}) []any                            { return nil }
func anys1[A1 any](a1 A1) []any                       { return []any{a1} }
func anys2[A1, A2 any](a args2[A1, A2]) []any         { return []any{a.a1, a.a2} }
func anys3[A1, A2, A3 any](a args3[A1, A2, A3]) []any { return []any{a.a1, a.a2, a.a3} }

// recall returns the key of a remembered call c, built in b as custom
// builds it.
func (w *wrapper[R]) recall(b []byte, c *keymemo.Call) ([]byte, backendKey, error) {
	k := c.Key()
	return append(append(b, keyCustom), k...), backendKey{key: k, joined: c.Joined()}, nil
}

// remember remembers bk, the key that custom made for the call of
// identity id, with the key the backend joins from it.
func (w *wrapper[R]) remember(id, key []byte, bk backendKey, err error) ([]byte, backendKey, error) {
	if err != nil {
		return nil, backendKey{}, err
	}
	if j := w.c.joiner; j != nil && w.local == nil {
		if joined, ok := j.JoinKey(w.c.backend, w.ns.name, bk.key); ok {
			bk.joined = joined
		}
	}
	w.memo.Put(id, bk.key, bk.joined)
	return key, bk, nil
}

// memoStart returns the start of the identity of a call, the wrapper's
// number, in b's memory.
func (w *wrapper[R]) memoStart(b *[memoIDLen]byte) []byte {
	return binary.BigEndian.AppendUint64(b[:0], w.memoNum)
}
