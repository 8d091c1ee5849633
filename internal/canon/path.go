package canon

import (
	"fmt"
	"reflect"
	"unsafe"
)

// trackAfter is how many references deep a value may go before the encoder
// starts remembering the references on its path: shallow values, by far
// the most common, cost nothing, and a cycle is still found on its next
// round.
const trackAfter = 32

// ref identifies a reference: a pointer (to a value of a type), a map, or a
// slice (of a length).
type ref struct {
	t reflect.Type
	p unsafe.Pointer
	n int
}

// path holds the references from an argument down to the value being
// encoded. A reference met again on its own path is a cycle; one met again
// on another path is a shared value, encoded again.
// After an error the path is left as it is: the encoding stops.
type path struct {
	depth   int
	tracked []ref // the references deeper than trackAfter, in order
	seen    map[ref]struct{}
}

func (p *path) enter(r ref) error {
	p.depth++
	if p.depth <= trackAfter {
		return nil
	}
	if p.seen == nil {
		p.seen = make(map[ref]struct{})
	}
	if _, ok := p.seen[r]; ok {
		return fmt.Errorf("%w: cyclic value of type %s", ErrUnsupported, r.t)
	}
	p.seen[r] = struct{}{}
	p.tracked = append(p.tracked, r)
	return nil
}

// leave leaves the last n references entered.
func (p *path) leave(n int) {
	for ; n > 0; n-- {
		if p.depth > trackAfter {
			last := len(p.tracked) - 1
			delete(p.seen, p.tracked[last])
			p.tracked = p.tracked[:last]
		}
		p.depth--
	}
}
