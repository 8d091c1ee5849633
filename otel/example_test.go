package otel_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/memory"
	"github.com/cachetoolz/cachetoolz/otel"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

// A cache's metrics scraped by Prometheus, through the OpenTelemetry
// Prometheus exporter.
func Example_prometheus() {
	// The exporter is a reader of a meter provider, and registers with a
	// Prometheus registry; promhttp serves the registry.
	// WithoutScopeInfo leaves out the otel_scope_* labels.
	registry := prometheus.NewRegistry()
	exporter, err := otelprom.New(otelprom.WithRegisterer(registry), otelprom.WithoutScopeInfo())
	if err != nil {
		panic(err)
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter))
	defer mp.Shutdown(context.Background())

	obs, err := otel.New(&otel.Options{MeterProvider: mp})
	if err != nil {
		panic(err)
	}
	backend := memory.Must(memory.New(&memory.Options{Isolate: true}))
	c, err := cachetoolz.New(backend, &cachetoolz.Config{Observer: obs})
	if err != nil {
		panic(err)
	}
	defer c.Close()
	reg, err := obs.Observe(c)
	if err != nil {
		panic(err)
	}
	defer reg.Unregister()

	square, err := cachetoolz.Wrap1(c, func(_ context.Context, n int) (int, error) { return n * n, nil },
		&cachetoolz.Options{Namespace: "squares"})
	if err != nil {
		panic(err)
	}
	for _, n := range []int{1, 2, 1, 1} {
		_, _ = square(context.Background(), n)
	}

	srv := httptest.NewServer(promhttp.HandlerFor(registry, promhttp.HandlerOpts{}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	lines := bufio.NewScanner(resp.Body)
	for lines.Scan() {
		line := lines.Text()
		if strings.HasPrefix(line, "cachetoolz_hits_total") || strings.HasPrefix(line, "cachetoolz_misses_total") ||
			strings.HasPrefix(line, "cachetoolz_load_duration_seconds_count") {
			fmt.Println(line)
		}
	}
	// Output:
	// cachetoolz_hits_total{cachetoolz_namespace="squares"} 2
	// cachetoolz_load_duration_seconds_count{cachetoolz_namespace="squares",cachetoolz_outcome="ok"} 2
	// cachetoolz_misses_total{cachetoolz_namespace="squares"} 2
}
