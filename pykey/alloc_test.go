package pykey_test

import (
	"math/big"
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/pykey"
)

// AppendKey allocates nothing for arguments that need no reflection, and
// Key only its string.
func TestKeyAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop picklers; scripts/test runs this without it")
	}
	g := pykey.Generator{Module: "app.users", Name: "get_user"}
	fn := cachetoolz.Function{}
	args := []any{1000, "eu", 2.5, []byte("x"), nil, true, int64(-7), big.NewInt(1), pykey.Kwargs{"verbose": true, "region": "eu-west"}}
	buf := make([]byte, 0, 64)
	want, err := g.Key(false, fn, args)
	if err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() {
		b, err := g.AppendKey(buf[:0], false, fn, args)
		if err != nil || string(b) != want {
			t.Fatalf("AppendKey = %s, %v; Key gave %s", b, err, want)
		}
	}); n != 0 {
		t.Errorf("AppendKey allocates %v times, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = g.Key(false, fn, args) }); n > 1 {
		t.Errorf("Key allocates %v times, want 1", n)
	}
}
