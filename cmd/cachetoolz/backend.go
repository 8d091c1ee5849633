package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/memory"
	mongocache "github.com/cachetoolz/cachetoolz/mongo"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
	"github.com/redis/rueidis"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// backendFlags are the flags that name a backend.
type backendFlags struct {
	url      *string
	database *string
	timeout  *time.Duration
}

// addBackendFlags adds -url, -db and -timeout to fs.
func addBackendFlags(fs *flag.FlagSet) backendFlags {
	return backendFlags{
		url: fs.String("url", "memory", "the backend: memory, redis://host:port[/db], rediss://…, unix:///path, mongodb://host:port or mongodb+srv://…"),
		database: fs.String("db", mongocache.DefaultDatabase,
			"the MongoDB database that holds the cache"),
		timeout: fs.Duration("timeout", 5*time.Second, "how long to wait for the server to answer"),
	}
}

// open connects to the backend the flags name; its errors never show the
// URL's credentials, whatever the driver's messages hold.
func (f backendFlags) open(ctx context.Context, e *env) (*backend, error) {
	b, err := f.connect(ctx, e)
	if err != nil {
		return nil, scrub(err, secrets(*f.url))
	}
	return b, nil
}

// backend is an open backend and how to let go of it.
type backend struct {
	cachetoolz.Backend
	url   string // for messages, password hidden
	close func()
}

// connect connects to the backend the flags name and checks that it
// answers within the timeout.
func (f backendFlags) connect(ctx context.Context, e *env) (*backend, error) {
	raw, timeout := *f.url, *f.timeout
	if timeout <= 0 {
		return nil, fmt.Errorf("%w: -timeout must be positive", errUsage)
	}
	shown := redact(raw)
	scheme, _, _ := strings.Cut(raw, "://")
	switch {
	case raw == "memory" || raw == "memory://":
		if e.memory != nil { // tests share one memory backend between runs
			return &backend{Backend: e.memory, url: "memory", close: func() {}}, nil
		}
		m, err := memory.New(nil)
		if err != nil {
			return nil, err
		}
		return &backend{Backend: m, url: "memory", close: func() { _ = m.Close() }}, nil

	case scheme == "redis" || scheme == "rediss" || scheme == "unix":
		b, err := rediscache.New(raw, &rediscache.Options{
			Timeout: timeout,
			Logger:  slog.New(slog.DiscardHandler),
			Configure: func(o *rueidis.ClientOption) {
				o.Dialer.Timeout = timeout
				o.ConnWriteTimeout = timeout
			},
		})
		if err != nil {
			return nil, err // names the URL, password hidden
		}
		// New succeeds while the server is down (a service keeps running
		// uncached); the command stops instead.
		pctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		if err := b.Ping(pctx); err != nil {
			_ = b.Close()
			return nil, fmt.Errorf("cannot reach %s within %v: %w", shown, timeout, err)
		}
		return &backend{Backend: b, url: shown, close: func() { _ = b.Close() }}, nil

	case scheme == "mongodb" || scheme == "mongodb+srv":
		client := options.Client().SetServerSelectionTimeout(timeout).SetConnectTimeout(timeout)
		b, err := mongocache.New(raw, &mongocache.Options{
			Database: *f.database,
			Client:   client,
			Timeout:  timeout,
			Logger:   slog.New(slog.DiscardHandler),
		})
		if err != nil {
			return nil, fmt.Errorf("cannot use %s: %w", shown, err)
		}
		pctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		if err := b.Client().Ping(pctx, nil); err != nil {
			_ = b.Close()
			return nil, fmt.Errorf("cannot reach %s within %v: %w", shown, timeout, err)
		}
		return &backend{Backend: b, url: shown, close: func() { _ = b.Close() }}, nil
	}
	return nil, fmt.Errorf("unsupported backend URL %s: want memory, redis://, rediss://, unix://, mongodb:// or mongodb+srv://", shown)
}

// inspector returns the backend's Inspector, or an error naming the backend.
func (b *backend) inspector() (cachetoolz.Inspector, error) {
	in, ok := cachetoolz.InspectorOf(b.Backend)
	if !ok {
		return nil, fmt.Errorf("%s cannot list what it holds", b.url)
	}
	return in, nil
}
