package otel

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/cachetoolz/cachetoolz"
	"go.opentelemetry.io/otel/metric"
)

// statCounter is an observable counter that reads one field of Stats.
type statCounter struct {
	inst metric.Int64ObservableCounter
	read func(cachetoolz.Stats) uint64
}

// statCounters are the counters read from Stats, one line each.
var statCounters = []struct {
	name, unit, desc string
	read             func(cachetoolz.Stats) uint64
}{
	{"cachetoolz.hits", "{hit}", "Calls answered from the cache.", func(s cachetoolz.Stats) uint64 { return s.Hits }},
	{"cachetoolz.local_hits", "{hit}", "Calls answered from the local tier.", func(s cachetoolz.Stats) uint64 { return s.LocalHits }},
	{"cachetoolz.remote_hits", "{hit}", "Calls answered by a remote backend.", func(s cachetoolz.Stats) uint64 { return s.RemoteHits }},
	{"cachetoolz.invalidations", "{report}", "Reports of changes made in other processes that touched the local tier.", func(s cachetoolz.Stats) uint64 { return s.Invalidations }},
	{"cachetoolz.misses", "{miss}", "Calls that found nothing cached.", func(s cachetoolz.Stats) uint64 { return s.Misses }},
	{"cachetoolz.loads", "{load}", "Runs of wrapped functions.", func(s cachetoolz.Stats) uint64 { return s.Loads }},
	{"cachetoolz.errors", "{error}", "Backend and codec failures, and arguments that could not be made into a key.", func(s cachetoolz.Stats) uint64 { return s.Errors }},
	{"cachetoolz.mismatches", "{entry}", "Cached entries that could not be served: stored for another result type or version, or not decoding exactly.", func(s cachetoolz.Stats) uint64 { return s.Mismatches }},
	{"cachetoolz.evictions", "{entry}", "Entries the memory store removed to make room.", func(s cachetoolz.Stats) uint64 { return s.Evictions }},
	{"cachetoolz.stale", "{hit}", "Calls answered with a stale value because a load failed or passed a timeout (Options.MaxStale).", func(s cachetoolz.Stats) uint64 { return s.Stale }},
	{"cachetoolz.refreshes", "{load}", "Early refreshes started (Options.EarlyRefresh).", func(s cachetoolz.Stats) uint64 { return s.Refreshes }},
}

// makeObservables makes the instruments that Observe's callback feeds.
func (o *Observer) makeObservables() error {
	for _, sc := range statCounters {
		inst, err := o.meter.Int64ObservableCounter(sc.name, metric.WithUnit(sc.unit), metric.WithDescription(sc.desc))
		if err != nil {
			return err
		}
		o.counters = append(o.counters, statCounter{inst, sc.read})
	}
	var err error
	o.breaker, err = o.meter.Int64ObservableGauge("cachetoolz.breaker.open",
		metric.WithUnit("{breaker}"),
		metric.WithDescription("1 while the namespace's circuit breaker is open and calls skip the backend, 0 otherwise."))
	return err
}

// ErrObserving is returned by Observe when the Observer already publishes
// the Stats of a cache.
var ErrObserving = errors.New("cachetoolz: otel: the Observer already observes a cache; use one Observer per cache")

// Observe publishes the Stats of c through the Observer's observable
// instruments, read each time the meter provider collects: the counters
// cachetoolz.hits, local_hits, remote_hits, misses, loads, errors,
// mismatches, evictions, stale, refreshes and invalidations, and the
// gauge cachetoolz.breaker.open, per namespace. c should be the cache whose
// Config.Observer is o. Unregister the returned Registration when c is
// closed; until then, Observe with another cache fails with ErrObserving.
func (o *Observer) Observe(c *cachetoolz.Cache) (*Registration, error) {
	if c == nil {
		return nil, errors.New("cachetoolz: otel: Observe of a nil cache")
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.cache != nil {
		return nil, ErrObserving
	}
	insts := make([]metric.Observable, 0, len(o.counters)+1)
	for _, sc := range o.counters {
		insts = append(insts, sc.inst)
	}
	insts = append(insts, o.breaker)
	reg, err := o.meter.RegisterCallback(func(_ context.Context, m metric.Observer) error {
		o.collect(c, m)
		return nil
	}, insts...)
	if err != nil {
		return nil, fmt.Errorf("cachetoolz: otel: registering the callback: %w", err)
	}
	o.cache = c
	return &Registration{o: o, reg: reg}, nil
}

// collect observes the Stats of c.
func (o *Observer) collect(c *cachetoolz.Cache, m metric.Observer) {
	stats := c.Stats()
	for name, s := range stats {
		attrs := o.names.add(name).observe
		for _, sc := range o.counters {
			m.ObserveInt64(sc.inst, clampInt64(sc.read(s)), attrs...)
		}
		var open int64
		if s.BreakerOpen {
			open = 1
		}
		m.ObserveInt64(o.breaker, open, attrs...)
	}
}

// clampInt64 returns n as an int64, saturating.
func clampInt64(n uint64) int64 {
	return int64(min(n, math.MaxInt64))
}

// Registration is the publication of a cache's Stats by Observe.
type Registration struct {
	o    *Observer
	reg  metric.Registration
	once sync.Once
	err  error
}

// Unregister stops publishing the cache's Stats, so that the Observer may
// observe another cache. Calling it again does nothing and returns the
// first call's error.
func (r *Registration) Unregister() error {
	r.once.Do(func() {
		r.err = r.reg.Unregister()
		r.o.mu.Lock()
		r.o.cache = nil
		r.o.mu.Unlock()
		if r.err != nil {
			r.err = fmt.Errorf("cachetoolz: otel: unregistering the callback: %w", r.err)
		}
	})
	return r.err
}
