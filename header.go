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

// headerFormatMeta is the first byte of the entries of wrappers whose
// entries carry their freshness (Options.EarlyRefresh, Options.MaxStale):
// after the fingerprint come the load's duration and the entry's expiry,
// each a big-endian int64 (nanoseconds; Unix nanoseconds, zero for none).
// An entry of one format is a mismatch for a wrapper of the other.
const headerFormatMeta = 0xc2

// metaSize is the size of the freshness metadata after a headerFormatMeta
// header.
const metaSize = 16

// header is what every entry a wrapper stores in a byte-storing backend
// starts with: headerFormat, then a fingerprint of the result type's shape
// and of Options.Version. An entry whose header differs was written for
// another result type (an older deploy, say) and is never decoded.
type header [9]byte

func newHeader(t reflect.Type, version string, withMeta bool) header {
	h := fnv.New64a()
	var fp [8]byte
	binary.BigEndian.PutUint64(fp[:], typeshape.Fingerprint(t))
	_, _ = h.Write(fp[:])
	_, _ = h.Write([]byte(version))
	var out header
	out[0] = headerFormat
	if withMeta {
		out[0] = headerFormatMeta
	}
	binary.BigEndian.PutUint64(out[1:], h.Sum64())
	return out
}

// metaOK reports whether the wrapper's entries carry their freshness
// metadata (m in encode and decode, a freshEntry in the memory backend).
// Every freshness decision is taken behind it: without metadata, entries
// are fresh until their backend drops them.
func (w *wrapper[R]) metaOK() bool { return w.meta }

// encode returns r encoded by the cache's codec, behind the wrapper's
// header, and m when the wrapper's entries carry metadata; a backend that
// stores plain values (see PlainBackend) gets the codec's output alone. It
// takes a pointer, so that an interface-typed result keeps its dynamic
// type.
func (w *wrapper[R]) encode(r *R, m meta) ([]byte, error) {
	data, err := w.c.cfg.Codec.Marshal(r)
	if err != nil || w.plain {
		return data, err
	}
	n := len(w.header)
	if w.metaOK() {
		n += metaSize
	}
	out := make([]byte, n+len(data))
	copy(out, w.header[:])
	if w.metaOK() {
		binary.BigEndian.PutUint64(out[len(w.header):], uint64(m.delta))
		binary.BigEndian.PutUint64(out[len(w.header)+8:], uint64(m.expiry))
	}
	copy(out[n:], data)
	return out, nil
}

// decode decodes an entry that encode made into *r. It fails for an entry
// written for another result type or Options.Version, and for one that
// does not decode exactly: the caller reports a mismatch, treats the entry
// as a miss, and the load that follows overwrites it.
//
// For a wrapper whose entries carry metadata it returns it; an entry
// without (or with, for a wrapper without) is a mismatch. A backend that
// stores plain values has entries with neither header nor metadata.
func (w *wrapper[R]) decode(data []byte, r *R) (m meta, err error) {
	if w.plain {
		return m, w.decodeBody(data, r)
	}
	if len(data) < len(w.header) || header(data[:len(w.header)]) != w.header {
		return m, fmt.Errorf("cachetoolz: entry was stored for another result type than %v, or another Options.Version, or with other freshness options", reflect.TypeFor[R]())
	}
	data = data[len(w.header):]
	if w.metaOK() {
		if len(data) < metaSize {
			return m, fmt.Errorf("cachetoolz: entry for %v is cut short in its freshness metadata", reflect.TypeFor[R]())
		}
		m.delta = int64(binary.BigEndian.Uint64(data))
		m.expiry = int64(binary.BigEndian.Uint64(data[8:]))
		data = data[metaSize:]
	}
	return m, w.decodeBody(data, r)
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
