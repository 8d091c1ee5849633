package cachetoolz_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cachetoolz/cachetoolz"
)

// With MaxStale, a failing function gives way to the last value it
// returned, for MaxStale past its TTL. A fake clock (Config.Now) stands in
// for time passing.
func ExampleOptions_maxStale() {
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	c := cachetoolz.Must(cachetoolz.New(nil, &cachetoolz.Config{Now: func() time.Time { return now }}))
	down := false
	price := cachetoolz.Must(cachetoolz.Wrap1(c, func(ctx context.Context, item string) (int, error) {
		if down {
			return 0, errors.New("pricing database is down")
		}
		return 42, nil
	}, &cachetoolz.Options{Name: "example.price", TTL: time.Minute, MaxStale: time.Hour}))

	v, err := price(context.Background(), "apple")
	fmt.Println(v, err)

	down = true
	now = now.Add(2 * time.Minute) // past the TTL
	var info cachetoolz.CallInfo
	v, err = price(cachetoolz.WithCallInfo(context.Background(), &info), "apple")
	fmt.Println(v, err, info.Stale, info.Err)

	now = now.Add(2 * time.Hour) // past MaxStale
	_, err = price(context.Background(), "apple")
	fmt.Println(err)
	// Output:
	// 42 <nil>
	// 42 <nil> true pricing database is down
	// pricing database is down
}

// EarlyRefresh reloads a hot entry in the background shortly before it
// expires; its callers keep getting the cached value meanwhile.
func ExampleOptions_earlyRefresh() {
	get := cachetoolz.Must(cachetoolz.Wrap1(nil, func(ctx context.Context, id int) (string, error) {
		return fmt.Sprint("user ", id), nil
	}, &cachetoolz.Options{Name: "example.user", TTL: time.Minute, EarlyRefresh: 1}))
	v, _ := get(context.Background(), 7)
	fmt.Println(v)
	// Output: user 7
}

// WithControl makes one call bypass the cache, refresh its entry, or
// remove it.
func ExampleWithControl() {
	version := 1
	get := cachetoolz.Must(cachetoolz.Wrap1(nil, func(ctx context.Context, id int) (string, error) {
		return fmt.Sprintf("user %d v%d", id, version), nil
	}, &cachetoolz.Options{Name: "example.control"}))
	ctx := context.Background()

	v, _ := get(ctx, 7)
	fmt.Println(v)
	version = 2
	v, _ = get(cachetoolz.WithControl(ctx, cachetoolz.Bypass), 7)
	fmt.Println("bypass:", v)
	v, _ = get(ctx, 7)
	fmt.Println("cached:", v)
	v, _ = get(cachetoolz.WithControl(ctx, cachetoolz.Refresh), 7)
	fmt.Println("refresh:", v)
	version = 3
	_, err := get(cachetoolz.WithControl(ctx, cachetoolz.Forget), 7)
	fmt.Println("forget:", err)
	v, _ = get(ctx, 7)
	fmt.Println("reloaded:", v)
	// Output:
	// user 7 v1
	// bypass: user 7 v2
	// cached: user 7 v1
	// refresh: user 7 v2
	// forget: <nil>
	// reloaded: user 7 v3
}

// HardTimeout bounds how long a caller waits for a load; without a stale
// value to fall back on, the caller gets an error wrapping ErrTimeout.
func ExampleErrTimeout() {
	get := cachetoolz.Must(cachetoolz.Wrap1(nil, func(ctx context.Context, id int) (string, error) {
		<-ctx.Done() // a function that never answers in time
		return "", ctx.Err()
	}, &cachetoolz.Options{Name: "example.slow", HardTimeout: 10 * time.Millisecond}))
	_, err := get(context.Background(), 1)
	fmt.Println(errors.Is(err, cachetoolz.ErrTimeout))
	// Output: true
}
