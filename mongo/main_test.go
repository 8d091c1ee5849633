package mongocache

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz/internal/testserver"
)

// testURI is the server every test shares: CACHETOOLZ_TEST_MONGO_URI, or a
// mongotestserver started by TestMain. testErr says why there is none.
var (
	testURI string
	testErr error
)

func TestMain(m *testing.M) {
	code := func() int {
		if u := os.Getenv(testserver.MongoURIEnv); u != "" {
			testURI = u
			return m.Run()
		}
		s, err := testserver.StartMongo()
		if err != nil {
			testErr = err
			return m.Run()
		}
		defer s.Close()
		testURI = s.URI()
		return m.Run()
	}()
	os.Exit(code)
}

// serverURI returns the shared server's URI, skipping the test without one
// (failing it under CI=true).
func serverURI(t testing.TB) string {
	t.Helper()
	if testURI == "" {
		err := fmt.Errorf("no MongoDB-wire server: set %s or make tools/mongotestserver buildable: %v", testserver.MongoURIEnv, testErr)
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return testURI
}

// randomName returns a database name no other test uses.
func randomName(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// newTestBackend returns a backend on the shared server in a database of
// its own, dropped when the test ends.
func newTestBackend(t testing.TB, opts *Options) *Backend {
	t.Helper()
	uri := serverURI(t)
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Database == "" {
		o.Database = randomName("t_")
	}
	if o.Timeout == 0 {
		// The shared test server is FerretDB on SQLite, which runs one
		// write at a time: the conformance suite's 16 concurrent writers
		// queue behind each other, more so on a busy machine.
		o.Timeout = 30 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	b, err := New(uri, &o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		// b may be closed by the test: drop through a client of our own.
		c, err := New(uri, &Options{Database: o.Database})
		if err == nil {
			_ = c.Database().Drop(ctx)
			_ = c.Close()
		}
		_ = b.Close()
	})
	return b
}
