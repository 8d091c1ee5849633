package rediscache_test

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
	"github.com/redis/rueidis"
)

// TestBookkeepingUnderEviction fills a Redis with a real maxmemory far
// beyond its size, under each allkeys policy, so that Redis evicts most
// entries: the backend's own keys (index, generation) must stay a small
// fraction of the memory, rather than keep members for entries that are
// long gone.
func TestBookkeepingUnderEviction(t *testing.T) {
	for _, policy := range []string{"allkeys-lru", "allkeys-lfu"} {
		t.Run(policy, func(t *testing.T) {
			srv := testserver.RedisWith(t, testserver.RedisOptions{Args: []string{
				"--maxmemory", "3mb", "--maxmemory-policy", policy,
			}})
			raw := rawClient(t, srv.Addr())
			b := newBackend(t, srv.URL(), &rediscache.Options{Prefix: "ev:"})
			value := bytes.Repeat([]byte("v"), 1000)
			const sets = 30_000
			_, gen, _ := b.Get(bg, "ns", "probe")
			for i := range sets {
				if err := b.Set(bg, "ns", fmt.Sprint("entry:", i), value, 0, gen); err != nil {
					t.Fatal(err)
				}
			}
			live := count(t, raw, "ev:{ns}:k:*")
			members, err := raw.Do(bg, raw.B().Zcard().Key(fmt.Sprint("ev:{ns}:i:", gen)).Build()).AsInt64()
			if err != nil {
				t.Fatal(err)
			}
			var book int64
			for _, k := range keysMatching(t, raw, "ev:{ns}:[gip]*") {
				n, err := raw.Do(bg, raw.B().MemoryUsage().Key(k).Samples(0).Build()).AsInt64()
				if err != nil {
					t.Fatal(err)
				}
				book += n
			}
			used := usedMemory(t, raw)
			frac := float64(book) / float64(used)
			t.Logf("%s: %d sets, %d entries live, index %d members, bookkeeping %d of %d bytes (%.1f%%)",
				policy, sets, live, members, book, used, 100*frac)
			if live < 1000 {
				t.Errorf("only %d entries live: the bookkeeping crowds out the data", live)
			}
			if members > int64(live)*3/2 {
				t.Errorf("index holds %d members for %d live entries, want at most 1.5 per entry", members, live)
			}
			if frac > 0.15 {
				t.Errorf("bookkeeping uses %.1f%% of the memory, want at most 15%%", 100*frac)
			}
		})
	}
}

// usedMemory returns the server's used_memory.
func usedMemory(t testing.TB, raw rueidis.Client) int64 {
	t.Helper()
	info, err := raw.Do(bg, raw.B().Info().Section("memory").Build()).ToString()
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no used_memory in INFO memory")
	return 0
}
