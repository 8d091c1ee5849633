package otel_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/otel"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

func TestOptionsRefused(t *testing.T) {
	for name, o := range map[string]otel.Options{
		"reserved attribute": {Attributes: []attribute.KeyValue{otel.NamespaceKey.String("x")}},
		"empty key":          {Attributes: []attribute.KeyValue{attribute.String("", "x")}},
		"NaN bucket":         {LoadBuckets: []float64{0.1, math.NaN()}},
		"negative bucket":    {OperationBuckets: []float64{-1}},
		"infinite bucket":    {LoadBuckets: []float64{math.Inf(1)}},
		"unsorted buckets":   {OperationBuckets: []float64{0.1, 0.2, 0.2}},
	} {
		if _, err := otel.New(&o); err == nil || !strings.HasPrefix(err.Error(), "cachetoolz: otel: ") {
			t.Errorf("%s: New = %v, want a cachetoolz: otel: error", name, err)
		}
	}
}

func TestDefaults(t *testing.T) {
	// Nil options take the global providers.
	if _, err := otel.New(nil); err != nil {
		t.Fatal(err)
	}
	// Buckets given are the histograms' boundaries.
	r := sdkmetric.NewManualReader()
	obs, err := otel.New(&otel.Options{MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(r)), NoSpans: true, LoadBuckets: []float64{1, 2}, OperationBuckets: []float64{}})
	if err != nil {
		t.Fatal(err)
	}
	c := cachetoolz.Must(cachetoolz.New(newFaulty(), &cachetoolz.Config{Logger: quiet, Observer: obs}))
	defer c.Close()
	get := cachetoolz.Must(cachetoolz.Wrap0(c, func(context.Context) (int, error) { return 1, nil }, nil))
	_, _ = get(bg)
	p := collect(t, r)
	if b := p.bounds["cachetoolz.load.duration"]; len(b) != 2 || b[0] != 1 || b[1] != 2 {
		t.Errorf("load buckets %v", b)
	}
	if b := p.bounds["cachetoolz.backend.duration"]; !slices.Equal(b, otel.DefaultOperationBuckets) {
		t.Errorf("backend buckets %v", b)
	}
}

func TestObserveOneCacheAtATime(t *testing.T) {
	obs, err := otel.New(&otel.Options{MeterProvider: sdkmetric.NewMeterProvider()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := obs.Observe(nil); err == nil {
		t.Fatal("Observe(nil) did not fail")
	}
	a := cachetoolz.Must(cachetoolz.New(nil, &cachetoolz.Config{Logger: quiet, Observer: obs}))
	b := cachetoolz.Must(cachetoolz.New(nil, nil))
	reg, err := obs.Observe(a)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := obs.Observe(b); !errors.Is(err, otel.ErrObserving) {
		t.Fatalf("Observe of a second cache = %v, want ErrObserving", err)
	}
	if err := reg.Unregister(); err != nil {
		t.Fatal(err)
	}
	reg, err = obs.Observe(b)
	if err != nil {
		t.Fatalf("Observe after Unregister: %v", err)
	}
	_ = reg.Unregister()
}
