package cachetoolz

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"reflect"
)

// headerFormat is the first byte of every entry a wrapper stores in a
// byte-storing backend. It changes when the layout of the header does.
const headerFormat = 0xc1

// header is what every entry a wrapper stores in a byte-storing backend
// starts with: headerFormat, then a fingerprint of the result type's shape
// and of Options.Version. An entry whose header differs was written for
// another result type (an older deploy, say) and is never decoded.
type header [9]byte

func newHeader(t reflect.Type, version string) header {
	h := fnv.New64a()
	_, _ = h.Write([]byte(t.String()))
	_, _ = h.Write([]byte{0})
	_, _ = h.Write([]byte(version))
	var out header
	out[0] = headerFormat
	binary.BigEndian.PutUint64(out[1:], h.Sum64())
	return out
}

// encode returns r encoded by the cache's codec, behind the wrapper's
// header. It takes a pointer, so that an interface-typed result keeps its
// dynamic type.
func (w *wrapper[R]) encode(r *R) ([]byte, error) {
	data, err := w.c.cfg.Codec.Marshal(r)
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(w.header)+len(data))
	copy(out, w.header[:])
	copy(out[len(w.header):], data)
	return out, nil
}

// decode decodes an entry that encode made into *r. It fails for an entry
// written for another result type or Options.Version, and for one that
// does not decode exactly: the caller reports a mismatch, treats the entry
// as a miss, and the load that follows overwrites it.
func (w *wrapper[R]) decode(data []byte, r *R) error {
	if len(data) < len(w.header) || header(data[:len(w.header)]) != w.header {
		return fmt.Errorf("cachetoolz: entry was stored for another result type than %v, or another Options.Version", reflect.TypeFor[R]())
	}
	if err := w.c.cfg.Codec.Unmarshal(data[len(w.header):], r); err != nil {
		var zero R
		*r = zero
		return fmt.Errorf("cachetoolz: entry does not decode into %v: %w", reflect.TypeFor[R](), err)
	}
	return nil
}

// mismatch counts and logs an entry that cannot be served.
func (w *wrapper[R]) mismatch(err error) {
	w.c.trouble(w.ns, w.ns.name, opMismatch, err)
}
