package rediscache_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
)

// report is one call of a recordingSink.
type report struct {
	kind    string // "changed", "cleared" or "lost"
	ns, key string
	at      time.Time
}

// recordingSink is a cachetoolz.TrackSink that sends what it hears on a
// channel.
type recordingSink struct{ ch chan report }

func newRecordingSink() *recordingSink { return &recordingSink{ch: make(chan report, 4096)} }

func (s *recordingSink) Changed(ns, key string) {
	s.put(report{kind: "changed", ns: ns, key: key, at: time.Now()})
}
func (s *recordingSink) Cleared(ns string) { s.put(report{kind: "cleared", ns: ns, at: time.Now()}) }
func (s *recordingSink) Lost()             { s.put(report{kind: "lost", at: time.Now()}) }

// put records r, unless the channel is full: a sink must never block the
// client's reader. The tests make far fewer reports than it holds.
func (s *recordingSink) put(r report) {
	select {
	case s.ch <- r:
	default:
	}
}

// await returns the first report equal to want (ignoring its time), passing
// over the others; it fails the test if none comes within a generous bound.
func (s *recordingSink) await(t testing.TB, want report) report {
	t.Helper()
	limit := time.After(30 * time.Second)
	for {
		select {
		case r := <-s.ch:
			if r.kind == want.kind && r.ns == want.ns && r.key == want.key {
				return r
			}
		case <-limit:
			t.Fatalf("no report %+v after 30s", want)
		}
	}
}

// heard reports whether the sink has already heard want (ignoring its
// time), and forgets what it heard.
func (s *recordingSink) heard(want report) bool {
	found := false
	for {
		select {
		case r := <-s.ch:
			found = found || r.kind == want.kind && r.ns == want.ns && r.key == want.key
		default:
			return found
		}
	}
}

// drain forgets what the sink heard so far.
func (s *recordingSink) drain() {
	for {
		select {
		case <-s.ch:
		default:
			return
		}
	}
}

// trackedBackend returns a backend on url that reports to a new sink.
func trackedBackend(t testing.TB, url string, opts *rediscache.Options) (*rediscache.Backend, *recordingSink) {
	t.Helper()
	b := newBackend(t, url, opts)
	s := newRecordingSink()
	if err := b.Track(s); err != nil {
		t.Fatal(err)
	}
	return b, s
}

// getTTL is GetTTL that retries (a bounded number of times) while the
// server is coming back.
func getTTL(t testing.TB, b *rediscache.Backend, ns, key string) ([]byte, uint64, time.Duration, error) {
	t.Helper()
	var err error
	for range 200 {
		var v []byte
		var gen uint64
		var ttl time.Duration
		v, gen, ttl, err = b.GetTTL(bg, ns, key)
		if err == nil || errors.Is(err, cachetoolz.ErrNotFound) {
			return v, gen, ttl, err
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("GetTTL %s/%s: %v", ns, key, err)
	return nil, 0, 0, err
}

// testTrack checks what a tracking backend reports: another backend's Set
// of a key it read, another's Clear, its own Set refused for a stale
// generation; and Lost when the servers die, with tracking back after they
// return.
func testTrack(t *testing.T, url string, restart func() error) {
	b, sink := trackedBackend(t, url, &rediscache.Options{Prefix: "track:"})
	other := newBackend(t, url, &rediscache.Options{Prefix: "track:"})
	const ns = "ns"

	_, gen, _, err := getTTL(t, b, ns, "a")
	if !errors.Is(err, cachetoolz.ErrNotFound) {
		t.Fatalf("first GetTTL: %v, want a miss", err)
	}
	if err := other.Set(bg, ns, "a", []byte("v1"), time.Minute, gen); err != nil {
		t.Fatal(err)
	}
	sink.await(t, report{kind: "changed", ns: ns, key: "a"})

	v, gen, ttl, err := getTTL(t, b, ns, "a")
	if err != nil || string(v) != "v1" || ttl <= 0 || ttl > time.Minute {
		t.Fatalf("GetTTL after the other's Set = %q, %v, %v; want v1 with at most a minute to live", v, ttl, err)
	}
	if err := other.Clear(bg, ns); err != nil {
		t.Fatal(err)
	}
	sink.await(t, report{kind: "cleared", ns: ns})

	// Its own Set under the generation of before the clear is refused,
	// and reported before Set returns.
	sink.drain()
	if err := b.Set(bg, ns, "b", []byte("late"), time.Minute, gen); err != nil {
		t.Fatal(err)
	}
	if !sink.heard(report{kind: "cleared", ns: ns}) {
		t.Fatal("a Set refused for its stale generation returned before reporting the namespace cleared")
	}

	// Its own Set leaves the key tracked: another's Set after it is
	// reported, with no read in between. (Many entries, so that the set
	// script's sample of the index, which it reads, hardly ever holds c.)
	_, gen, _, _ = getTTL(t, b, ns, "c")
	for i := range 400 {
		if err := other.Set(bg, ns, fmt.Sprint("f", i), []byte("v"), time.Minute, gen); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Set(bg, ns, "c", []byte("mine"), 0, gen); err != nil {
		t.Fatal(err)
	}
	if err := other.Set(bg, ns, "c", []byte("theirs"), 0, gen); err != nil {
		t.Fatal(err)
	}
	sink.await(t, report{kind: "changed", ns: ns, key: "c"})
	if v, _, ttl, err := getTTL(t, b, ns, "c"); err != nil || string(v) != "theirs" || ttl != 0 {
		t.Fatalf("GetTTL of an entry without expiry = %q, %v, %v; want theirs, 0", v, ttl, err)
	}

	if restart == nil {
		return
	}
	sink.drain()
	if err := restart(); err != nil {
		t.Fatal(err)
	}
	sink.await(t, report{kind: "lost"})
	// Tracking is back once the backend reads again.
	_, gen, _, err = getTTL(t, b, ns, "a")
	if !errors.Is(err, cachetoolz.ErrNotFound) {
		t.Fatalf("GetTTL after the restart: %v, want a miss (the server came back empty)", err)
	}
	sink.drain()
	var setErr error
	for range 200 { // the other backend's connection may still be the old one
		if setErr = other.Set(bg, ns, "a", []byte("v2"), time.Minute, gen); setErr == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if setErr != nil {
		t.Fatal(setErr)
	}
	sink.await(t, report{kind: "changed", ns: ns, key: "a"})
}

func TestTrackStandalone(t *testing.T) {
	srv := testserver.RedisWith(t, testserver.RedisOptions{})
	testTrack(t, srv.URL(), func() error {
		if err := srv.Kill(); err != nil {
			return err
		}
		return srv.Restart()
	})
}

func TestTrackCluster(t *testing.T) {
	c := testserver.NewRedisCluster(t)
	var restart func() error
	if !c.External() {
		restart = func() error {
			for _, n := range c.Nodes() {
				if err := n.Kill(); err != nil {
					return err
				}
			}
			for _, n := range c.Nodes() {
				if err := n.Restart(); err != nil {
					return err
				}
			}
			return nil
		}
	}
	testTrack(t, clusterURL(c), restart)
}

// A backend that cannot track says so.
func TestTrackRefused(t *testing.T) {
	srv := testserver.Redis(t)
	seed := newBackend(t, srv.URL(), &rediscache.Options{Layout: rediscache.LayoutSeed})
	if err := seed.Track(newRecordingSink()); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("Track in the seed layout: %v, want ErrUnsupported", err)
	}
	raw := rawClient(t, srv.Addr())
	own := rediscache.NewFromClient(raw, nil)
	t.Cleanup(func() { _ = own.Close() })
	if err := own.Track(newRecordingSink()); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("Track on a caller's client: %v, want ErrUnsupported", err)
	}
	b, _ := trackedBackend(t, srv.URL(), nil)
	if err := b.Track(newRecordingSink()); err == nil {
		t.Error("a second Track succeeded")
	}
}

// Track on a backend that has not reached its server yet: the client it
// makes once the server answers tracks.
func TestTrackBeforeServerStarts(t *testing.T) {
	srv := testserver.RedisWith(t, testserver.RedisOptions{})
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	b, sink := trackedBackend(t, srv.URL(), nil)
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	_, gen, _, err := getTTL(t, b, "ns", "k")
	if !errors.Is(err, cachetoolz.ErrNotFound) {
		t.Fatalf("GetTTL: %v, want a miss", err)
	}
	other := newBackend(t, srv.URL(), nil)
	if err := other.Set(bg, "ns", "k", []byte("v"), 0, gen); err != nil {
		t.Fatal(err)
	}
	sink.await(t, report{kind: "changed", ns: "ns", key: "k"})
}

// A lock wait of a tracking backend that its context cuts short costs the
// client its connection, but that connection is not a tracking one: the
// sink hears no Lost, and the wait still wakes on a release.
func TestTrackLockWait(t *testing.T) {
	srv := testserver.Redis(t)
	b, sink := trackedBackend(t, srv.URL(), nil)
	holder := newBackend(t, srv.URL(), nil)
	held := tryLock(t, holder, "ns", "k", time.Minute)
	if held.Held == nil {
		t.Fatal("the holder did not get the lock")
	}
	st := tryLock(t, b, "ns", "k", time.Minute)
	ctx, cancel := context.WithTimeout(bg, 20*time.Millisecond)
	defer cancel()
	if err := b.WaitLock(ctx, "ns", "k", st, time.Minute); err == nil {
		t.Fatal("WaitLock returned no error when its context ended")
	}
	woke := make(chan error, 1)
	go func() { woke <- b.WaitLock(bg, "ns", "k", st, time.Minute) }()
	if err := held.Held.Release(bg); err != nil {
		t.Fatal(err)
	}
	if err := waitFor(t, woke, "wake-up"); err != nil {
		t.Fatal(err)
	}
	// The wait's connection was closed before the release: its Lost, if
	// the client reported one, would be there by now.
	if sink.heard(report{kind: "lost"}) {
		t.Fatal("a lock wait cut short by its context reported Lost")
	}
}

// A Sentinel failover: the tracking backend hears Lost when the master
// dies, and tracks again on the promoted replica.
func TestTrackSentinelFailover(t *testing.T) {
	s := testserver.NewRedisSentinel(t, 1)
	b, sink := trackedBackend(t, s.URL(), nil)
	other := newBackend(t, s.URL(), nil)
	if _, _, _, err := getTTL(t, b, "ns", "k"); !errors.Is(err, cachetoolz.ErrNotFound) {
		t.Fatalf("GetTTL: %v, want a miss", err)
	}
	if err := s.Master.Kill(); err != nil {
		t.Fatal(err)
	}
	sink.await(t, report{kind: "lost"})
	var gen uint64
	eventually(t, 30*time.Second, "a read from the promoted replica", func() bool {
		var err error
		_, gen, _, err = b.GetTTL(bg, "ns", "k")
		return errors.Is(err, cachetoolz.ErrNotFound)
	})
	eventually(t, 30*time.Second, "the other backend's Set on the promoted replica", func() bool {
		return other.Set(bg, "ns", "k", []byte("v"), time.Minute, gen) == nil
	})
	sink.await(t, report{kind: "changed", ns: "ns", key: "k"})
}

// A FLUSHALL drops every key that was read: the sink hears Lost.
func TestTrackFlushAll(t *testing.T) {
	srv := testserver.RedisWith(t, testserver.RedisOptions{}) // never a shared one: it flushes
	b, sink := trackedBackend(t, srv.URL(), nil)
	getTTL(t, b, "ns", "k")
	if _, err := srv.Do(bg, "FLUSHALL"); err != nil {
		t.Fatal(err)
	}
	sink.await(t, report{kind: "lost"})
}
