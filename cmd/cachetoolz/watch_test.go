package main

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
)

// frames is a standard output that hands each write, a whole refresh, to
// the test.
type frames chan string

func (f frames) Write(p []byte) (int, error) {
	f <- string(p)
	return len(p), nil
}

// watcher runs "stats -watch" in process, with ticks and a clock that the
// test drives.
type watcher struct {
	t      *testing.T
	frames frames
	ticks  chan time.Time
	stderr strings.Builder
	done   chan struct{} // closed when the command has returned code
	code   int
}

var watchStart = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func startWatch(t *testing.T, c cli, args ...string) *watcher {
	t.Helper()
	w := &watcher{t: t, frames: make(frames, 1), ticks: make(chan time.Time), done: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	at := watchStart
	e := &env{stdout: w.frames, stderr: &w.stderr, stdin: strings.NewReader(""), memory: c.memory,
		ticker: func(d time.Duration) (<-chan time.Time, func()) {
			if d != 2*time.Second {
				t.Errorf("ticker of %v, want the -watch interval 2s", d)
			}
			return w.ticks, func() {}
		},
		now: func() time.Time { at = at.Add(2 * time.Second); return at },
	}
	go func() {
		defer close(w.done)
		w.code = run(ctx, e, append([]string{"stats", "-watch", "2s"}, args...))
	}()
	t.Cleanup(func() {
		cancel()
		<-w.done
		if w.code != 0 {
			t.Errorf("stats -watch exited %d after an interrupt; stderr:\n%s", w.code, w.stderr.String())
		}
	})
	return w
}

// next lets one interval pass and returns the refresh.
func (w *watcher) next() string {
	w.t.Helper()
	select {
	case w.ticks <- time.Time{}:
	case <-w.done:
		w.t.Fatalf("stats -watch ended by itself, exit %d; stderr:\n%s", w.code, w.stderr.String())
	}
	return w.first()
}

// first returns the refresh shown at once.
func (w *watcher) first() string {
	w.t.Helper()
	select {
	case f := <-w.frames:
		return f
	case <-w.done:
		w.t.Fatalf("stats -watch ended by itself, exit %d; stderr:\n%s", w.code, w.stderr.String())
	}
	return ""
}

func matchAll(t *testing.T, what, out string, res ...string) {
	t.Helper()
	for _, re := range res {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("%s does not match %s:\n%s", what, re, out)
		}
	}
}

// testWatch checks stats -watch against the backend that flags name, which
// b reaches too; kill, if not nil, makes the backend fail.
func testWatch(t *testing.T, c cli, b cachetoolz.Backend, kill func() error, flags ...string) {
	fill(t, b, "alpha", 2, 0)
	w := startWatch(t, c, flags...)
	matchAll(t, "first refresh", w.first(),
		`^every 2s, at 2026-01-02 03:04:07\n\n`,
		`(?m)^alpha +2 `,
		`(?m)^\(1 namespaces\) +2 `)

	fill(t, b, "beta", 3, 0)
	matchAll(t, "second refresh", w.next(),
		`^every 2s, at 2026-01-02 03:04:09\n\n`,
		`(?m)^alpha +2 `,
		`(?m)^beta +3 `,
		`(?m)^\(2 namespaces\) +5 `)

	if kill == nil {
		return
	}
	if err := kill(); err != nil {
		t.Fatal(err)
	}
	out := w.next()
	matchAll(t, "refresh of a failing backend", out, `^every 2s, at 2026-01-02 03:04:11\n\n\S+: .+\n$`)
	if strings.Contains(out, "alpha") {
		t.Errorf("a failed refresh shows old data:\n%s", out)
	}
}

func TestWatchMemory(t *testing.T) {
	mem := newMemory(t)
	testWatch(t, cli{t, mem}, mem, mem.Close, "-url", "memory")
}

func TestWatchRedis(t *testing.T) {
	srv := testserver.Redis(t)
	kill := srv.Kill
	if srv.External() {
		kill = nil
	}
	testWatch(t, cli{t: t}, newRedis(t, srv.URL()), kill, "-url", srv.URL(), "-timeout", "1s")
}

func TestWatchMongo(t *testing.T) {
	b, db := newMongo(t)
	testWatch(t, cli{t: t}, b, nil, "-url", mongoURI(t), "-db", db)
}

// With -json, each refresh is a JSON document with its time.
func TestWatchJSON(t *testing.T) {
	mem := newMemory(t)
	fill(t, mem, "alpha", 2, 0)
	w := startWatch(t, cli{t, mem}, "-json")
	type doc struct {
		Time       string
		Error      string
		Namespaces []struct {
			Namespace string
			Entries   int64
		}
	}
	read := func(s string) doc {
		var d doc
		if err := json.Unmarshal([]byte(s), &d); err != nil {
			t.Fatalf("%v:\n%s", err, s)
		}
		return d
	}
	if d := read(w.first()); d.Time != "2026-01-02T03:04:07Z" || len(d.Namespaces) != 1 || d.Namespaces[0].Entries != 2 {
		t.Errorf("first refresh: %+v", d)
	}
	fill(t, mem, "alpha", 4, 0)
	if d := read(w.next()); d.Time != "2026-01-02T03:04:09Z" || len(d.Namespaces) != 1 || d.Namespaces[0].Entries != 4 {
		t.Errorf("second refresh: %+v", d)
	}
	_ = mem.Close()
	if d := read(w.next()); d.Time != "2026-01-02T03:04:11Z" || !strings.Contains(d.Error, "closed") || d.Namespaces != nil {
		t.Errorf("refresh of a closed backend: %+v", d)
	}
}

func TestWatchUsage(t *testing.T) {
	c := cli{t: t}
	c.fails("", 2, "-watch must be at least 100ms", "stats", "-watch", "10ms")
	c.fails("", 2, "-watch must be at least 100ms", "stats", "-watch", "-1s")
}
