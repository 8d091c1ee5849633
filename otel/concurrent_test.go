package otel_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/otel"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Events from many goroutines, in namespaces seen for the first time, while
// the reader collects and clears come in: every call is counted once.
func TestConcurrentEvents(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	obs, err := otel.New(&otel.Options{
		MeterProvider:  sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)),
		TracerProvider: sdktrace.NewTracerProvider(),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := cachetoolz.Must(cachetoolz.New(newFaulty(), &cachetoolz.Config{Logger: quiet, Observer: obs}))
	defer c.Close()
	reg, err := obs.Observe(c)
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Unregister()
	const workers, calls = 8, 200
	gets := make([]func(context.Context, int) (int, error), workers)
	for w := range gets {
		gets[w] = cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, id int) (int, error) { return id, nil },
			&cachetoolz.Options{Namespace: fmt.Sprint("ns", w%4), Name: fmt.Sprint("f", w)}))
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range calls {
				if v, err := gets[w](bg, i%50); v != i%50 || err != nil {
					t.Errorf("get = %d, %v", v, err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for range 20 {
			_ = c.Clear(bg, "ns0", "nowhere")
		}
	})
	for range 5 {
		_ = collect(t, reader)
	}
	wg.Wait()
	p := collect(t, reader)
	var total float64
	for w := range 4 {
		ns := fmt.Sprint("ns", w)
		total += p.values["cachetoolz.hits{cachetoolz.namespace="+ns+"}"] + p.values["cachetoolz.misses{cachetoolz.namespace="+ns+"}"]
	}
	if total != workers*calls {
		t.Fatalf("%v hits and misses, want %d", total, workers*calls)
	}
	if n := p.values["cachetoolz.backend.duration:count{cachetoolz.namespace=_other,cachetoolz.operation=clear,cachetoolz.outcome=ok}"]; n != 20 {
		t.Fatalf("%v clears of an unknown namespace, want 20", n)
	}
}
