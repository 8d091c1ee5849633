// Package remotetest is a stand-in for a remote store in tests of the local
// tier (cachetoolz.Config.Local): a Server holds the entries, and each
// Client of it is one process's connection, a cachetoolz.Backend that
// implements Tracker, TTLGetter and Deleter. A change made through one
// client is reported to every other client's sink before the change
// returns; tests that need a report to come at a chosen moment hold it
// back with Client.Hold and deliver it with Client.Release, or act between
// a read and its answer with Client.AfterRead.
package remotetest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cachetoolz/cachetoolz"
)

// Server is the shared store. Its clock is Now, so that tests control
// expiry.
type Server struct {
	now func() time.Time

	mu      sync.Mutex
	gens    map[string]uint64
	nextGen uint64
	entries map[string]map[string]item
	clients []*Client
}

type item struct {
	val     []byte
	expires time.Time // zero: never
}

// NewServer returns an empty server whose clock is now (time.Now if nil).
func NewServer(now func() time.Time) *Server {
	if now == nil {
		now = time.Now
	}
	return &Server{now: now, gens: map[string]uint64{}, entries: map[string]map[string]item{}}
}

// Client is one connection to s: a backend for one cache.
type Client struct {
	s *Server

	// AfterRead, if set before the client is used, is called by Get and
	// GetTTL after they have read the server, before they answer.
	AfterRead func(namespace, key string)

	gets   atomic.Int64
	closed atomic.Bool

	mu      sync.Mutex // guards sink, held and holding
	sink    cachetoolz.TrackSink
	holding bool
	held    []func(cachetoolz.TrackSink)
}

// Client returns a new client of s.
func (s *Server) Client() *Client {
	c := &Client{s: s}
	s.mu.Lock()
	s.clients = append(s.clients, c)
	s.mu.Unlock()
	return c
}

// Gets returns how many Get and GetTTL calls the client has answered.
func (c *Client) Gets() int64 { return c.gets.Load() }

// Track implements cachetoolz.Tracker.
func (c *Client) Track(s cachetoolz.TrackSink) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sink != nil {
		return fmt.Errorf("remotetest: Track called twice")
	}
	c.sink = s
	return nil
}

// Hold keeps the reports to c from reaching its sink until Release.
func (c *Client) Hold() {
	c.mu.Lock()
	c.holding = true
	c.mu.Unlock()
}

// Release delivers the reports held since Hold, in order, and lets the
// next ones through.
func (c *Client) Release() {
	c.mu.Lock()
	held := c.held
	c.held, c.holding = nil, false
	sink := c.sink
	c.mu.Unlock()
	for _, r := range held {
		r(sink)
	}
}

// Lose tells c's sink that reports were lost.
func (c *Client) Lose() { c.report(func(s cachetoolz.TrackSink) { s.Lost() }) }

// report delivers r to c's sink, or holds it.
func (c *Client) report(r func(cachetoolz.TrackSink)) {
	c.mu.Lock()
	sink := c.sink
	if sink != nil && c.holding {
		c.held = append(c.held, r)
		sink = nil
	}
	c.mu.Unlock()
	if sink != nil {
		r(sink)
	}
}

// others reports r to every client of s but from. The caller holds s.mu,
// so that reports reach the sinks in the order of the changes.
func (s *Server) others(from *Client, r func(cachetoolz.TrackSink)) {
	for _, c := range s.clients {
		if c != from && !c.closed.Load() {
			c.report(r)
		}
	}
}

func (c *Client) check(ctx context.Context) error {
	if c.closed.Load() {
		return cachetoolz.ErrClosed
	}
	return ctx.Err()
}

// Get implements cachetoolz.Backend.
func (c *Client) Get(ctx context.Context, namespace, key string) ([]byte, uint64, error) {
	v, gen, _, err := c.GetTTL(ctx, namespace, key)
	return v, gen, err
}

// GetTTL implements cachetoolz.TTLGetter.
func (c *Client) GetTTL(ctx context.Context, namespace, key string) ([]byte, uint64, time.Duration, error) {
	if err := c.check(ctx); err != nil {
		return nil, 0, 0, err
	}
	c.gets.Add(1)
	s := c.s
	s.mu.Lock()
	gen := s.gens[namespace]
	it, ok := s.entries[namespace][key]
	now := s.now()
	s.mu.Unlock()
	if c.AfterRead != nil {
		c.AfterRead(namespace, key)
	}
	if !ok || (!it.expires.IsZero() && !now.Before(it.expires)) {
		return nil, gen, 0, cachetoolz.ErrNotFound
	}
	var ttl time.Duration
	if !it.expires.IsZero() {
		ttl = it.expires.Sub(now)
	}
	return append([]byte{}, it.val...), gen, ttl, nil
}

// Set implements cachetoolz.Backend; it reports the store to the other
// clients only. A Set under a generation the namespace
// has left stores nothing, and reports Cleared to c's own sink before it
// returns, as cachetoolz.Tracker requires, even while reports are held.
func (c *Client) Set(ctx context.Context, namespace, key string, value []byte, ttl time.Duration, gen uint64) error {
	if err := c.check(ctx); err != nil {
		return err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gens[namespace] != gen {
		// Held reports or not: the promise is about this call.
		c.mu.Lock()
		sink := c.sink
		c.mu.Unlock()
		if sink != nil {
			sink.Cleared(namespace)
		}
		return nil
	}
	it := item{val: append([]byte{}, value...)}
	if ttl > 0 {
		it.expires = s.now().Add(ttl)
	}
	if s.entries[namespace] == nil {
		s.entries[namespace] = map[string]item{}
	}
	s.entries[namespace][key] = it
	s.others(c, func(t cachetoolz.TrackSink) { t.Changed(namespace, key) })
	return nil
}

// Delete implements cachetoolz.Deleter; it reports the deletion to every
// client, c too.
func (c *Client) Delete(ctx context.Context, namespace, key string) error {
	if err := c.check(ctx); err != nil {
		return err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.entries[namespace], key)
	s.others(c, func(t cachetoolz.TrackSink) { t.Changed(namespace, key) })
	c.report(func(t cachetoolz.TrackSink) { t.Changed(namespace, key) }) // as cachetoolz.Tracker requires
	return nil
}

// Clear implements cachetoolz.Backend; it reports the clear to every
// client, c too.
func (c *Client) Clear(ctx context.Context, namespaces ...string) error {
	if err := c.check(ctx); err != nil {
		return err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ns := range namespaces {
		s.nextGen++
		s.gens[ns] = s.nextGen
		delete(s.entries, ns)
		s.others(c, func(t cachetoolz.TrackSink) { t.Cleared(ns) })
		c.report(func(t cachetoolz.TrackSink) { t.Cleared(ns) }) // as cachetoolz.Tracker requires
	}
	return nil
}

// Close implements cachetoolz.Backend: the client stops answering and
// hearing reports.
func (c *Client) Close() error {
	c.closed.Store(true)
	return nil
}
