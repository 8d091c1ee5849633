package pykey_test

import (
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/pykey"
)

// AppendKey appends Key's key after what dst holds, whether dst has room
// for it or must grow, and leaves dst's bytes alone.
func TestAppendKeyKeepsPrefix(t *testing.T) {
	g := pykey.Generator{Module: "app.users", Name: "get_user"}
	args := []any{7, "eu"}
	want, err := g.Key(false, cachetoolz.Function{}, args)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []int{1, 33, 64} {
		dst := append(make([]byte, 0, c), 'p')
		b, err := g.AppendKey(dst, false, cachetoolz.Function{}, args)
		if err != nil || string(b) != "p"+want || dst[0] != 'p' {
			t.Fatalf("cap %d: AppendKey = %q, %v; want %q", c, b, err, "p"+want)
		}
	}
}
