package otel

import (
	"fmt"
	"math"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// Options configures an Observer. A nil *Options, and every zero field,
// takes the documented default.
type Options struct {
	// MeterProvider provides the meter of the instruments. Default: the
	// global one, from go.opentelemetry.io/otel.GetMeterProvider.
	MeterProvider metric.MeterProvider

	// TracerProvider provides the tracer of the spans. Default: the global
	// one, from go.opentelemetry.io/otel.GetTracerProvider.
	TracerProvider trace.TracerProvider

	// NoSpans turns spans off: the Observer only records metrics. Default:
	// false, a span around every load and backend operation.
	NoSpans bool

	// Attributes are added to every measurement and span: an attribute
	// naming the cache, say, when a program has several. Their keys must
	// be valid and must not be one of the keys the Observer sets itself
	// (NamespaceKey, OperationKey, OutcomeKey). Their values must come
	// from code or configuration, never from request data. Default: none.
	Attributes []attribute.KeyValue

	// LoadBuckets are the bucket boundaries, in seconds, of the
	// cachetoolz.load.duration histogram: increasing, finite and not
	// negative. Default (nil or empty): DefaultLoadBuckets.
	LoadBuckets []float64

	// OperationBuckets are the bucket boundaries, in seconds, of the
	// cachetoolz.backend.duration histogram: increasing, finite and not
	// negative. Default (nil or empty): DefaultOperationBuckets.
	OperationBuckets []float64
}

// DefaultLoadBuckets are the default bucket boundaries, in seconds, of the
// load duration histogram: wrapped functions take from a millisecond to a
// minute (DefaultLoadTimeout of the core).
var DefaultLoadBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

// DefaultOperationBuckets are the default bucket boundaries, in seconds, of
// the backend operation duration histogram: a backend answers in a fraction
// of a millisecond to a few, and the core gives up after its Timeout (250ms
// by default).
var DefaultOperationBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1}

// reserved are the attribute keys the Observer sets itself.
var reserved = map[attribute.Key]bool{NamespaceKey: true, OperationKey: true, OutcomeKey: true}

func (o *Options) withDefaults() (Options, error) {
	var w Options
	if o != nil {
		w = *o
	}
	for _, kv := range w.Attributes {
		switch {
		case !kv.Valid():
			return w, fmt.Errorf("cachetoolz: otel: Attributes: %q is not a valid attribute", kv.Key)
		case reserved[kv.Key]:
			return w, fmt.Errorf("cachetoolz: otel: Attributes: key %q is set by the Observer itself", kv.Key)
		}
	}
	if err := checkBuckets("LoadBuckets", w.LoadBuckets); err != nil {
		return w, err
	}
	if err := checkBuckets("OperationBuckets", w.OperationBuckets); err != nil {
		return w, err
	}
	if len(w.LoadBuckets) == 0 {
		w.LoadBuckets = DefaultLoadBuckets
	}
	if len(w.OperationBuckets) == 0 {
		w.OperationBuckets = DefaultOperationBuckets
	}
	w.Attributes = append([]attribute.KeyValue(nil), w.Attributes...)
	return w, nil
}

// checkBuckets tells whether b are usable bucket boundaries.
func checkBuckets(field string, b []float64) error {
	for i, v := range b {
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0) || v < 0:
			return fmt.Errorf("cachetoolz: otel: %s[%d] is %v, must be finite and not negative", field, i, v)
		case i > 0 && v <= b[i-1]:
			return fmt.Errorf("cachetoolz: otel: %s[%d] is %v, must be greater than the boundary before it (%v)", field, i, v, b[i-1])
		}
	}
	return nil
}
