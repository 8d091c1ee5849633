package cachetoolz

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

// TestRemoteKeyNameWithNUL checks that a function name holding a NUL byte
// cannot end early: "f\x00x" with the arguments "y" and "f" with the
// arguments "x\x00y" hashed the same input when the name was only followed
// by a NUL.
func TestRemoteKeyNameWithNUL(t *testing.T) {
	a := remoteKey("f\x00x", []byte("y"))
	b := remoteKey("f", []byte("x\x00y"))
	if a == b {
		t.Fatalf("names f\\x00x and f share the key %s", a)
	}
	if c := remoteKey("f\x00", []byte("xy")); c == a {
		t.Fatalf("names f\\x00x and f\\x00 share the key %s", a)
	}
}

// TestRemoteKeyForm pins the form of a key whose name holds no NUL, which
// every key stored so far has: a change to it would orphan them.
func TestRemoteKeyForm(t *testing.T) {
	name, args := "pkg.F", []byte{1, 2, 3}
	sum := sha256.Sum256(append([]byte("cachetoolz\x00"+name+"\x00"), args...))
	if got, want := remoteKey(name, args), hex.EncodeToString(sum[:16]); got != want {
		t.Fatalf("remoteKey = %s, want %s", got, want)
	}
}
