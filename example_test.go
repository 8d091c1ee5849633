package cachetoolz_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/memory"
)

func Example() {
	calls := 0
	square := func(ctx context.Context, n int) (int, error) {
		calls++
		return n * n, nil
	}
	cached, err := cachetoolz.Wrap1(nil, square, &cachetoolz.Options{Name: "example.square"})
	if err != nil {
		panic(err)
	}
	for range 3 {
		v, _ := cached(context.Background(), 12)
		fmt.Println(v)
	}
	fmt.Println("calls:", calls)
	// Output:
	// 144
	// 144
	// 144
	// calls: 1
}

func ExampleNew() {
	backend, err := memory.New(&memory.Options{MaxEntries: 10_000})
	if err != nil {
		panic(err)
	}
	c, err := cachetoolz.New(backend, &cachetoolz.Config{Timeout: 100 * time.Millisecond})
	if err != nil {
		panic(err)
	}
	defer c.Close()

	sub := cachetoolz.Must(cachetoolz.Wrap2Plain(c, func(x, y int) int { return x - y }, nil))
	fmt.Println(sub(10, 4))
	// Output: 6
}

func ExampleWrap1() {
	c := cachetoolz.Must(cachetoolz.New(nil, nil))
	type User struct {
		ID   int
		Name string
	}
	loads := 0
	getUser := cachetoolz.Must(cachetoolz.Wrap1(c, func(ctx context.Context, id int) (User, error) {
		loads++
		return User{ID: id, Name: fmt.Sprint("user", id)}, nil
	}, &cachetoolz.Options{Namespace: "users", TTL: time.Minute}))

	ctx := context.Background()
	u, _ := getUser(ctx, 7)
	u, _ = getUser(ctx, 7)
	fmt.Println(u.Name, "loads:", loads)
	fmt.Printf("%+v\n", c.Stats()["users"])
	// Output:
	// user7 loads: 1
	// {Hits:1 LocalHits:0 RemoteHits:0 Misses:1 Loads:1 Errors:0 Mismatches:0 Evictions:0 Stale:0 Refreshes:0 Invalidations:0 BreakerOpen:false}
}

func ExampleClearAfter() {
	c := cachetoolz.Must(cachetoolz.New(nil, nil))
	price := 10
	getPrice := cachetoolz.Must(cachetoolz.Wrap0Plain(c, func() int { return price }, &cachetoolz.Options{Namespace: "prices"}))
	setPrice := cachetoolz.Must(cachetoolz.ClearAfter(c, func(ctx context.Context, p int) error {
		price = p
		return nil
	}, "prices"))

	fmt.Println(getPrice())
	price = 99 // changed behind the cache's back: still cached
	fmt.Println(getPrice())
	_ = setPrice(context.Background(), 12) // changed through the clearing wrapper
	fmt.Println(getPrice())
	// Output:
	// 10
	// 10
	// 12
}

func ExampleCache_Clear() {
	c := cachetoolz.Must(cachetoolz.New(nil, nil))
	n := 0
	next := cachetoolz.Must(cachetoolz.Wrap0Plain(c, func() int { n++; return n }, &cachetoolz.Options{Namespace: "user*"}))
	other := cachetoolz.Must(cachetoolz.Wrap0Plain(c, func() int { n++; return n }, &cachetoolz.Options{Namespace: "users"}))
	fmt.Println(next(), other())
	_ = c.Clear(context.Background(), "user*") // clears that namespace only, glob or not
	fmt.Println(next(), other())
	// Output:
	// 1 2
	// 3 2
}

func ExampleDefaultKey() {
	fn := cachetoolz.Function{Name: "example.com/shop.Price"}
	k1, _ := cachetoolz.DefaultKey(false, fn, []any{map[string]int{"a": 1, "b": 2}})
	k2, _ := cachetoolz.DefaultKey(false, fn, []any{map[string]int{"b": 2, "a": 1}})
	fmt.Println(len(k1), k1 == k2)
	// Output: 32 true
}

func ExampleKeyFunc() {
	c := cachetoolz.Must(cachetoolz.New(nil, nil))
	// Case-insensitive lookups share one entry.
	byEmail := cachetoolz.KeyFunc(func(typed bool, fn cachetoolz.Function, args []any) (string, error) {
		return fmt.Sprintf("%s|%v", fn.Name, strings.ToLower(fmt.Sprint(args[0]))), nil
	})
	loads := 0
	lookup := cachetoolz.Must(cachetoolz.Wrap1Plain(c, func(email string) string {
		loads++
		return "id-of-" + email
	}, &cachetoolz.Options{Keys: byEmail, Name: "lookup"}))
	lookup("a@example.com")
	lookup("A@Example.com")
	fmt.Println("loads:", loads)
	// Output: loads: 1
}
