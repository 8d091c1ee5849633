package rediscache

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/cachetoolz/cachetoolz"
	"github.com/redis/rueidis"
)

// Backend is a [cachetoolz.Backend] on Redis. It is safe for concurrent use.
type Backend struct {
	client     atomic.Pointer[clientRef] // nil until the server first answers
	connErr    atomic.Pointer[connError]
	connecting sync.WaitGroup // connectLater, while it runs
	ownClient  bool
	s          settings
	seedKeys   *seedKeys // the seed layout's joined keys; nil in the default layout

	closed  atomic.Bool
	stop    context.CancelFunc
	stopCtx context.Context
	reclaim reclaimer
	track   tracking
}

var _ cachetoolz.Backend = (*Backend)(nil)

// New connects to the Redis named by url and returns a backend that owns the
// connection: Close closes it. Accepted forms:
//
//	redis://[user:password@]host:port[/db]   plain TCP
//	rediss://[user:password@]host:port[/db]  TLS
//	unix://[user:password@]/path/to/socket[?db=N]
//
// with query parameters dial_timeout, write_timeout, client_name, protocol=2,
// master_set=NAME (the addresses are then Sentinels), addr=host:port
// (more seed addresses, for a Cluster or Sentinels), layout=seed or
// layout=default (see Options.Layout; a layout that contradicts
// Options.Layout is an error) and shards=N (see Options.Shards; likewise).
// opts.Configure may adjust the parsed client options. New dials once to
// learn the topology (standalone, Sentinel or Cluster). If no server
// answers, New still returns a backend, which keeps trying in the
// background (every second at most) while its operations fail at once
// with an error; once a server answers, they work, with no need to build
// a new backend. An invalid URL or options the client refuses are errors.
func New(url string, opts *Options) (*Backend, error) {
	co, err := rueidis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("cachetoolz: redis: parsing %q: %w", redactURL(url), withoutURL(err))
	}
	layout, err := layoutOf(url, opts)
	if err != nil {
		return nil, err
	}
	shards, err := shardsOf(url, opts)
	if err != nil {
		return nil, err
	}
	co.DisableCache = true // the backend does not use client-side caching
	co.RetryDelay = boundedRetry
	if opts != nil && opts.Configure != nil {
		opts.Configure(&co)
	}
	client, err := rueidis.NewClient(co)
	if err != nil && !unreachable(err) {
		return nil, fmt.Errorf("cachetoolz: redis: connecting to %s: %w", redactURL(url), err)
	}
	s := opts.settings()
	s.layout, s.shards = layout, shards
	b := newBackend(client, s)
	b.ownClient = true
	b.track.co = &co
	if err != nil {
		b.connErr.Store(&connError{err: err})
		b.connecting.Add(1)
		go b.connectLater()
	}
	return b, nil
}

// NewFromClient returns a backend on a client the caller created — for a
// standalone server, a Sentinel failover group or a Cluster alike. The
// caller keeps ownership: Close stops the backend's own work but leaves the
// client open.
func NewFromClient(client rueidis.Client, opts *Options) *Backend {
	return newBackend(client, opts.settings())
}

func newBackend(client rueidis.Client, s settings) *Backend {
	b := &Backend{s: s}
	if s.layout == LayoutSeed {
		b.seedKeys = new(seedKeys)
	}
	if client != nil {
		b.client.Store(newClientRef(client))
	}
	b.stopCtx, b.stop = context.WithCancel(context.Background())
	b.reclaim.init(b)
	return b
}

// Close stops the background reclaim, waits for it, and closes the client
// if New created it. Later calls of any method return
// [cachetoolz.ErrClosed]; Close may be called more than once.
func (b *Backend) Close() error {
	if b.closed.Swap(true) {
		return nil
	}
	b.stop()
	b.reclaim.wait()
	b.connecting.Wait()
	if r := b.client.Load(); r != nil && b.ownClient {
		r.c.Close()
	}
	if r := b.track.plain.Load(); r != nil {
		r.c.Close()
	}
	return nil
}

// ctx applies the default timeout to a context without a deadline.
// Without a default timeout it is inlined.
func (b *Backend) ctx(ctx context.Context) (context.Context, context.CancelFunc) {
	if b.s.timeout > 0 {
		return b.ctxWithin(ctx)
	}
	return ctx, noCancel
}

// ctxWithin is ctx with a default timeout.
func (b *Backend) ctxWithin(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); !ok {
		return context.WithTimeout(ctx, b.s.timeout)
	}
	return ctx, noCancel
}

func noCancel() {}

// wrap turns a client error into the backend's: ErrClosed once closed,
// context errors kept recognisable, everything prefixed.
func (b *Backend) wrap(op, namespace string, err error) error {
	if b.closed.Load() {
		return b.closedErr(op, namespace)
	}
	return fmt.Errorf("cachetoolz: redis: %s %q: %w", op, namespace, err)
}

func (b *Backend) closedErr(op, namespace string) error {
	return fmt.Errorf("cachetoolz: redis: %s %q: %w", op, namespace, cachetoolz.ErrClosed)
}

// reclaimer runs the background reclaim: one goroutine at a time, fed by a
// set of namespaces waiting for it.
type reclaimer struct {
	b       *Backend
	mu      sync.Mutex
	queue   []string
	queued  map[string]bool
	running bool
	stopped bool
	wg      sync.WaitGroup
}
