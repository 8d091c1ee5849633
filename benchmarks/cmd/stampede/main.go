// Command stampede measures what a hot key's expiry costs its callers: G
// goroutines read one key, whose function takes L to run, with time to live
// TTL, for D, with Options.EarlyRefresh off and on, on the memory backend
// and on Redis. It prints the callers' latency (p50, p99, p99.9, max) and
// the function's runs per TTL period. A first run per backend, with a key
// that never expires, gives the latency of hits alone.
//
// Each goroutine calls once per interval. A call that takes longer than
// the interval also stands for the calls its goroutine could not make
// meanwhile, each with the latency it would have seen (the correction for
// coordinated omission): without it, a goroutine stalled by an expiry
// would count as one slow call instead of the many a steady client would
// have made.
//
//	go run ./cmd/stampede                     # memory, and Redis on a redis-server it starts
//	go run ./cmd/stampede -redis redis://host:6379/0
//	go run ./cmd/stampede -backends memory -duration 30s
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math/bits"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
)

func main() {
	var (
		backends   = flag.String("backends", "memory,redis", "comma-separated backends to measure: memory, redis")
		redisURL   = flag.String("redis", "", "URL of a Redis server to use; empty: start a redis-server on a free port")
		duration   = flag.Duration("duration", 10*time.Second, "how long each run reads")
		ttl        = flag.Duration("ttl", time.Second, "the key's time to live")
		load       = flag.Duration("load", 50*time.Millisecond, "how long the function takes")
		goroutines = flag.Int("goroutines", 32, "how many goroutines read the key")
		interval   = flag.Duration("interval", time.Millisecond, "how often each goroutine calls")
		betas      = flag.String("betas", "1,0.25", "comma-separated Options.EarlyRefresh values of the runs with early refresh")
	)
	flag.Parse()
	cfg := config{duration: *duration, ttl: *ttl, load: *load, goroutines: *goroutines, interval: *interval}
	modes := []float64{-1, 0} // never expires; early refresh off
	for _, b := range strings.Split(*betas, ",") {
		v, err := strconv.ParseFloat(b, 64)
		if err != nil || v <= 0 {
			log.Fatalf("stampede: bad -betas value %q", b)
		}
		modes = append(modes, v)
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "backend\tearly refresh\tcalls\tp50\tp99\tp99.9\tmax\tloads\tloads per TTL\t\n")
	for _, name := range strings.Split(*backends, ",") {
		var newBackend func() (cachetoolz.Backend, error)
		switch name {
		case "memory":
			newBackend = func() (cachetoolz.Backend, error) { return nil, nil }
		case "redis":
			url := *redisURL
			if url == "" {
				srv, err := testserver.StartRedis(testserver.RedisOptions{})
				if err != nil {
					log.Fatal(err)
				}
				defer func() { _ = srv.Close() }()
				url = srv.URL()
			}
			newBackend = func() (cachetoolz.Backend, error) { return rediscache.New(url, nil) }
		default:
			log.Fatalf("stampede: unknown backend %q", name)
		}
		for _, b := range modes {
			backend, err := newBackend()
			if err != nil {
				log.Fatal(err)
			}
			r, err := run(backend, cfg, b)
			if err != nil {
				log.Fatal(err)
			}
			mode, perTTL := "off", fmt.Sprintf("%.2f", float64(r.loads)/(float64(cfg.duration)/float64(cfg.ttl)))
			switch {
			case b < 0:
				mode, perTTL = "(never expires)", "-"
			case b > 0:
				mode = fmt.Sprint(b)
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%d\t%s\t\n", name, mode, r.calls,
				short(r.hist.quantile(0.5)), short(r.hist.quantile(0.99)), short(r.hist.quantile(0.999)), short(r.hist.top),
				r.loads, perTTL)
		}
	}
	_ = tw.Flush()
}

type config struct {
	duration, ttl, load, interval time.Duration
	goroutines                    int
}

type result struct {
	calls uint64
	loads int64
	hist  *histogram
}

// run reads one key from cfg.goroutines goroutines for cfg.duration, on a
// cache on backend (nil: a new memory backend) with EarlyRefresh beta; with
// a negative beta, the key never expires.
func run(backend cachetoolz.Backend, cfg config, beta float64) (result, error) {
	c, err := cachetoolz.New(backend, nil)
	if err != nil {
		return result{}, err
	}
	defer func() { _ = c.Close() }()
	ns := fmt.Sprintf("stampede-%d", time.Now().UnixNano())
	var loads atomic.Int64
	ttl := cfg.ttl
	if beta < 0 {
		ttl = 0
	}
	get, err := cachetoolz.Wrap1(c, func(ctx context.Context, id int) (string, error) {
		loads.Add(1)
		time.Sleep(cfg.load)
		return fmt.Sprint("value of ", id), nil
	}, &cachetoolz.Options{Name: "stampede.get", Namespace: ns, TTL: ttl, EarlyRefresh: max(beta, 0)})
	if err != nil {
		return result{}, err
	}
	ctx := context.Background()
	if _, err := get(ctx, 1); err != nil { // the first load is not the point
		return result{}, err
	}
	loads.Store(0)
	hists := make([]*histogram, cfg.goroutines)
	var wg sync.WaitGroup
	var failed atomic.Value
	start := time.Now()
	end := start.Add(cfg.duration)
	for g := range cfg.goroutines {
		h := new(histogram)
		hists[g] = h
		wg.Add(1)
		go func() {
			defer wg.Done()
			next := start.Add(time.Duration(g) * cfg.interval / time.Duration(cfg.goroutines))
			for {
				if d := time.Until(next); d > 0 {
					time.Sleep(d)
				}
				t0 := time.Now()
				if !t0.Before(end) {
					return
				}
				if _, err := get(ctx, 1); err != nil {
					failed.Store(err)
					return
				}
				t1 := time.Now()
				h.recordCorrected(t1.Sub(t0), cfg.interval)
				next = next.Add(cfg.interval)
				if next.Before(t1) {
					next = t1
				}
			}
		}()
	}
	wg.Wait()
	if err, ok := failed.Load().(error); ok {
		return result{}, err
	}
	total := new(histogram)
	for _, h := range hists {
		total.merge(h)
	}
	return result{calls: total.count, loads: loads.Load(), hist: total}, nil
}

// histogram counts durations in buckets of about 6% width: 32 per power of
// two.
type histogram struct {
	buckets [64 * 32]uint64
	count   uint64
	top     time.Duration
}

func bucket(d time.Duration) int {
	v := uint64(max(d, 0))
	e := max(bits.Len64(v)-5, 0)
	return e*32 + int(v>>e)
}

// lower is the smallest duration in bucket i.
func lower(i int) time.Duration {
	e := i / 32
	if e == 0 {
		return time.Duration(i)
	}
	return time.Duration(uint64(i-e*32) << e)
}

func (h *histogram) record(d time.Duration) {
	h.buckets[bucket(d)]++
	h.count++
	h.top = max(h.top, d)
}

// recordCorrected records d, and for a call that took longer than the
// interval, the calls its goroutine would have made meanwhile.
func (h *histogram) recordCorrected(d, interval time.Duration) {
	h.record(d)
	for missed := d - interval; missed > 0; missed -= interval {
		h.record(missed)
	}
}

func (h *histogram) merge(o *histogram) {
	for i, n := range o.buckets {
		h.buckets[i] += n
	}
	h.count += o.count
	h.top = max(h.top, o.top)
}

// quantile returns the lower bound of the bucket that holds quantile q.
func (h *histogram) quantile(q float64) time.Duration {
	rank := uint64(q * float64(h.count))
	var seen uint64
	for i, n := range h.buckets {
		seen += n
		if seen > rank {
			return lower(i)
		}
	}
	return h.top
}

// short formats d with three significant digits.
func short(d time.Duration) string {
	for r := time.Duration(1); ; r *= 10 {
		if d < 1000*r {
			return d.Round(r).String()
		}
	}
}
