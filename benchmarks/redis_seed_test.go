package benchmarks

import (
	"context"
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/codec"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	"github.com/cachetoolz/cachetoolz/pykey"
	rc "github.com/cachetoolz/cachetoolz/redis"
	"github.com/redis/rueidis"
)

// BenchmarkRedisSeedHitRatio measures a hit of cachetoolz in the Redis
// backend's seed layout (the Python library's keys and values: a pykey
// key, codec.Python values, no entry header) against the limit in that
// layout: a raw rueidis GET of the same key, taken from a table built
// before the clock starts, plus a codec.Python decode. The two alternate as
// in BenchmarkRedisHitRatio, from 1 and from 32 goroutines, and read the
// same entries. Target: ratio at most 1.1.
func BenchmarkRedisSeedHitRatio(b *testing.B) {
	srv := testserver.Redis(b)
	url := srv.URL()
	for _, g := range []int{1, goroutines} {
		name := "goroutines=1"
		if g > 1 {
			name = "goroutines=32"
		}
		b.Run(name, func(b *testing.B) {
			ns := redisPrefix("seed")
			raw := seedRaw(b, url, ns)
			ours := seedWrapped(b, url, ns)
			ratioRun(b, raw, ours, g, "seed")
		})
	}
}

// seedGenerator is the key generator of the benchmark's function in the
// seed layout: the Python function benchmarks.load.
var seedGenerator = pykey.Generator{Module: "benchmarks", Name: "load"}

// seedRaw is the limit: GET of the key the Python library (and pykey) give
// load(id) in namespace ns, precomputed, and a codec.Python decode; on a
// miss, the load, an encode and a SET with EX.
func seedRaw(b *testing.B, url, ns string) memo {
	c := rueidisClient(b, url)
	var keys [numKeys]string
	for id := range keys {
		k, err := seedGenerator.Key(false, cachetoolz.Function{}, []any{id})
		if err != nil {
			b.Fatal(err)
		}
		keys[id] = ns + ":" + k
	}
	return func(ctx context.Context, id int) (User, error) {
		key := keys[id]
		raw, err := c.Do(ctx, c.B().Get().Key(key).Build()).AsBytes()
		if err == nil {
			var u User
			err = codec.Python.Unmarshal(raw, &u)
			return u, err
		}
		if !rueidis.IsRedisNil(err) {
			return User{}, err
		}
		u, err := load(ctx, id)
		if err != nil {
			return User{}, err
		}
		enc, err := codec.Python.Marshal(&u)
		if err != nil {
			return User{}, err
		}
		return u, c.Do(ctx, c.B().Set().Key(key).Value(rueidis.BinaryString(enc)).ExSeconds(int64(ttl.Seconds())).Build()).Error()
	}
}

// seedWrapped is load wrapped with cachetoolz.Wrap1 on a Redis backend in
// the seed layout, with codec.Python and the pykey generator.
func seedWrapped(b *testing.B, url, ns string) memo {
	be, err := rc.New(url, &rc.Options{Layout: rc.LayoutSeed})
	if err != nil {
		b.Fatal(err)
	}
	c, err := cachetoolz.New(be, &cachetoolz.Config{Codec: codec.Python})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = c.Close() })
	m, err := cachetoolz.Wrap1(c, load, &cachetoolz.Options{Namespace: ns, TTL: ttl, Name: "benchmarks.load", Keys: seedGenerator})
	if err != nil {
		b.Fatal(err)
	}
	return m
}
