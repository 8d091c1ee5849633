package rediscache

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/redis/rueidis"
)

// errNotConnected reports an operation made before the backend first
// reached its server.
var errNotConnected = errors.New("not connected yet")

// clientRef holds the client once there is one, and the number of shards
// of a namespace when Options.Shards leaves it to the topology.
type clientRef struct {
	c      rueidis.Client
	shards int
}

// newClientRef returns the reference to c that the backend keeps.
func newClientRef(c rueidis.Client) *clientRef {
	r := &clientRef{c: c, shards: 1}
	if c.Mode() == rueidis.ClientModeCluster {
		r.shards = clusterShards
	}
	return r
}

// conn returns the client, or an error that wraps errNotConnected (and the
// last connection error) while the backend has not reached its server.
// It is one atomic load on the hit path.
func (b *Backend) conn() (rueidis.Client, error) {
	if r := b.client.Load(); r != nil {
		return r.c, nil
	}
	if e := b.connErr.Load(); e != nil {
		return nil, fmt.Errorf("%w: %w", errNotConnected, e.err)
	}
	return nil, errNotConnected
}

// unreachable reports whether err from rueidis.NewClient means that no
// server answered (worth retrying later), rather than options it refused.
func unreachable(err error) bool {
	var netErr net.Error
	if _, ok := rueidis.IsRedisErr(err); ok { // a server answered, but not yet usefully
		return true
	}
	return errors.As(err, &netErr) ||
		errors.Is(err, rueidis.ErrNoAddr) ||
		errors.Is(err, rueidis.ErrClosing) ||
		errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET)
}

// Delays between attempts to reach a server that did not answer at New.
const (
	firstConnectDelay = 50 * time.Millisecond
	maxConnectDelay   = time.Second
)

// connectLater retries creating the client until it succeeds or the backend
// closes. Operations fail at once meanwhile, with the last error.
func (b *Backend) connectLater() {
	defer b.connecting.Done()
	delay := firstConnectDelay
	timer := time.NewTimer(delay)
	defer timer.Stop()
	for {
		select {
		case <-b.stopCtx.Done():
			return
		case <-timer.C:
		}
		co := b.track.options()
		c, err := rueidis.NewClient(*co)
		if err == nil {
			if b.store(c, co) {
				return
			}
			c.Close() // made without the tracking that Track asked for meanwhile
			timer.Reset(0)
			continue
		}
		b.connErr.Store(&connError{err: err})
		delay = min(2*delay, maxConnectDelay)
		timer.Reset(delay)
	}
}

// connError holds the last error of connectLater.
type connError struct{ err error }

// staleConn reports whether err says that a connection the client held had
// been closed by the other end, as after a server restart: the client finds
// out on the first command it sends on that connection, and opens a new one
// for the next. Operations try again after such an error, at once, up to
// staleRetries times, since the client spreads commands over several
// connections to a node, picked at random, and each may be stale; on a
// server that is really down, a new connection fails at once too.
func staleConn(err error) bool {
	return errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE)
}

// staleRetries bounds the retries after staleConn errors: enough for the
// connections rueidis keeps to one node by default (up to four).
const staleRetries = 4

// Ping checks that the server answers a PING. It fails at once while the
// backend has not reached its server since New, and otherwise when the
// server does not answer before ctx (or Options.Timeout) ends. The cache
// never needs it; tools that would rather stop than run uncached call it
// after New.
func (b *Backend) Ping(ctx context.Context) error {
	if b.closed.Load() {
		return fmt.Errorf("cachetoolz: redis: ping: %w", cachetoolz.ErrClosed)
	}
	ctx, cancel := b.ctx(ctx)
	defer cancel()
	client, err := b.conn()
	if err == nil {
		err = client.Do(ctx, client.B().Ping().Build()).Error()
	}
	if err != nil {
		return fmt.Errorf("cachetoolz: redis: ping: %w", err)
	}
	return nil
}
