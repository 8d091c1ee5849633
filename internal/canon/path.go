package canon

import (
	"fmt"
	"reflect"
	"unsafe"
)

// linearMax is how many references a path holds before it indexes them in
// a map: shallow values, by far the most common, are checked by a scan.
const linearMax = 32

// ref identifies a reference: a pointer (to a value of a type), a map, or a
// slice (of a length).
type ref struct {
	t reflect.Type
	p unsafe.Pointer
	n int
}

// path holds the references from an argument down to the value being
// encoded. A reference met again on its own path is a cycle, found the
// first time round; one met again on another path is a shared value,
// encoded again. After an error the path is left as it is: the encoding
// stops.
type path struct {
	refs []ref
	seen map[ref]struct{} // refs, once there are more than linearMax
}

func (p *path) enter(r ref) error {
	if p.seen != nil {
		if _, ok := p.seen[r]; ok {
			return cyclic(r)
		}
		p.seen[r] = struct{}{}
	} else {
		for _, q := range p.refs {
			if q == r {
				return cyclic(r)
			}
		}
		if len(p.refs) == linearMax {
			p.seen = make(map[ref]struct{}, 2*linearMax)
			for _, q := range p.refs {
				p.seen[q] = struct{}{}
			}
			p.seen[r] = struct{}{}
		}
	}
	p.refs = append(p.refs, r)
	return nil
}

func cyclic(r ref) error {
	return fmt.Errorf("%w: cyclic value of type %s", ErrUnsupported, r.t)
}

// leave leaves the last n references entered.
func (p *path) leave(n int) {
	for ; n > 0; n-- {
		last := len(p.refs) - 1
		if p.seen != nil {
			delete(p.seen, p.refs[last])
		}
		p.refs = p.refs[:last]
	}
}
