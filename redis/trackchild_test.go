package rediscache_test

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/memory"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
)

// The multi-process tests of the local tier run the test binary again as
// children, each a cache with a local tier (Config.Local) on a Redis backend
// of its own, driven by lines on its standard input:
//
//	call NS K        calls the wrapped function of namespace NS with K;
//	                 answers "value V"
//	refresh NS K     the same under cachetoolz.Refresh (a store that
//	                 overwrites); answers "done V T B"
//	clear NS         clears NS; answers "done - T B"
//	hold NS K        calls as "call" does, but the function, once started,
//	                 answers "loading" and waits for a line "go"; then
//	                 answers "value V"
//	chaos NSS KEYS E calls over NSS namespaces and KEYS keys from several
//	                 goroutines, each of which clears instead at every E-th
//	                 operation (never if E is 0), until a line "stop"; then
//	                 prints what it did (see chaos) and "end"
//
// T is the wall clock in Unix nanoseconds when the operation returned, B
// when it began. A
// value is "PID/N/S": the process, the run, and when the run began. Every
// report that the backend gives the cache is also printed, as
// "report KIND NS T", T being when the sink was called.

const trackChildEnv = "CACHETOOLZ_TRACKPROC_URL" // the server; set only in children

// trackChild is the body of a child process.
func trackChild(url string) error {
	var outMu sync.Mutex
	out := func(format string, args ...any) {
		outMu.Lock()
		defer outMu.Unlock()
		fmt.Printf(format+"\n", args...)
	}
	// The kill test makes the cache warn of every failed call: expected.
	slog.SetDefault(slog.New(slog.DiscardHandler))
	rb, err := rediscache.New(url, &rediscache.Options{Prefix: "proc:"})
	if err != nil {
		return err
	}
	reports := make(chan string, 1<<16)
	printed := make(chan struct{})
	go func() {
		defer close(printed)
		for r := range reports {
			out("%s", r)
		}
	}()
	defer func() { close(reports); <-printed }()
	c, err := cachetoolz.New(timedBackend{rb, reports}, &cachetoolz.Config{
		Local:   &memory.Options{MaxEntries: 100000},
		Timeout: 5 * time.Second,
	})
	if err != nil {
		return err
	}
	defer c.Close()

	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	hold := make(chan struct{}) // a "go" line for a held run
	var runs atomic.Int64
	var fnMu sync.Mutex
	fns := map[string]func(context.Context, int) (string, error){}
	fn := func(ns string) (func(context.Context, int) (string, error), error) {
		fnMu.Lock()
		defer fnMu.Unlock()
		if f, ok := fns[ns]; ok {
			return f, nil
		}
		f, err := cachetoolz.Wrap1(c, func(ctx context.Context, k int) (string, error) {
			v := fmt.Sprintf("%d/%d/%d", os.Getpid(), runs.Add(1), time.Now().UnixNano())
			if ctx.Value(holdKey{}) != nil {
				out("loading")
				<-hold
			}
			return v, nil
		}, &cachetoolz.Options{Name: "trackproc." + ns, Namespace: ns, TTL: time.Hour})
		if err == nil {
			fns[ns] = f
		}
		return f, err
	}
	out("ready")
	for l := range lines {
		w := strings.Fields(l)
		if len(w) == 0 {
			continue
		}
		switch w[0] {
		case "call", "refresh", "hold":
			f, err := fn(w[1])
			if err != nil {
				return err
			}
			k, err := strconv.Atoi(w[2])
			if err != nil {
				return err
			}
			ctx := context.Background()
			switch w[0] {
			case "refresh":
				ctx = cachetoolz.WithControl(ctx, cachetoolz.Refresh)
			case "hold":
				ctx = context.WithValue(ctx, holdKey{}, true)
				go func() { // the run waits for "go" while lines go on being read
					v, err := f(ctx, k)
					if err != nil {
						out("error %v", err)
						return
					}
					out("value %s", v)
				}()
				continue
			}
			begin := time.Now().UnixNano()
			v, err := f(ctx, k)
			if err != nil {
				return err
			}
			if w[0] == "refresh" {
				out("done %s %d %d", v, time.Now().UnixNano(), begin)
			} else {
				out("value %s", v)
			}
		case "go":
			hold <- struct{}{}
		case "clear":
			begin := time.Now().UnixNano()
			if err := c.Clear(context.Background(), w[1]); err != nil {
				return err
			}
			out("done - %d %d", time.Now().UnixNano(), begin)
		case "chaos":
			nss, err := strconv.Atoi(w[1])
			if err != nil {
				return err
			}
			keys, err := strconv.Atoi(w[2])
			if err != nil {
				return err
			}
			every, err := strconv.Atoi(w[3])
			if err != nil {
				return err
			}
			if err := chaos(c, fn, nss, keys, every, lines, out); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unknown command %q", l)
		}
	}
	return nil
}

// chaosPace is the pause of a chaos goroutine between two operations.
const chaosPace = 500 * time.Microsecond

// holdKey marks the context of a held run.
type holdKey struct{}

// timedBackend is the Redis backend, with the time of each report printed.
type timedBackend struct {
	*rediscache.Backend
	reports chan<- string
}

// Track passes the cache's sink on, timed.
func (b timedBackend) Track(s cachetoolz.TrackSink) error {
	return b.Backend.Track(timedSink{s, b.reports})
}

type timedSink struct {
	s       cachetoolz.TrackSink
	reports chan<- string
}

// Each method takes the time when it is called, and prints the report once
// the cache has taken it, so that a test that acts on the report finds it
// done.
func (s timedSink) Changed(ns, key string) {
	at := time.Now()
	s.s.Changed(ns, key)
	s.report("changed", ns, at)
}

func (s timedSink) Cleared(ns string) {
	at := time.Now()
	s.s.Cleared(ns)
	s.report("cleared", ns, at)
}

func (s timedSink) Lost() {
	at := time.Now()
	s.s.Lost()
	s.report("lost", "-", at)
}

func (s timedSink) report(kind, ns string, at time.Time) {
	select {
	case s.reports <- fmt.Sprintf("report %s %s %d", kind, ns, at.UnixNano()):
	default: // never block the client's reader: the tests wait for few reports
	}
}

// chaos is the "chaos" command: goroutines that call, and now and then
// clear, until a line "stop"; then the record of what they did:
//
//	read NS START LOADED   a call in NS that began at START returned a
//	                       value whose run began at LOADED
//	clear NS BEGIN END     a Clear of NS that began at BEGIN and returned
//	                       (without error) at END
func chaos(c *cachetoolz.Cache, fn func(string) (func(context.Context, int) (string, error), error), nss, keys, every int, lines <-chan string, out func(string, ...any)) error {
	stop := make(chan struct{})
	var mu sync.Mutex
	var record []string
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			n := 0
			for {
				select {
				case <-stop:
					return
				default:
				}
				time.Sleep(chaosPace) // a steady load, not a spin on the local tier
				n++
				ns := fmt.Sprint("chaos-", (n*7+g)%nss)
				start := time.Now().UnixNano()
				if every > 0 && n%every == 0 {
					if err := c.Clear(context.Background(), ns); err == nil {
						mu.Lock()
						record = append(record, fmt.Sprintf("clear %s %d %d", ns, start, time.Now().UnixNano()))
						mu.Unlock()
					}
					continue
				}
				f, err := fn(ns)
				if err != nil {
					continue
				}
				v, err := f(context.Background(), (n*13+g)%keys)
				if err != nil {
					continue
				}
				parts := strings.Split(v, "/")
				mu.Lock()
				record = append(record, fmt.Sprintf("read %s %d %s", ns, start, parts[len(parts)-1]))
				mu.Unlock()
			}
		})
	}
	out("started")
	for l := range lines {
		if l == "stop" {
			break
		}
	}
	close(stop)
	wg.Wait()
	for _, r := range record {
		out("%s", r)
	}
	out("end")
	return nil
}
