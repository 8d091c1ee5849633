package pykey

import "testing"

// Payloads of 4 GiB and more, too large to build in a test, have the
// eight-byte opcodes.
func TestHeaders(t *testing.T) {
	for _, c := range []struct {
		n    uint64
		want string
	}{
		{255, "\x8c\xff"},
		{256, "X\x00\x01\x00\x00"},
		{1<<32 - 1, "X\xff\xff\xff\xff"},
		{1 << 32, "\x8d\x00\x00\x00\x00\x01\x00\x00\x00"},
	} {
		if got := appendHeader(nil, opShortBinUnicod, opBinUnicode, opBinUnicode8, c.n); string(got) != c.want {
			t.Errorf("str of %d bytes: % x, want % x", c.n, got, c.want)
		}
	}
	if got := appendHeader(nil, opShortBinBytes, opBinBytes, opBinBytes8, 1<<32); string(got) != "\x8e\x00\x00\x00\x00\x01\x00\x00\x00" {
		t.Errorf("bytes of 4 GiB: % x", got)
	}
}
