package cachetoolz_test

import (
	"context"
	"fmt"

	"github.com/cachetoolz/cachetoolz"
)

// A pure key generator is asked once per call that the wrapper remembers:
// the repeated calls, which are hits, take their keys from the memo.
func ExamplePureKeyFunc() {
	asked := 0
	keys := cachetoolz.PureKeyFunc(func(_ bool, _ cachetoolz.Function, args []any) (string, error) {
		asked++
		return fmt.Sprintf("user:%v", args[0]), nil
	})
	getUser := cachetoolz.Must(cachetoolz.Wrap1(nil, func(_ context.Context, id int) (string, error) {
		return fmt.Sprintf("user %d", id), nil
	}, &cachetoolz.Options{Namespace: "example.users", Keys: keys}))
	for range 3 {
		name, _ := getUser(context.Background(), 7)
		fmt.Println(name)
	}
	fmt.Println("keys asked:", asked)
	// Output:
	// user 7
	// user 7
	// user 7
	// keys asked: 1
}
