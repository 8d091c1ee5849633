package memory_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/memory"
)

func ExampleNew() {
	backend, err := memory.New(&memory.Options{MaxEntries: 1_000, ReclaimInterval: time.Minute})
	if err != nil {
		panic(err)
	}
	c := cachetoolz.Must(cachetoolz.New(backend, nil))
	defer c.Close()

	double := cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, n int) (int, error) { return 2 * n, nil }, nil))
	for i := range 5 {
		_, _ = double(context.Background(), i)
	}
	fmt.Println(backend.Len())
	// Output: 5
}

func ExampleOptions_isolate() {
	// With Isolate, every caller gets its own copy of a cached value.
	backend := memory.Must(memory.New(&memory.Options{Isolate: true}))
	c := cachetoolz.Must(cachetoolz.New(backend, nil))
	defer c.Close()
	tags := cachetoolz.Must(cachetoolz.Wrap0Plain(c, func() []string { return []string{"a", "b"} }, nil))

	t := tags()
	t[0] = "changed by one caller"
	fmt.Println(tags())
	// Output: [a b]
}
