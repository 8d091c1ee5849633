package mongocache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// report is one call a tracking backend made on its sink.
type report struct {
	kind    string // "changed", "cleared" or "lost"
	ns, key string
	at      time.Time
}

// recorder is a TrackSink that records every report, and counts the
// backend's polls.
type recorder struct {
	reports chan report
	polls   <-chan struct{}
}

func newRecorder() *recorder {
	return &recorder{reports: make(chan report, 1<<12)}
}

// countPolls returns a channel that receives a value after each of b's
// polls, as long as it has room.
func countPolls(b *Backend) <-chan struct{} {
	polls := make(chan struct{}, 1<<12)
	b.polled = func() {
		select {
		case polls <- struct{}{}:
		default:
		}
	}
	return polls
}

func (r *recorder) Changed(ns, key string) { r.reports <- report{"changed", ns, key, time.Now()} }
func (r *recorder) Cleared(ns string)      { r.reports <- report{"cleared", ns, "", time.Now()} }
func (r *recorder) Lost()                  { r.reports <- report{"lost", "", "", time.Now()} }

// track has b report to a new recorder, and waits for its first poll's Lost.
func track(t *testing.T, b *Backend) *recorder {
	t.Helper()
	r := newRecorder()
	r.polls = countPolls(b)
	if err := b.Track(r); err != nil {
		t.Fatal(err)
	}
	r.await(t, "the first poll's Lost", func(x report) bool { return x.kind == "lost" })
	return r
}

// await returns the first report that matches, failing if none comes in a
// minute (a hang, not a measure of speed).
func (r *recorder) await(t *testing.T, what string, match func(report) bool) report {
	t.Helper()
	limit := time.After(time.Minute)
	for {
		select {
		case x := <-r.reports:
			if match(x) {
				return x
			}
		case <-limit:
			t.Fatalf("no report of %s within a minute", what)
		}
	}
}

// clearedNow fails unless Cleared(ns) is the report already received.
func (r *recorder) clearedNow(t *testing.T, ns string) {
	t.Helper()
	select {
	case x := <-r.reports:
		if x.kind != "cleared" || x.ns != ns {
			t.Fatalf("got %+v; want cleared %s", x, ns)
		}
	default:
		t.Fatalf("no report of Cleared(%q) yet", ns)
	}
}

// settle waits for two more polls, so that every namespace read before it
// was called has been polled once, then drops what was reported.
func (r *recorder) settle(t *testing.T) {
	t.Helper()
	for len(r.polls) > 0 {
		<-r.polls
	}
	for range 2 {
		select {
		case <-r.polls:
		case <-time.After(time.Minute):
			t.Fatal("no poll within a minute")
		}
	}
	for len(r.reports) > 0 {
		<-r.reports
	}
}

// pair returns two backends on one database of the shared server, as two
// processes would have them.
func pair(t *testing.T, opts Options) (*Backend, *Backend) {
	t.Helper()
	serverURI(t)
	opts.Database = randomName("t_")
	return newTestBackend(t, &opts), newTestBackend(t, &opts)
}

// TestTrackReportsOtherBackends has one backend track while another
// overwrites, deletes and clears, and logs how long each report took.
func TestTrackReportsOtherBackends(t *testing.T) {
	for _, interval := range []time.Duration{10 * time.Millisecond, DefaultTrackInterval} {
		t.Run(interval.String(), func(t *testing.T) {
			a, other := pair(t, Options{TrackInterval: interval})
			r := track(t, a)
			const ns = "tracked"
			put(t, other, ns, "k", "v0")
			put(t, other, ns, "gone", "x")
			want(t, a, ns, "k", "v0")
			r.settle(t)

			var delays []time.Duration
			for i := range 20 {
				put(t, other, ns, "k", fmt.Sprint("v", i+1))
				start := time.Now()
				x := r.await(t, "an overwrite", func(x report) bool { return x.kind != "lost" })
				if x.kind != "changed" || x.ns != ns || x.key != "k" {
					t.Fatalf("after an overwrite: %+v; want changed %s/k", x, ns)
				}
				delays = append(delays, x.at.Sub(start))
			}
			if err := other.Delete(context.Background(), ns, "gone"); err != nil {
				t.Fatal(err)
			}
			if x := r.await(t, "a delete", func(x report) bool { return x.kind != "lost" }); x.kind != "changed" || x.key != "gone" {
				t.Fatalf("after a delete: %+v; want changed %s/gone", x, ns)
			}
			if err := other.Clear(context.Background(), ns); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			x := r.await(t, "a clear", func(x report) bool { return x.kind != "lost" })
			if x.kind != "cleared" || x.ns != ns {
				t.Fatalf("after a clear: %+v; want cleared %s", x, ns)
			}
			slices.Sort(delays)
			t.Logf("TrackInterval %v: overwrite reported after p50 %v, max %v (n=%d); clear after %v",
				interval, delays[len(delays)/2], delays[len(delays)-1], len(delays), x.at.Sub(start))
		})
	}
}

// TestTrackStaleSetReportsCleared checks that a Set refused because the
// namespace was cleared reports Cleared before it returns, without
// waiting for a poll, and that so does a Set whose commit matched nothing
// (the clear came between its check and its commit) while one that lost
// its mark to another store reports nothing.
func TestTrackStaleSetReportsCleared(t *testing.T) {
	a, other := pair(t, Options{TrackInterval: time.Hour})
	r := track(t, a) // the next poll is an hour away
	ctx := context.Background()
	_, gen, err := a.Get(ctx, "ns", "k")
	if !errors.Is(err, cachetoolz.ErrNotFound) {
		t.Fatal(err)
	}
	a.unmatched(ctx, a.space("ns"), gen)
	if len(r.reports) != 0 {
		t.Fatalf("reported %+v while the generation is unchanged", <-r.reports)
	}
	if err := other.Clear(ctx, "ns"); err != nil {
		t.Fatal(err)
	}
	if err := a.Set(ctx, "ns", "k", []byte("v"), 0, gen); err != nil {
		t.Fatal(err)
	}
	r.clearedNow(t, "ns")
	a.unmatched(ctx, a.space("ns"), gen)
	r.clearedNow(t, "ns")
	wantMiss(t, a, "ns", "k")
}

// TestTrackLostAndRecovered kills the server under a tracking backend:
// the failed poll reports Lost, the first poll after the restart reports
// Lost again, reports resume, and Close leaves no goroutine behind.
func TestTrackLostAndRecovered(t *testing.T) {
	if testing.Short() {
		t.Skip("starts, kills and restarts a server")
	}
	srv := testserver.MongoOwn(t)
	baseline := runtime.NumGoroutine()
	opts := &Options{
		Database:      "track",
		Timeout:       2 * time.Second,
		Logger:        slog.New(slog.DiscardHandler),
		Client:        options.Client().SetServerSelectionTimeout(300 * time.Millisecond),
		TrackInterval: 20 * time.Millisecond,
		TrackTimeout:  500 * time.Millisecond,
	}
	a, err := New(srv.URI(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	r := track(t, a)
	put(t, a, "ns", "k", "v0")
	r.settle(t)

	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	down := time.Now()
	x := r.await(t, "Lost after the kill", func(x report) bool { return x.kind == "lost" })
	t.Logf("Lost %v after the kill", x.at.Sub(down))
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	up := time.Now()
	x = r.await(t, "Lost after the restart", func(x report) bool { return x.kind == "lost" })
	t.Logf("Lost again %v after the restart", x.at.Sub(up))

	other, err := New(srv.URI(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	want(t, a, "ns", "k", "v0") // watched again, if it was forgotten
	r.settle(t)
	put(t, other, "ns", "k", "v1")
	if x := r.await(t, "an overwrite after the restart", func(x report) bool { return x.kind != "lost" }); x.kind != "changed" || x.key != "k" {
		t.Fatalf("after the restart: %+v; want changed ns/k", x)
	}

	if err := other.Close(); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	waitGoroutines(t, baseline)
}

// TestTrackUse checks Track's contract: once, not after Close, not nil.
func TestTrackUse(t *testing.T) {
	b, err := New("mongodb://127.0.0.1:1", &Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Track(nil); err == nil {
		t.Error("Track(nil) succeeded")
	}
	r := newRecorder()
	if err := b.Track(r); err != nil {
		t.Fatal(err)
	}
	if err := b.Track(r); err == nil {
		t.Error("a second Track succeeded")
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Track(r); !errors.Is(err, cachetoolz.ErrClosed) {
		t.Errorf("Track after Close: %v; want ErrClosed", err)
	}
}

// TestTrackOptions checks the validation of the tracking options.
func TestTrackOptions(t *testing.T) {
	for _, o := range []Options{
		{TrackInterval: time.Microsecond},
		{TrackInterval: -time.Second},
		{TrackTimeout: time.Nanosecond},
		{TrackTimeout: -1},
	} {
		if b, err := New("", &o); err == nil {
			_ = b.Close()
			t.Errorf("New with %+v succeeded", o)
		}
	}
	b, err := New("", &Options{TrackInterval: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_ = b.Close()
}

// TestGetTTL checks the time left that GetTTL reports.
func TestGetTTL(t *testing.T) {
	b := newTestBackend(t, nil)
	ctx := context.Background()
	stored := time.Now()
	putTTL(t, b, "ns", "short", "v", time.Minute)
	put(t, b, "ns", "forever", "w")

	value, gen, ttl, err := b.GetTTL(ctx, "ns", "short")
	if err != nil || string(value) != "v" || gen == 0 {
		t.Fatalf("GetTTL(short) = %q, %d, %v, %v", value, gen, ttl, err)
	}
	// Stored with a minute to live (expires_at holds milliseconds), and
	// read since: at most a minute, at least a minute less the time since.
	if low := time.Minute - time.Since(stored) - time.Millisecond; ttl > time.Minute || ttl < low {
		t.Errorf("GetTTL(short) ttl = %v; want in [%v, 1m]", ttl, low)
	}
	if _, _, later, _ := b.GetTTL(ctx, "ns", "short"); later > ttl {
		t.Errorf("a later GetTTL reports %v, more than the first's %v", later, ttl)
	}
	if value, _, ttl, err := b.GetTTL(ctx, "ns", "forever"); err != nil || string(value) != "w" || ttl != 0 {
		t.Errorf("GetTTL(forever) = %q, %v, %v; want w, 0", value, ttl, err)
	}
	if _, gen2, ttl, err := b.GetTTL(ctx, "ns", "absent"); !errors.Is(err, cachetoolz.ErrNotFound) || gen2 != gen || ttl != 0 {
		t.Errorf("GetTTL(absent) = %d, %v, %v; want gen %d, 0, ErrNotFound", gen2, ttl, err, gen)
	}
}

// TestClockFollows checks when a poll's server clock is taken to follow
// the previous one's.
func TestClockFollows(t *testing.T) {
	t0 := time.Unix(1000, 0)
	for _, c := range []struct {
		prev, now clock
		want      bool
	}{
		{clock{t0, "a"}, clock{t0.Add(time.Second), "a"}, true},
		{clock{t0, "a"}, clock{t0, "a"}, true},
		{clock{t0, "a"}, clock{t0.Add(-time.Millisecond), "a"}, false},
		{clock{t0, "a"}, clock{t0.Add(time.Second), "b"}, false},
		{clock{t0, ""}, clock{t0.Add(-time.Millisecond), ""}, true},
		{clock{t0, "a"}, clock{t0.Add(time.Second), ""}, false},
	} {
		if got := c.now.follows(c.prev); got != c.want {
			t.Errorf("%+v follows %+v = %v; want %v", c.now, c.prev, got, c.want)
		}
	}
}

// TestTrackForgetsPastLimit checks that a tracking backend watches at most
// maxSpaces namespaces: past that it forgets them all, and its next poll
// reports Lost.
func TestTrackForgetsPastLimit(t *testing.T) {
	b, err := New("mongodb://127.0.0.1:1", &Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	tr := &tracker{b: b, sink: newRecorder()} // no poll runs
	b.tracking.Store(tr)
	for i := range maxSpaces + 1 {
		b.watch(b.space(fmt.Sprint(i)), 1, 0)
	}
	if !tr.overflow.Load() {
		t.Error("no overflow after one namespace past the limit")
	}
	n := 0
	tr.watched.Range(func(any, any) bool { n++; return true })
	if n != 1 || tr.count.Load() != 1 {
		t.Errorf("watching %d namespaces (count %d) after the overflow; want 1", n, tr.count.Load())
	}
	b.tracking.Store(nil) // Close has no poll to stop
}

// TestTrackOwnWritesUnreported checks that a tracking backend does not
// report back its own stores and deletes, which the cache applies itself,
// while it reports another backend's.
func TestTrackOwnWritesUnreported(t *testing.T) {
	a, other := pair(t, Options{TrackInterval: 10 * time.Millisecond})
	r := track(t, a)
	const ns = "own"
	put(t, a, ns, "mine", "v")
	r.settle(t)
	put(t, a, ns, "mine", "w")
	if err := a.Delete(context.Background(), ns, "mine"); err != nil {
		t.Fatal(err)
	}
	// The delete is reported once, by Delete itself, for the caches that
	// share the backend; the polls report it no more.
	select {
	case x := <-r.reports:
		if x.kind != "changed" || x.ns != ns || x.key != "mine" {
			t.Fatalf("Delete reported %+v; want changed %s/mine", x, ns)
		}
	default:
		t.Fatal("Delete did not report its deletion")
	}
	put(t, other, ns, "theirs", "v")
	mine := func(x report) bool { return x.kind == "changed" && x.key == "mine" }
	if x := r.await(t, "another backend's store", func(x report) bool { return mine(x) || x.key == "theirs" }); mine(x) {
		t.Fatal("reported its own store or delete")
	}
	r.settle(t) // two more polls, whose reports it checks
	for len(r.reports) > 0 {
		if x := <-r.reports; mine(x) {
			t.Fatal("reported its own store or delete")
		}
	}
}
