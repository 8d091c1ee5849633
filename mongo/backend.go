package mongocache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Backend is a [cachetoolz.Backend] on MongoDB (or a server speaking its
// wire protocol). It is safe for concurrent use.
type Backend struct {
	client  *mongo.Client
	db      *mongo.Database
	owned   bool // Close disconnects the client
	timeout time.Duration
	log     *slog.Logger

	closed atomic.Bool

	spaces     sync.Map // namespace string → *space
	spaceCount atomic.Int64

	ttlOnce sync.Once // logs a server without TTL indexes once

	trackMu  sync.Mutex // orders Track against Close
	tracking atomic.Pointer[tracker]
	interval time.Duration // Options.TrackInterval, resolved
	pollMax  time.Duration // Options.TrackTimeout, resolved
	polled   func()        // tests: called after every poll
	watching func()        // tests: called by a read before it has its namespace watched
}

var (
	_ cachetoolz.Backend   = (*Backend)(nil)
	_ cachetoolz.Tracker   = (*Backend)(nil)
	_ cachetoolz.TTLGetter = (*Backend)(nil)
)

// New returns a backend with its own pooled client for the server at uri
// (DefaultURI when empty). It does not wait for the server: connections are
// made as operations need them. A malformed URI or invalid options are an
// error; Close disconnects the client.
func New(uri string, opts *Options) (*Backend, error) {
	r, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	if uri == "" {
		uri = DefaultURI
	}
	base := options.Client().
		SetServerSelectionTimeout(DefaultServerSelectionTimeout).
		SetConnectTimeout(DefaultConnectTimeout).
		ApplyURI(uri)
	all := []*options.ClientOptions{base}
	if r.client != nil {
		all = append(all, r.client)
	}
	client, err := mongo.Connect(all...)
	if err != nil {
		return nil, fmt.Errorf("cachetoolz: mongo: connect: %w", err)
	}
	b := newBackend(client, r)
	b.owned = true
	return b, nil
}

// NewFromClient returns a backend on a client the program already has.
// Close leaves that client connected; Options.Client is ignored.
func NewFromClient(client *mongo.Client, opts *Options) (*Backend, error) {
	if client == nil {
		return nil, errors.New("cachetoolz: mongo: nil client")
	}
	r, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	return newBackend(client, r), nil
}

func newBackend(client *mongo.Client, r resolved) *Backend {
	return &Backend{
		client:   client,
		db:       client.Database(r.database),
		timeout:  r.timeout,
		log:      r.logger,
		interval: r.interval,
		pollMax:  r.pollMax,
	}
}

// Client returns the driver client the backend uses.
func (b *Backend) Client() *mongo.Client { return b.client }

// Database returns the database that holds the backend's collections.
func (b *Backend) Database() *mongo.Database { return b.db }

// Close makes every later call return [cachetoolz.ErrClosed], stops the
// poll of a tracking backend (and waits for it), and, when New made the
// client, disconnects it, which stops the driver's goroutines. Calling it
// again does nothing.
func (b *Backend) Close() error {
	b.trackMu.Lock()
	first := b.closed.CompareAndSwap(false, true)
	b.trackMu.Unlock()
	if !first {
		return nil
	}
	if t := b.tracking.Load(); t != nil {
		t.close()
	}
	if !b.owned {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
	defer cancel()
	if err := b.client.Disconnect(ctx); err != nil {
		return fmt.Errorf("cachetoolz: mongo: disconnect: %w", err)
	}
	return nil
}

// begin checks that the backend is open and the context live, and bounds a
// context without a deadline by the backend's timeout.
func (b *Backend) begin(ctx context.Context, op string) (context.Context, context.CancelFunc, error) {
	if b.closed.Load() {
		return ctx, nil, fmt.Errorf("cachetoolz: mongo: %s: %w", op, cachetoolz.ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		return ctx, nil, fmt.Errorf("cachetoolz: mongo: %s: %w", op, err)
	}
	if b.timeout > 0 {
		if _, ok := ctx.Deadline(); !ok {
			ctx, cancel := context.WithTimeout(ctx, b.timeout)
			return ctx, cancel, nil
		}
	}
	return ctx, func() {}, nil
}
