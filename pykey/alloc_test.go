package pykey_test

import (
	"math/big"
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/pykey"
)

// Key allocates only its string for arguments that need no reflection.
func TestKeyAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop picklers; scripts/test runs this without it")
	}
	g := pykey.Generator{Module: "app.users", Name: "get_user"}
	fn := cachetoolz.Function{}
	// A Kwargs and a *big.Int: a call the memo does not take.
	args := []any{1000, "eu", 2.5, []byte("x"), nil, true, int64(-7), big.NewInt(1), pykey.Kwargs{"verbose": true, "region": "eu-west"}}
	want, err := g.Key(false, fn, args)
	if err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() {
		k, err := g.Key(false, fn, args)
		if err != nil || k != want {
			t.Fatalf("Key = %s, %v; want %s", k, err, want)
		}
	}); n > 1 {
		t.Errorf("Key allocates %v times, want 1", n)
	}
}
