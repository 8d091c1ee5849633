package rediscache_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/codec"
	"github.com/cachetoolz/cachetoolz/pykey"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
)

// Order is the result that a Python service and a Go service cache: the
// fields of the dict that the Python function returns.
type Order struct {
	ID     int               `json:"id"`
	Status string            `json:"status"`
	Total  codec.Decimal     `json:"total"`
	Placed time.Time         `json:"placed"`
	Tags   codec.Set[string] `json:"tags"`
}

// A Go service and a Python service share the namespace "orders" on one
// Redis. The Python service, with the Python cachetoolz library:
//
//	# app/orders.py
//	from cachetoolz import Cache, RedisBackend
//	cache = Cache(RedisBackend("redis://localhost:6379/0"))
//
//	@cache(namespace="orders", ttl=600)
//	def get_order(order_id, *, region):
//	    return {"id": order_id, "status": "paid", "total": Decimal("12.50"),
//	            "placed": datetime.now(timezone.utc), "tags": {"gift"}}
//
//	@cache.clear(namespaces=["orders"])
//	def cancel_order(order_id): ...
//
// The Go service wraps its own function with the seed layout, the Python
// value format and the Python key of app.orders.get_order: a call with the
// same arguments reads what either service stored, and a clear from either
// service empties the namespace for both. Set Protocol to 5 when the Python
// service runs on Python 3.14. (It needs a server, so it is compiled but
// not run: start redis-server on port 6379, call get_order(7, region="eu")
// from Python, then run this code, and it finds Python's entry.)
func Example_sharingWithPython() {
	backend, err := rediscache.New("redis://localhost:6379/0?layout=seed", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	cache, err := cachetoolz.New(backend, &cachetoolz.Config{Codec: codec.Python})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cache.Close()
	getOrder, err := cachetoolz.Wrap2(cache, func(ctx context.Context, id int, kw pykey.Kwargs) (Order, error) {
		// The Go port of get_order.
		total, err := codec.ParseDecimal("12.50")
		if err != nil {
			return Order{}, err
		}
		return Order{ID: id, Status: "paid", Total: total, Placed: time.Now().UTC(), Tags: codec.Set[string]{"gift": {}}}, nil
	}, &cachetoolz.Options{
		Namespace: "orders",
		TTL:       10 * time.Minute,
		Keys:      pykey.Generator{Module: "app.orders", Name: "get_order", Protocol: 4},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	order, err := getOrder(context.Background(), 7, pykey.Kwargs{"region": "eu"})
	fmt.Println(order.Status, err)
	// A clear from Go: Python's next get_order(7, region="eu") runs again.
	if err := cache.Clear(context.Background(), "orders"); err != nil {
		fmt.Println(err)
	}
}
