package canon

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"
)

// An integer's encoding is its tag and its word, big-endian: what a memo
// of calls' keys looks up without building the bytes.
func TestIntegerWords(t *testing.T) {
	word := func(tag byte, w uint64) []byte { return binary.BigEndian.AppendUint64([]byte{tag}, w) }
	for _, v := range []int64{0, 1, -1, 255, 256, math.MaxInt64, math.MinInt64} {
		if got, want := AppendInt(nil, v), word(IntWord(v)); !bytes.Equal(got, want) {
			t.Errorf("AppendInt(%d) = %x, IntWord gives %x", v, got, want)
		}
	}
	for _, v := range []uint64{0, 1, math.MaxInt64, math.MaxInt64 + 1, math.MaxUint64} {
		if got, want := AppendUint(nil, v), word(UintWord(v)); !bytes.Equal(got, want) {
			t.Errorf("AppendUint(%d) = %x, UintWord gives %x", v, got, want)
		}
	}
	// The same number is one encoding, signed or not; past MaxInt64 an
	// unsigned one is not the negative int64 of its bits.
	if !bytes.Equal(AppendUint(nil, 7), AppendInt(nil, 7)) {
		t.Error("7 as uint64 and as int64 encode apart")
	}
	if bytes.Equal(AppendUint(nil, math.MaxUint64), AppendInt(nil, -1)) {
		t.Error("MaxUint64 encodes as -1")
	}
}
