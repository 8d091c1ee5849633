package pykey_test

import (
	"fmt"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/pykey"
)

// The key that the Python cachetoolz library gives the call
// get_user(42, verbose=True) of a function in module app.users: the same
// as hashlib.md5(pickle.dumps(...)).hexdigest() in Python. Set the
// Generator as Options.Keys of the wrap of the Go function that shares the
// Python function's cache.
func ExampleGenerator() {
	g := pykey.Generator{Module: "app.users", Name: "get_user"}
	key, err := g.Key(false, cachetoolz.Function{}, []any{42, pykey.Kwargs{"verbose": true}})
	if err != nil {
		panic(err)
	}
	fmt.Println(key)

	// Typed, the key also holds the types int and bool.
	key, _ = g.Key(true, cachetoolz.Function{}, []any{42, pykey.Kwargs{"verbose": true}})
	fmt.Println(key)

	// Python 3.14 pickles with protocol 5.
	g.Protocol = 5
	key, _ = g.Key(false, cachetoolz.Function{}, []any{42, pykey.Kwargs{"verbose": true}})
	fmt.Println(key)
	// Output:
	// b4321e36dea0c0647335e6381183a432
	// 4db5e2d9f9f92ea86aa7cb4c12d4730e
	// dc77d357d0427a0cd9ffee928caf19cd
}
