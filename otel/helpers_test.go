package otel_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/memory"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

var bg = context.Background()

// quiet is the logger of the tests' caches: backend trouble is expected.
var quiet = slog.New(slog.DiscardHandler)

// faultyBackend wraps a memory backend that isolates callers (so that the
// cache does backend operations) and fails Gets and Sets on demand: a
// stand-in for a remote server that is down.
type faultyBackend struct {
	cachetoolz.Backend
	failing atomic.Bool
}

var errDown = errors.New("connection refused")

func newFaulty() *faultyBackend {
	return &faultyBackend{Backend: memory.Must(memory.New(&memory.Options{Isolate: true}))}
}

func (f *faultyBackend) Get(ctx context.Context, ns, key string) ([]byte, uint64, error) {
	if f.failing.Load() {
		return nil, 0, errDown
	}
	return f.Backend.Get(ctx, ns, key)
}

func (f *faultyBackend) Set(ctx context.Context, ns, key string, v []byte, ttl time.Duration, gen uint64) error {
	if f.failing.Load() {
		return errDown
	}
	return f.Backend.Set(ctx, ns, key, v, ttl, gen)
}

// collect reads every data point of the reader, keyed by instrument name
// and attributes as name{key=value,...}; a histogram gives name:count and
// name:sum, and its boundaries under name:bounds.
type points struct {
	values map[string]float64
	bounds map[string][]float64
	units  map[string]string
	kinds  map[string]string
}

func collect(t *testing.T, r *sdkmetric.ManualReader) points {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.Collect(bg, &rm); err != nil {
		t.Fatal(err)
	}
	p := points{values: map[string]float64{}, bounds: map[string][]float64{}, units: map[string]string{}, kinds: map[string]string{}}
	put := func(key string, v float64) {
		if _, dup := p.values[key]; dup {
			t.Fatalf("two data points for %s", key)
		}
		p.values[key] = v
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			p.units[m.Name] = m.Unit
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				if !d.IsMonotonic || d.Temporality != metricdata.CumulativeTemporality {
					t.Fatalf("%s is not a cumulative counter", m.Name)
				}
				p.kinds[m.Name] = "counter"
				for _, dp := range d.DataPoints {
					put(series(m.Name, dp.Attributes), float64(dp.Value))
				}
			case metricdata.Gauge[int64]:
				p.kinds[m.Name] = "gauge"
				for _, dp := range d.DataPoints {
					put(series(m.Name, dp.Attributes), float64(dp.Value))
				}
			case metricdata.Histogram[float64]:
				p.kinds[m.Name] = "histogram"
				for _, dp := range d.DataPoints {
					s := series(m.Name, dp.Attributes)
					put(strings.Replace(s, "{", ":count{", 1), float64(dp.Count))
					if dp.Sum < 0 {
						t.Fatalf("%s has a negative sum %v", s, dp.Sum)
					}
					p.bounds[m.Name] = dp.Bounds
				}
			default:
				t.Fatalf("%s has data of type %T", m.Name, m.Data)
			}
		}
	}
	return p
}

// series formats a data point's name and attributes.
func series(name string, attrs attribute.Set) string {
	var kv []string
	for _, a := range attrs.ToSlice() {
		kv = append(kv, fmt.Sprintf("%s=%s", a.Key, a.Value.String()))
	}
	sort.Strings(kv)
	return name + "{" + strings.Join(kv, ",") + "}"
}

// diff describes how got differs from want, or returns "".
func diff(got, want map[string]float64) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if g, ok := got[k]; !ok {
			fmt.Fprintf(&b, "missing %s = %v\n", k, want[k])
		} else if g != want[k] {
			fmt.Fprintf(&b, "%s = %v, want %v\n", k, g, want[k])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[k]; !ok {
			fmt.Fprintf(&b, "unexpected %s = %v\n", k, got[k])
		}
	}
	return b.String()
}
