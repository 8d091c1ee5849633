package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cachetoolz/cachetoolz"
)

// benchConfig is what the bench command measures.
type benchConfig struct {
	duration    time.Duration // per phase, when ops is 0
	ops         int64         // per phase
	concurrency int
	size        int
	keys        int
	ttl         time.Duration
}

func runBench(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bench", "")
	bf := addBackendFlags(fs)
	var cfg benchConfig
	fs.DurationVar(&cfg.duration, "duration", 5*time.Second, "how long each phase (miss, hit) runs")
	fs.Int64Var(&cfg.ops, "ops", 0, "calls per phase; when set, phases run this many calls instead of -duration")
	fs.IntVar(&cfg.concurrency, "concurrency", 8, "goroutines calling the wrapped function")
	fs.IntVar(&cfg.size, "size", 128, "bytes of each cached value")
	fs.IntVar(&cfg.keys, "keys", 1000, "distinct arguments of the hit phase")
	fs.DurationVar(&cfg.ttl, "ttl", 0, "time to live of the cached values (0: never expire)")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(rest) > 0:
		return fmt.Errorf("%w: bench takes no arguments", errUsage)
	case cfg.ops < 0 || (cfg.ops == 0 && cfg.duration <= 0):
		return fmt.Errorf("%w: -duration must be positive, or -ops set", errUsage)
	case cfg.concurrency < 1 || cfg.keys < 1 || cfg.size < 0 || cfg.ttl < 0:
		return fmt.Errorf("%w: -concurrency and -keys must be positive, -size and -ttl not negative", errUsage)
	}
	b, err := bf.open(ctx, e)
	if err != nil {
		return err
	}
	defer b.close()
	return bench(ctx, e, b, cfg, *bf.timeout)
}

// loadedKey marks, in a call's context, the flag the wrapped function sets
// when it runs: the call was a miss.
type loadedKey struct{}

// benchWorker is one calling goroutine's state.
type benchWorker struct {
	ctx       context.Context
	loaded    atomic.Bool
	rng       *mrand.Rand
	hit, miss histogram
}

// phaseResult is what one phase measured.
type phaseResult struct {
	name      string
	elapsed   time.Duration
	hit, miss histogram
}

func bench(ctx context.Context, e *env, b *backend, cfg benchConfig, timeout time.Duration) error {
	var id [4]byte
	_, _ = rand.Read(id[:])
	ns := "cachetoolz-bench-" + hex.EncodeToString(id[:])
	c, err := cachetoolz.New(b.Backend, &cachetoolz.Config{Logger: slog.New(slog.DiscardHandler), Timeout: timeout})
	if err != nil {
		return err
	}
	value := strings.Repeat("x", cfg.size)
	get, err := cachetoolz.Wrap1(c, func(ctx context.Context, id int) (string, error) {
		if flag, ok := ctx.Value(loadedKey{}).(*atomic.Bool); ok {
			flag.Store(true)
		}
		return value, nil
	}, &cachetoolz.Options{Namespace: ns, Name: "cachetoolz.bench", TTL: cfg.ttl})
	if err != nil {
		return err
	}
	defer func() { // leave nothing behind, even after an interrupt
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 4*timeout)
		defer cancel()
		err := c.Clear(cctx, ns)
		if rec, ok := b.Backend.(reclaimer); ok && err == nil {
			err = rec.Reclaim(cctx, ns)
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "cachetoolz bench: clearing namespace %s: %s\n", ns, e.errLine(err))
			return
		}
		fmt.Fprintf(e.stderr, "cleared namespace %s\n", ns)
	}()

	fmt.Fprintf(e.stderr, "benchmarking %s in namespace %s\n", b.url, ns)
	workers := make([]*benchWorker, cfg.concurrency)
	for i := range workers {
		w := &benchWorker{rng: mrand.New(mrand.NewPCG(uint64(i), 0x5eed))}
		w.ctx = context.WithValue(ctx, loadedKey{}, &w.loaded)
		workers[i] = w
	}
	call := func(w *benchWorker, id int) {
		w.loaded.Store(false)
		start := time.Now()
		_, _ = get(w.ctx, id)
		d := time.Since(start)
		if w.loaded.Load() {
			w.miss.add(d)
		} else {
			w.hit.add(d)
		}
	}

	// Misses: every call a new argument. They also fill the hit phase's keys.
	var nextID atomic.Int64
	miss := runPhase(ctx, e, "miss", cfg, workers, func(w *benchWorker) {
		call(w, int(nextID.Add(1)-1))
	})
	if err := ctx.Err(); err != nil {
		return err
	}
	// Make sure every key of the hit phase is cached: the miss phase may
	// not have reached them all, and a bounded backend may have evicted
	// the first ones since.
	before := c.Stats()[ns]
	for id := range cfg.keys {
		if err := ctx.Err(); err != nil {
			return err
		}
		_, _ = get(ctx, id)
	}
	warm := c.Stats()[ns]
	hit := runPhase(ctx, e, "hit", cfg, workers, func(w *benchWorker) {
		call(w, w.rng.IntN(cfg.keys))
	})
	if err := ctx.Err(); err != nil {
		return err
	}

	fmt.Fprintf(e.stdout, "backend    %s\n", b.url)
	fmt.Fprintf(e.stdout, "namespace  %s\n", ns)
	per := cfg.duration.String() + " per phase"
	if cfg.ops > 0 {
		per = fmt.Sprintf("%d calls per phase", cfg.ops)
	}
	fmt.Fprintf(e.stdout, "workload   %d goroutines, %d-byte values, %d keys in the hit phase, %s\n\n", cfg.concurrency, cfg.size, cfg.keys, per)
	rows := [][]string{{"PHASE", "CALLS", "CALLS/S", "HITS", "P50", "P90", "P99", "MAX"}}
	for _, r := range []phaseResult{miss, hit} {
		var all histogram
		all.merge(&r.hit)
		all.merge(&r.miss)
		rate := 0.0
		if r.elapsed > 0 {
			rate = float64(all.n) / r.elapsed.Seconds()
		}
		hits := hitRatio(r.hit.n, all.n)
		rows = append(rows, []string{r.name, fmt.Sprint(all.n), fmt.Sprintf("%.0f", rate), hits,
			formatLatency(all.quantile(0.50)), formatLatency(all.quantile(0.90)),
			formatLatency(all.quantile(0.99)), formatLatency(all.max)})
	}
	table(e.stdout, map[int]bool{1: true, 2: true, 3: true, 4: true, 5: true, 6: true, 7: true}, rows)
	s := c.Stats()[ns] // of the two phases, without the warming between them
	s.Hits -= warm.Hits - before.Hits
	s.Misses -= warm.Misses - before.Misses
	s.Loads -= warm.Loads - before.Loads
	s.Errors -= warm.Errors - before.Errors
	fmt.Fprintf(e.stdout, "\ncache stats: %d hits, %d misses, %d loads, %d backend errors\n", s.Hits, s.Misses, s.Loads, s.Errors)
	if s.Errors > 0 {
		fmt.Fprintf(e.stderr, "cachetoolz bench: warning: %d backend errors; calls that met one ran the function instead\n", s.Errors)
	}
	return nil
}

// runPhase runs op on every worker until the phase's calls or time are
// spent, showing progress on stderr, and returns what the workers measured.
func runPhase(ctx context.Context, e *env, name string, cfg benchConfig, workers []*benchWorker, op func(*benchWorker)) phaseResult {
	for _, w := range workers {
		w.hit, w.miss = histogram{}, histogram{}
	}
	var done, claimed atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	start := time.Now()
	for _, w := range workers {
		wg.Go(func() {
			for !stop.Load() && ctx.Err() == nil {
				if cfg.ops > 0 && claimed.Add(1) > cfg.ops {
					return
				}
				op(w)
				done.Add(1)
			}
		})
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	var deadline <-chan time.Time
	if cfg.ops == 0 {
		t := time.NewTimer(cfg.duration)
		defer t.Stop()
		deadline = t.C
	}
	p := newProgress(e.stderr)
	show := func(final bool) {
		el := time.Since(start)
		n := done.Load()
		of := " of " + cfg.duration.String()
		if cfg.ops > 0 {
			of = fmt.Sprintf(" of %d calls", cfg.ops)
		}
		if final {
			of = ", done"
		}
		p.show(fmt.Sprintf("%-4s  %d calls, %.0f calls/s, %v%s", name, n, float64(n)/max(el.Seconds(), 1e-9), el.Round(100*time.Millisecond), of))
	}
	interrupted := ctx.Done()
loop:
	for {
		select {
		case <-finished:
			break loop
		case <-deadline:
			stop.Store(true)
			deadline = nil
		case <-interrupted:
			stop.Store(true)
			interrupted = nil
		case <-p.tick():
			show(false)
		}
	}
	r := phaseResult{name: name, elapsed: time.Since(start)}
	show(true)
	p.end()
	for _, w := range workers {
		r.hit.merge(&w.hit)
		r.miss.merge(&w.miss)
	}
	return r
}

// hitRatio returns hits/calls as a percentage that reads 100% or 0% only
// when it is exactly that.
func hitRatio(hits, calls uint64) string {
	switch {
	case calls == 0:
		return "-"
	case hits == calls:
		return "100%"
	case hits == 0:
		return "0%"
	}
	pct := math.Floor(10000*float64(hits)/float64(calls)) / 100
	return fmt.Sprintf("%.2f%%", min(max(pct, 0.01), 99.99))
}
