package otel_test

import (
	"context"
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/memory"
	"github.com/cachetoolz/cachetoolz/otel"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// observers are the configurations the benchmarks compare: no observer, an
// Observer recording metrics into the SDK, and one recording spans too.
var observers = []struct {
	name string
	new  func(b *testing.B) *otel.Observer
}{
	{"none", func(*testing.B) *otel.Observer { return nil }},
	{"metrics", func(b *testing.B) *otel.Observer { return benchObserver(b, true) }},
	{"spans", func(b *testing.B) *otel.Observer { return benchObserver(b, false) }},
}

func benchObserver(b *testing.B, noSpans bool) *otel.Observer {
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	tp := sdktrace.NewTracerProvider()
	b.Cleanup(func() { _ = mp.Shutdown(bg); _ = tp.Shutdown(bg) })
	obs, err := otel.New(&otel.Options{MeterProvider: mp, TracerProvider: tp, NoSpans: noSpans})
	if err != nil {
		b.Fatal(err)
	}
	return obs
}

// benchCache returns a function wrapped on a memory backend (that keeps Go
// values, or isolates callers and so does backend operations), observed by
// obs if not nil.
func benchCache(b *testing.B, isolate bool, obs *otel.Observer) func(context.Context, int) (int, error) {
	cfg := &cachetoolz.Config{Logger: quiet}
	if obs != nil {
		cfg.Observer = obs
	}
	c := cachetoolz.Must(cachetoolz.New(memory.Must(memory.New(&memory.Options{Isolate: isolate, MaxEntries: 1 << 20})), cfg))
	b.Cleanup(func() { _ = c.Close() })
	if obs != nil {
		reg, err := obs.Observe(c)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = reg.Unregister() })
	}
	return cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, id int) (int, error) { return id, nil },
		&cachetoolz.Options{Name: "bench.get"}))
}

// BenchmarkHit reads 1,024 cached keys. With a memory backend that keeps Go
// values, a hit does no backend operation: an Observer adds nothing to it.
func BenchmarkHit(b *testing.B) {
	for _, store := range []string{"memory", "isolate"} {
		for _, o := range observers {
			b.Run("store="+store+"/obs="+o.name, func(b *testing.B) {
				get := benchCache(b, store == "isolate", o.new(b))
				ctx := context.Background()
				for i := range 1024 {
					_, _ = get(ctx, i)
				}
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					if v, err := get(ctx, i&1023); err != nil || v != i&1023 {
						b.Fatal("wrong result")
					}
					i++
				}
			})
		}
	}
}

// BenchmarkMiss asks for a new key on every call: a load, and on an
// isolating backend two gets and a set.
func BenchmarkMiss(b *testing.B) {
	for _, store := range []string{"memory", "isolate"} {
		for _, o := range observers {
			b.Run("store="+store+"/obs="+o.name, func(b *testing.B) {
				get := benchCache(b, store == "isolate", o.new(b))
				ctx := context.Background()
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					if _, err := get(ctx, i); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	}
}
