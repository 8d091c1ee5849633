package main

import (
	"context"
	"strings"
	"testing"

	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
)

func newRedis(t testing.TB, url string) *rediscache.Backend {
	t.Helper()
	b, err := rediscache.New(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func TestRedis(t *testing.T) {
	srv := testserver.Redis(t)
	testCommands(t, nil, newRedis(t, srv.URL()), true, "-url", srv.URL())
}

func TestRedisCluster(t *testing.T) {
	c := testserver.NewRedisCluster(t)
	addrs := c.Addrs()
	url := "redis://" + addrs[0] + "?addr=" + strings.Join(addrs[1:], "&addr=")
	testCommands(t, nil, newRedis(t, url), true, "-url", url)
}

// TestRedisClearReclaims checks that clear waits for the old keys to go,
// and reports it.
func TestRedisClearReclaims(t *testing.T) {
	srv := testserver.Redis(t)
	b := newRedis(t, srv.URL())
	fill(t, b, "big", 3000, 0)
	fill(t, b, "other", 1, 0)
	r := cli{t: t}.ok("clear", "-url", srv.URL(), "-yes", "big")
	if !strings.Contains(r.stdout, "cleared big (1/1)") || !strings.Contains(r.stdout, "reclaimed the old entries of big") &&
		!strings.Contains(r.stdout, "nothing of big left to reclaim") {
		t.Errorf("clear output:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
	ctx := context.Background()
	for pattern, want := range map[string]int64{"cachetoolz:{big}:k:*": 0, "cachetoolz:{other}:k:*": 1} {
		keys, err := srv.Do(ctx, "KEYS", pattern)
		if err != nil {
			t.Fatal(err)
		}
		if n := int64(len(keys.([]any))); n != want {
			t.Errorf("%s: %d keys after clear, want %d", pattern, n, want)
		}
	}

	// Without waiting, the command says where the old keys go.
	fill(t, b, "big", 10, 0)
	r = cli{t: t}.ok("clear", "-url", srv.URL(), "-yes", "-wait=false", "big")
	if !strings.Contains(r.stdout, "reclaimed in the background") {
		t.Errorf("clear -wait=false output:\n%s", r.stdout)
	}
}

func TestRedisErrors(t *testing.T) {
	c := cli{t: t}
	// A port nothing listens on: refused at once.
	c.fails("", 1, "127.0.0.1:1", "stats", "-url", "redis://127.0.0.1:1", "-timeout", "2s")
	c.fails("", 1, "redis", "stats", "-url", "redis://127.0.0.1:notaport")
	c.fails("", 1, "redis", "bench", "-url", "redis://127.0.0.1:1", "-timeout", "1s")
	// The password never shows.
	r := c.fails("", 1, "", "stats", "-url", "redis://user:secret@127.0.0.1:1")
	if strings.Contains(r.stderr, "secret") {
		t.Errorf("the password shows: %q", r.stderr)
	}
	srv := testserver.Redis(t)
	c.fails("", 1, `unknown namespace "\x00"`, "inspect", "-url", srv.URL(), "\x00")
	c.fails("", 1, "unknown namespace ghost", "clear", "-url", srv.URL(), "-yes", "ghost")
}

func TestRedisUnixSocket(t *testing.T) {
	srv := testserver.RedisWith(t, testserver.RedisOptions{Unix: true})
	fill(t, newRedis(t, srv.URL()), "sock", 3, 0)
	r := cli{t: t}.ok("stats", "-url", "unix://"+srv.UnixSocket())
	if !strings.Contains(r.stdout, "sock  ") {
		t.Errorf("stats over a unix socket:\n%s", r.stdout)
	}
}
