package benchmarks

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	rediscache "github.com/go-redis/cache/v9"
	"github.com/jellydator/ttlcache/v3"
	"github.com/maypok86/otter/v2"
	gocache "github.com/patrickmn/go-cache"
	"github.com/viccon/sturdyc"
	"golang.org/x/sync/singleflight"
)

// BenchmarkMemory compares the in-memory caches: cachetoolz's memory backend
// (the rows from cachetoolzMemory), its peers, and raw otter as the limit.
// Libraries keyed by string get strconv.Itoa(id): that conversion is part of
// what memoizing a func of an int costs with them.
func BenchmarkMemory(b *testing.B) {
	runAll(b, memoryLibs())
}

// memoryLibs lists the rows of BenchmarkMemory: the limit, cachetoolz, then
// the peers.
func memoryLibs() []lib {
	libs := []lib{{"otter-raw", otterRaw}}
	libs = append(libs, cachetoolzMemory()...)
	return append(libs,
		lib{"otter-loader", otterLoader},
		lib{"sturdyc", sturdycFetch},
		lib{"ttlcache", ttlcacheLoader},
		lib{"gocache-singleflight", goCacheSingleflight},
		lib{"goredis-cache-local", goRedisCacheLocal},
	)
}

// errNoItem is returned by the ttlcache row when its loader gave no item.
var errNoItem = errors.New("ttlcache returned no item")

// otterRaw is the limit: GetIfPresent on an otter cache with no expiry, and
// on a miss a plain load and Set, with no deduplication of concurrent loads.
func otterRaw(b *testing.B, load loader) memo {
	c := otter.Must(&otter.Options[int, User]{MaximumSize: capacity})
	b.Cleanup(func() { c.StopAllGoroutines() })
	return func(ctx context.Context, id int) (User, error) {
		if u, ok := c.GetIfPresent(id); ok {
			return u, nil
		}
		u, err := load(ctx, id)
		if err != nil {
			return User{}, err
		}
		c.Set(id, u)
		return u, nil
	}
}

// otterLoader is otter's own memoization: Get with a Loader, which
// deduplicates concurrent loads of a key.
func otterLoader(b *testing.B, load loader) memo {
	c := otter.Must(&otter.Options[int, User]{
		MaximumSize:      capacity,
		ExpiryCalculator: otter.ExpiryWriting[int, User](ttl),
	})
	b.Cleanup(func() { c.StopAllGoroutines() })
	l := otter.LoaderFunc[int, User](load)
	return func(ctx context.Context, id int) (User, error) {
		return c.Get(ctx, id, l)
	}
}

// sturdycFetch is sturdyc's GetOrFetch with 16 shards and 10% eviction.
// Continuous eviction is off: the client has no Close, and its eviction
// goroutine would keep every client of the run, and its entries, alive for
// the garbage collector to scan in the benchmarks that follow. Entries are
// still evicted on write once a shard is full.
func sturdycFetch(_ *testing.B, load loader) memo {
	c := sturdyc.New[User](capacity, 16, ttl, 10, sturdyc.WithNoContinuousEvictions())
	return func(ctx context.Context, id int) (User, error) {
		return c.GetOrFetch(ctx, strconv.Itoa(id), func(ctx context.Context) (User, error) {
			return load(ctx, id)
		})
	}
}

// ttlcacheLoader is ttlcache with a suppressed (singleflight) loader and no
// touch on hit, so that a TTL counts from the write as everywhere else. Its
// loader takes no context.
func ttlcacheLoader(_ *testing.B, load loader) memo {
	l := ttlcache.LoaderFunc[int, User](func(c *ttlcache.Cache[int, User], id int) *ttlcache.Item[int, User] {
		u, err := load(context.Background(), id)
		if err != nil {
			return nil
		}
		return c.Set(id, u, ttlcache.DefaultTTL)
	})
	c := ttlcache.New(
		ttlcache.WithTTL[int, User](ttl),
		ttlcache.WithCapacity[int, User](capacity),
		ttlcache.WithDisableTouchOnHit[int, User](),
		ttlcache.WithLoader(ttlcache.NewSuppressedLoader(l, nil)),
	)
	return func(_ context.Context, id int) (User, error) {
		it := c.Get(id)
		if it == nil {
			return User{}, errNoItem
		}
		return it.Value(), nil
	}
}

// goCacheSingleflight is go-cache (unbounded: it has no capacity) in front of
// a singleflight.Group, the usual pairing.
func goCacheSingleflight(_ *testing.B, load loader) memo {
	c := gocache.New(ttl, time.Minute)
	var g singleflight.Group
	return func(ctx context.Context, id int) (User, error) {
		k := strconv.Itoa(id)
		if v, ok := c.Get(k); ok {
			return v.(User), nil
		}
		v, err, _ := g.Do(k, func() (any, error) {
			u, err := load(ctx, id)
			if err != nil {
				return nil, err
			}
			c.Set(k, u, gocache.DefaultExpiration)
			return u, nil
		})
		if err != nil {
			return User{}, err
		}
		return v.(User), nil
	}
}

// goRedisCacheLocal is go-redis/cache with its TinyLFU local cache and no
// Redis: Once, which stores encoded bytes (msgpack) and decodes on every hit.
func goRedisCacheLocal(_ *testing.B, load loader) memo {
	c := rediscache.New(&rediscache.Options{LocalCache: rediscache.NewTinyLFU(capacity, ttl)})
	return func(ctx context.Context, id int) (User, error) {
		var u User
		err := c.Once(&rediscache.Item{
			Ctx:   ctx,
			Key:   strconv.Itoa(id),
			Value: &u,
			Do: func(*rediscache.Item) (any, error) {
				return load(ctx, id)
			},
		})
		return u, err
	}
}
