package memstore

import (
	"reflect"
	"time"
	"unsafe"
)

// Typed stores values of one type V. A value that a conversion to any would
// copy to the heap (any V larger than a pointer, but an interface) is
// stored in the same allocation as its entry, and the entry's value refers
// to it there: a store then makes one allocation where it would make two,
// and the collector finds one object where it would find two. A hit reads
// the value as any other: the entry's value is an ordinary interface value
// of dynamic type V.
type Typed[V any] struct {
	typ unsafe.Pointer // V's type, as an interface value holds it; nil: V is boxed as usual
}

// eface is the layout of an interface value of type any.
type eface struct {
	typ, data unsafe.Pointer
}

// entryWith is an entry and the value it refers to.
type entryWith[V any] struct {
	entry
	v V
}

// NewTyped returns the Typed of V.
func NewTyped[V any]() Typed[V] {
	rt := reflect.TypeFor[V]()
	// A value of at most a pointer's size may be held in the interface
	// value itself, and an interface is converted without a copy: those
	// are stored as they are.
	if rt.Kind() == reflect.Interface || rt.Size() <= unsafe.Sizeof(uintptr(0)) {
		return Typed[V]{}
	}
	// A reflect.Type holds the runtime's type descriptor of V, which is
	// what an interface value of dynamic type V holds too.
	return Typed[V]{typ: (*eface)(unsafe.Pointer(&rt)).data}
}

// Set is Store.SetString for a value of type V.
func (t Typed[V]) Set(s *Store, n *Namespace, k string, v V, ttl time.Duration, gen uint64) {
	if t.typ == nil {
		s.set(n, k, v, ttl, gen)
		return
	}
	x := &entryWith[V]{entry: entry{ns: n, key: k, gen: gen}, v: v}
	// x.v is never written again, as a boxed value never is.
	x.value = *(*any)(unsafe.Pointer(&eface{typ: t.typ, data: unsafe.Pointer(&x.v)}))
	s.setEntry(&x.entry, ttl)
}

// Inline reports whether Set stores a V in the same allocation as its
// entry, where Pointer finds it.
func (t Typed[V]) Inline() bool { return t.typ != nil }

// Pointer returns where v, a value a Get returned, holds its V, or nil if
// its dynamic type is not V. The V is never written again. Only a Typed
// that is Inline finds any.
func (t Typed[V]) Pointer(v any) *V {
	if e := (*eface)(unsafe.Pointer(&v)); t.typ != nil && e.typ == t.typ {
		return (*V)(e.data)
	}
	return nil
}
