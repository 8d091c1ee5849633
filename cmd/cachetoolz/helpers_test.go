package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	"github.com/cachetoolz/cachetoolz/memory"
)

// cli runs commands in process, with a given standard input and, for
// "-url memory", a memory backend shared between its runs.
type cli struct {
	t      testing.TB
	memory *memory.Backend
}

// result is what one run printed and returned.
type result struct {
	code           int
	stdout, stderr string
}

func (c cli) run(stdin string, args ...string) result {
	c.t.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdout: &out, stderr: &errOut, stdin: strings.NewReader(stdin), memory: c.memory}
	code := run(context.Background(), e, args)
	return result{code, out.String(), errOut.String()}
}

// ok runs args and fails the test unless they exit 0.
func (c cli) ok(args ...string) result {
	c.t.Helper()
	r := c.run("", args...)
	if r.code != 0 {
		c.t.Fatalf("%q: exit %d\nstdout:\n%s\nstderr:\n%s", args, r.code, r.stdout, r.stderr)
	}
	return r
}

// fails runs args with stdin and fails the test unless they exit with
// code and one line on stderr that contains want.
func (c cli) fails(stdin string, code int, want string, args ...string) result {
	c.t.Helper()
	r := c.run(stdin, args...)
	checkFailure(c.t, args, r, code, want)
	return r
}

func checkFailure(t testing.TB, args []string, r result, code int, want string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	last := lines[len(lines)-1]
	if r.code != code || !strings.Contains(last, want) || !strings.HasPrefix(last, "cachetoolz ") ||
		strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic") {
		t.Errorf("%q: exit %d, stderr %q; want exit %d and one line with %q", args, r.code, r.stderr, code, want)
	}
}

// fill stores n entries key0..key<n-1> of ns in b, the way a cache does,
// with values "value-<i>" and the given time to live.
func fill(t testing.TB, b cachetoolz.Backend, ns string, n int, ttl time.Duration) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		key := fmt.Sprint("key", i)
		_, gen, err := b.Get(ctx, ns, key)
		if err != nil && !errors.Is(err, cachetoolz.ErrNotFound) {
			t.Fatal(err)
		}
		if err := b.Set(ctx, ns, key, []byte(fmt.Sprint("value-", i)), ttl, gen); err != nil {
			t.Fatal(err)
		}
	}
}

// Mongo: the server every test shares, started on first use unless
// CACHETOOLZ_TEST_MONGO_URI names one, and stopped by TestMain.
var mongoServer struct {
	once sync.Once
	uri  string
	srv  *testserver.MongoServer
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if mongoServer.srv != nil {
		_ = mongoServer.srv.Close()
	}
	os.Exit(code)
}

// mongoURI returns the shared MongoDB-wire server's URI, skipping the test
// without one (failing it under CI=true).
func mongoURI(t testing.TB) string {
	t.Helper()
	mongoServer.once.Do(func() {
		if u := os.Getenv(testserver.MongoURIEnv); u != "" {
			mongoServer.uri = u
			return
		}
		mongoServer.srv, mongoServer.err = testserver.StartMongo()
		if mongoServer.err == nil {
			mongoServer.uri = mongoServer.srv.URI()
		}
	})
	if mongoServer.uri == "" {
		err := fmt.Errorf("no MongoDB-wire server: set %s or make tools/mongotestserver buildable: %v", testserver.MongoURIEnv, mongoServer.err)
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return mongoServer.uri
}

// newMemory returns a memory backend closed when the test ends.
func newMemory(t testing.TB) *memory.Backend {
	t.Helper()
	m, err := memory.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}
