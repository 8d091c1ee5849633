package cachetoolz

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"
	"unsafe"
)

// wordMatches checks that fastWord gives, for each value, the tag and word
// of what appendFast appends: otherwise a one-integer call's remembered
// key is looked up under an identity it was never put under.
func wordMatches[A any](t *testing.T, k fastKind, values ...A) {
	t.Helper()
	for _, a := range values {
		tag, v := fastWord(unsafe.Pointer(&a), k)
		got := binary.BigEndian.AppendUint64([]byte{tag}, v)
		if want := appendFast(nil, unsafe.Pointer(&a), k); !bytes.Equal(got, want) {
			t.Errorf("%T %v: fastWord gives %x, appendFast appends %x", a, a, got, want)
		}
	}
}

func TestFastWordIsAppendFast(t *testing.T) {
	wordMatches(t, fastInt, 0, 1, -1, math.MaxInt, math.MinInt)
	wordMatches(t, fastInt64, int64(0), -1, math.MaxInt64, math.MinInt64)
	wordMatches(t, fastInt32, int32(0), -1, math.MaxInt32, math.MinInt32)
	wordMatches(t, fastUint, uint(0), 7, math.MaxUint)
	wordMatches(t, fastUint64, uint64(0), 7, math.MaxInt64, math.MaxInt64+1, math.MaxUint64)
	wordMatches(t, fastUint32, uint32(0), 7, math.MaxUint32)
	for k := fastNone; k <= fastBytes; k++ {
		if want := k >= fastInt && k <= fastUint32; wordKind(k) != want {
			t.Errorf("wordKind(%d) = %v", k, !want)
		}
	}
}
