package rediscache_test

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
	"github.com/redis/rueidis"
)

func TestBadURL(t *testing.T) {
	for _, u := range []string{
		"",
		"http://127.0.0.1:1",
		"redis://127.0.0.1:1/notanumber",
		"redis://127.0.0.1:1/0?dial_timeout=soon",
		"redis://%zz",
	} {
		b, err := rediscache.New(u, nil)
		if err == nil {
			_ = b.Close()
			t.Errorf("New(%q): no error", u)
			continue
		}
		if !strings.HasPrefix(err.Error(), "cachetoolz: redis: ") {
			t.Errorf("New(%q): error %q lacks the package prefix", u, err)
		}
	}
}

// TestUnreachableURL: a server that does not answer is no error at New;
// the operations' errors carry the prefix and never the password.
func TestUnreachableURL(t *testing.T) {
	b, err := rediscache.New("redis://:hunter2@127.0.0.1:1/0?dial_timeout=200ms", nil)
	if err != nil {
		t.Fatalf("New on a closed port: %v, want a backend that connects later", err)
	}
	defer b.Close()
	_, _, err = b.Get(bg, "ns", "k")
	if err == nil {
		t.Fatal("Get on a closed port: no error")
	}
	if !strings.HasPrefix(err.Error(), "cachetoolz: redis: ") {
		t.Errorf("error %q lacks the package prefix", err)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error leaks the password: %v", err)
	}
}

// roundTrip stores and reads back one entry through b, in a namespace of
// its own (tests may share one server).
func roundTrip(t *testing.T, b cachetoolz.Backend) {
	t.Helper()
	roundTripIn(t, b, fmt.Sprintf("%s-%d", t.Name(), time.Now().UnixNano()))
}

// roundTripIn stores and reads back one entry under key "k" of ns.
func roundTripIn(t *testing.T, b cachetoolz.Backend, ns string) {
	t.Helper()
	_, gen, err := b.Get(bg, ns, "k")
	if !errors.Is(err, cachetoolz.ErrNotFound) {
		t.Fatalf("Get on a fresh key: %v, want ErrNotFound", err)
	}
	if err := b.Set(bg, ns, "k", []byte("v\x00"), time.Minute, gen); err != nil {
		t.Fatal(err)
	}
	got, _, err := b.Get(bg, ns, "k")
	if err != nil || string(got) != "v\x00" {
		t.Fatalf("Get = %q, %v; want v\\x00", got, err)
	}
}

func TestPasswordAndDB(t *testing.T) {
	srv := testserver.RedisWith(t, testserver.RedisOptions{Password: "s3cret", Unix: true})
	b := newBackend(t, "redis://:s3cret@"+srv.Addr()+"/3", &rediscache.Options{Prefix: "db3:"})
	roundTripIn(t, b, "ns")
	// The entry is in database 3, not 0.
	for db, want := range map[int]int64{0: 0, 3: 1} {
		c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{srv.Addr()}, Password: "s3cret", SelectDB: db, DisableCache: true})
		if err != nil {
			t.Fatal(err)
		}
		n, err := c.Do(bg, c.B().Exists().Key("db3:{ns}:k:k").Build()).AsInt64()
		c.Close()
		if err != nil || n != want {
			t.Errorf("EXISTS in db %d = %d, %v; want %d", db, n, err, want)
		}
	}
	// Without the password the server refuses.
	if b, err := rediscache.New("redis://"+srv.Addr()+"/0", nil); err == nil {
		err = b.Set(bg, "ns", "k", nil, 0, 0)
		_ = b.Close()
		if err == nil {
			t.Error("Set without the password succeeded")
		}
	}
	t.Run("unix", func(t *testing.T) {
		u := (&url.URL{Scheme: "unix", User: url.UserPassword("", "s3cret"), Path: srv.UnixSocket(), RawQuery: "db=5"}).String()
		roundTrip(t, newBackend(t, u, nil))
	})
}

func TestConfigure(t *testing.T) {
	srv := testserver.Redis(t)
	called := false
	b := newBackend(t, srv.URL(), &rediscache.Options{Configure: func(o *rueidis.ClientOption) {
		called = true
		o.ClientName = "cachetoolz-test"
	}})
	if !called {
		t.Fatal("Configure was not called")
	}
	roundTrip(t, b)
}

func TestNewFromClient(t *testing.T) {
	srv := testserver.Redis(t)
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{srv.Addr()}, DisableCache: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	b := rediscache.NewFromClient(c, nil)
	roundTrip(t, b)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	// The caller's client stays open after the backend closes.
	if err := c.Do(bg, c.B().Ping().Build()).Error(); err != nil {
		t.Fatalf("client closed with the backend: %v", err)
	}
}

func TestBadURLHidesPassword(t *testing.T) {
	_, err := rediscache.New("redis://user:s3cret@localhost:notaport/0", nil)
	if err == nil {
		t.Fatal("New accepted a URL with a bad port")
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("the error shows the password: %v", err)
	}
}
