package cachetoolz

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"reflect"

	typeshape "github.com/cachetoolz/cachetoolz/internal/shape"
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
	var fp [8]byte
	binary.BigEndian.PutUint64(fp[:], typeshape.Fingerprint(t))
	_, _ = h.Write(fp[:])
	_, _ = h.Write([]byte(version))
	var out header
	out[0] = headerFormat
	binary.BigEndian.PutUint64(out[1:], h.Sum64())
	return out
}

// encode returns r encoded by the cache's codec, behind the wrapper's
// header (none for a backend that stores plain values, see PlainBackend). It takes a pointer, so that an interface-typed result keeps its
// dynamic type.
func (w *wrapper[R]) encode(r *R) ([]byte, error) {
	data, err := w.c.cfg.Codec.Marshal(r)
	if err != nil || w.plain {
		return data, err
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
	if w.plain {
		return w.decodeBody(data, r)
	}
	if len(data) < len(w.header) || header(data[:len(w.header)]) != w.header {
		return fmt.Errorf("cachetoolz: entry was stored for another result type than %v, or another Options.Version", reflect.TypeFor[R]())
	}
	return w.decodeBody(data[len(w.header):], r)
}

// decodeBody decodes the codec's part of an entry into *r.
func (w *wrapper[R]) decodeBody(data []byte, r *R) error {
	if err := w.c.cfg.Codec.Unmarshal(data, r); err != nil {
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
