package codec

import (
	"reflect"
	"sync"
)

// cycleCheckDepth is the nesting depth from which encoding looks for
// cycles. Values nested less deeply cost no bookkeeping.
const cycleCheckDepth = 100

// encState is the state of one Marshal: the output buffer and the
// references being encoded, to detect cycles.
type encState struct {
	buf   []byte
	st    *state
	depth int
	seen  map[seenKey]struct{}
}

// seenKey identifies a reference being encoded: a pointer, map or slice of
// one type at one address (and, for slices, of one length).
type seenKey struct {
	ptr uintptr
	typ reflect.Type
	n   int
}

var encStates = sync.Pool{New: func() any { return &encState{buf: make([]byte, 0, 256)} }}

// maxPooledBuf is the largest buffer kept for reuse.
const maxPooledBuf = 64 << 10

func getEncState(st *state) *encState {
	e := encStates.Get().(*encState)
	e.st = st
	return e
}

func putEncState(e *encState) {
	if cap(e.buf) > maxPooledBuf {
		return
	}
	e.buf, e.st, e.depth = e.buf[:0], nil, 0
	clear(e.seen)
	encStates.Put(e)
}

// enter and leave bracket the encoding of what a pointer, map or slice v
// refers to. enter fails on a cycle, or on nesting deeper than maxDepth.
func (e *encState) enter(v reflect.Value, n int) error {
	e.depth++
	if e.depth <= cycleCheckDepth {
		return nil
	}
	if e.depth > maxDepth {
		return unsupported(v.Type(), "nesting deeper than %d levels", maxDepth)
	}
	k := seenKey{v.Pointer(), v.Type(), n}
	if _, ok := e.seen[k]; ok {
		return unsupported(v.Type(), "cyclic value: it contains itself")
	}
	if e.seen == nil {
		e.seen = make(map[seenKey]struct{})
	}
	e.seen[k] = struct{}{}
	return nil
}

func (e *encState) leave(v reflect.Value, n int) {
	if e.depth > cycleCheckDepth {
		delete(e.seen, seenKey{v.Pointer(), v.Type(), n})
	}
	e.depth--
}

// nest counts one level of nesting that cannot form a cycle by itself, such
// as a registered encoder's representation, failing beyond maxDepth.
func (e *encState) nest(t reflect.Type) error {
	e.depth++
	if e.depth > maxDepth {
		return unsupported(t, "nesting deeper than %d levels", maxDepth)
	}
	return nil
}
