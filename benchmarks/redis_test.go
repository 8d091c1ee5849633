package benchmarks

import (
	"context"
	"encoding/json"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rc "github.com/cachetoolz/cachetoolz/redis"
	rediscache "github.com/go-redis/cache/v9"
	goredis "github.com/redis/go-redis/v9"
	"github.com/redis/rueidis"
)

// BenchmarkRedis compares cachetoolz on its Redis backend with the limit: a
// raw client GET of the same value plus its JSON decode (and on a miss, the
// load, a JSON encode and a SET with ttl). Every row talks to the same
// redis-server, started for the run on a free loopback port (or the one in
// CACHETOOLZ_TEST_REDIS_URL).
//
//   - rueidis-raw: the limit, on the client the backend uses;
//   - goredis-raw: the same on go-redis v9, for the choice of client;
//   - cachetoolz-backend: the backend alone, Get and JSON decode, as a
//     cache built on it would do without the wrapper;
//   - cachetoolz: load wrapped with cachetoolz.Wrap1 on the Redis backend;
//   - goredis-cache-remote: go-redis/cache v9 Once on go-redis, no local
//     cache (the peer).
func BenchmarkRedis(b *testing.B) {
	srv := testserver.Redis(b)
	url := srv.URL()
	runAll(b, []lib{
		{"rueidis-raw", rueidisRaw(url)},
		{"goredis-raw", goRedisRaw(url)},
		{"cachetoolz-backend", redisBackendDirect(url)},
		{"cachetoolz", redisWrapped(url)},
		{"goredis-cache-remote", goRedisCacheRemote(url)},
	})
}

// redisRun numbers the factories of a run: every row and every round of
// b.N writes under its own prefix, so no round finds the keys of another.
var redisRun atomic.Int64

func redisPrefix(row string) string {
	return "bench:" + row + ":" + strconv.FormatInt(redisRun.Add(1), 10) + ":"
}

func rueidisClient(b *testing.B, url string) rueidis.Client {
	opt, err := rueidis.ParseURL(url)
	if err != nil {
		b.Fatal(err)
	}
	opt.DisableCache = true
	c, err := rueidis.NewClient(opt)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.Close)
	return c
}

func rueidisRaw(url string) factory {
	return func(b *testing.B, load loader) memo {
		c := rueidisClient(b, url)
		prefix := redisPrefix("rueidis")
		return func(ctx context.Context, id int) (User, error) {
			key := prefix + strconv.Itoa(id)
			raw, err := c.Do(ctx, c.B().Get().Key(key).Build()).AsBytes()
			if err == nil {
				var u User
				err = json.Unmarshal(raw, &u)
				return u, err
			}
			if !rueidis.IsRedisNil(err) {
				return User{}, err
			}
			u, err := load(ctx, id)
			if err != nil {
				return User{}, err
			}
			enc, err := json.Marshal(u)
			if err != nil {
				return User{}, err
			}
			return u, c.Do(ctx, c.B().Set().Key(key).Value(rueidis.BinaryString(enc)).Px(ttl).Build()).Error()
		}
	}
}

func goRedisRaw(url string) factory {
	return func(b *testing.B, load loader) memo {
		opt, err := goredis.ParseURL(url)
		if err != nil {
			b.Fatal(err)
		}
		opt.PoolSize = 2 * goroutines
		c := goredis.NewClient(opt)
		b.Cleanup(func() { _ = c.Close() })
		prefix := redisPrefix("goredis")
		return func(ctx context.Context, id int) (User, error) {
			key := prefix + strconv.Itoa(id)
			raw, err := c.Get(ctx, key).Bytes()
			if err == nil {
				var u User
				err = json.Unmarshal(raw, &u)
				return u, err
			}
			if err != goredis.Nil {
				return User{}, err
			}
			u, err := load(ctx, id)
			if err != nil {
				return User{}, err
			}
			enc, err := json.Marshal(u)
			if err != nil {
				return User{}, err
			}
			return u, c.Set(ctx, key, enc, ttl).Err()
		}
	}
}

func newRedisBackend(b *testing.B, url string) *rc.Backend {
	return newRedisBackendPrefix(b, url, redisPrefix("cachetoolz"))
}

// newRedisBackendPrefix is a Redis backend writing under prefix, which
// several backends may share: they then see each other's entries.
func newRedisBackendPrefix(b *testing.B, url, prefix string) *rc.Backend {
	be, err := rc.New(url, &rc.Options{Prefix: prefix})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = be.Close() })
	return be
}

// redisBackendDirect uses the backend the way a cache without wrappers
// would: Get and decode; on a miss, load, encode and Set with the
// generation Get reported.
func redisBackendDirect(url string) factory {
	return func(b *testing.B, load loader) memo {
		be := newRedisBackend(b, url)
		return func(ctx context.Context, id int) (User, error) {
			key := strconv.Itoa(id)
			raw, gen, err := be.Get(ctx, "users", key)
			if err == nil {
				var u User
				err = json.Unmarshal(raw, &u)
				return u, err
			}
			if err != cachetoolz.ErrNotFound {
				return User{}, err
			}
			u, err := load(ctx, id)
			if err != nil {
				return User{}, err
			}
			enc, err := json.Marshal(u)
			if err != nil {
				return User{}, err
			}
			return u, be.Set(ctx, "users", key, enc, ttl, gen)
		}
	}
}

// redisWrapped is load wrapped with cachetoolz.Wrap1 on the Redis backend.
func redisWrapped(url string) factory {
	return func(b *testing.B, load loader) memo {
		_, m := wrapOn(b, newRedisBackend(b, url), nil, load)
		return m
	}
}

// wrapOn wraps load with cachetoolz.Wrap1 and a TTL of an hour on a cache
// on be with cfg, closed when b ends, and returns the cache and the
// wrapped load.
func wrapOn(b *testing.B, be cachetoolz.Backend, cfg *cachetoolz.Config, load loader) (*cachetoolz.Cache, memo) {
	c, err := cachetoolz.New(be, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	m, err := cachetoolz.Wrap1(c, load, &cachetoolz.Options{TTL: ttl, Name: "benchmarks.load"})
	if err != nil {
		b.Fatal(err)
	}
	return c, m
}

// goRedisCacheRemote is go-redis/cache v9 with Redis only: Once looks the key
// up, and on a miss runs the loader (deduplicated within the process),
// encodes its result with msgpack and stores it with the ttl.
func goRedisCacheRemote(url string) factory {
	return func(b *testing.B, load loader) memo {
		opt, err := goredis.ParseURL(url)
		if err != nil {
			b.Fatal(err)
		}
		opt.PoolSize = 2 * goroutines
		client := goredis.NewClient(opt)
		b.Cleanup(func() { _ = client.Close() })
		c := rediscache.New(&rediscache.Options{Redis: client})
		prefix := redisPrefix("goredis-cache")
		return func(ctx context.Context, id int) (User, error) {
			var u User
			err := c.Once(&rediscache.Item{
				Ctx:   ctx,
				Key:   prefix + strconv.Itoa(id),
				Value: &u,
				TTL:   ttl,
				Do:    func(*rediscache.Item) (any, error) { return load(ctx, id) },
			})
			return u, err
		}
	}
}
