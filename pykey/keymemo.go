package pykey

import (
	"encoding/binary"
	"math"

	"github.com/cachetoolz/cachetoolz/internal/keymemo"
)

// memo remembers the keys of recent calls whose arguments are all of the
// scalar types that convert reads without reflection (nil, bool, int,
// int32, int64, float64, string, []byte), so that a call repeated with the
// same arguments, which is what a cache hit is, skips the pickle and its
// MD5. A key comes from the memo only for an identity equal to the one it
// was computed from, and an identity is written so that equal identities
// have equal pickles (see appendIdentity), so the memo never changes a key.
var memo keymemo.Lazy

// memoMaxID is the longest identity remembered; calls with longer
// arguments always compute their keys.
const memoMaxID = keymemo.MaxID

// theMemo returns the package's memo.
func theMemo() *keymemo.Memo { return memo.Memo() }

// appendIdentity appends to dst what identifies the key of a call, and
// reports whether the call can be remembered: all its arguments are of the
// memo's types and the identity is at most memoMaxID bytes. The identity
// holds the protocol, typed, the module and name the pickle names, and each
// argument's Python type and exact value (a float's bits, a string's
// bytes), each of variable length after its length, so that two calls
// with equal identities convert to equal objects.
func appendIdentity(dst []byte, proto byte, typed bool, module, name string, args []any) ([]byte, bool) {
	t := byte(0)
	if typed {
		t = 1
	}
	if 2+2*binary.MaxVarintLen64+len(module)+len(name) > memoMaxID {
		return dst, false
	}
	dst = append(dst, proto, t)
	dst = appendBytes(dst, module)
	dst = appendBytes(dst, name)
	for _, a := range args {
		switch x := a.(type) {
		case nil:
			dst = append(dst, 'N')
		case bool:
			if x {
				dst = append(dst, 'T')
			} else {
				dst = append(dst, 'F')
			}
		case int:
			dst = binary.LittleEndian.AppendUint64(append(dst, 'i'), uint64(x))
		case int64:
			dst = binary.LittleEndian.AppendUint64(append(dst, 'i'), uint64(x))
		case int32:
			dst = binary.LittleEndian.AppendUint64(append(dst, 'i'), uint64(int64(x)))
		case float64:
			dst = binary.LittleEndian.AppendUint64(append(dst, 'f'), math.Float64bits(x))
		case string:
			if len(dst)+1+binary.MaxVarintLen64+len(x) > memoMaxID {
				return dst, false
			}
			dst = appendBytes(append(dst, 's'), x)
		case []byte:
			if len(dst)+1+binary.MaxVarintLen64+len(x) > memoMaxID {
				return dst, false
			}
			dst = appendBytes(append(dst, 'b'), string(x))
		default:
			return dst, false
		}
		if len(dst) > memoMaxID-1-binary.MaxVarintLen64 {
			return dst, false
		}
	}
	return dst, true
}

// appendBytes appends s after its length.
func appendBytes(dst []byte, s string) []byte {
	return append(binary.AppendUvarint(dst, uint64(len(s))), s...)
}
