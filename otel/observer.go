package otel

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of the Observer's meter and
// tracer: this package's import path.
const ScopeName = "github.com/cachetoolz/cachetoolz/otel"

// The attribute keys the Observer sets.
const (
	// NamespaceKey is the cache namespace of every measurement and span;
	// OtherNamespace in measurements of clears of namespaces that no
	// wrapped function uses.
	NamespaceKey = attribute.Key("cachetoolz.namespace")
	// OperationKey is the backend operation: "get", "set" or "clear".
	OperationKey = attribute.Key("cachetoolz.operation")
	// OutcomeKey is how a load or a backend operation ended: "ok",
	// "not_found" (a get that found nothing), "error", "timeout",
	// "canceled" (whoever waited for it left) or "aborted" (the function
	// panicked or called runtime.Goexit).
	OutcomeKey = attribute.Key("cachetoolz.outcome")
)

// Observer turns what a cache does into OpenTelemetry measurements and
// spans. It is a cachetoolz.Observer: put it in the cache's
// Config.Observer, then call Observe with the cache to publish its Stats.
// Use one Observer per cache.
type Observer struct {
	tracer trace.Tracer // nil with Options.NoSpans
	meter  metric.Meter
	extra  []attribute.KeyValue

	loadDuration    metric.Float64Histogram
	loadErrors      metric.Int64Counter
	backendDuration metric.Float64Histogram
	backendErrors   metric.Int64Counter

	counters []statCounter
	breaker  metric.Int64ObservableGauge

	names namespaces

	mu    sync.Mutex
	cache *cachetoolz.Cache // the observed cache, if any
}

var _ cachetoolz.Observer = (*Observer)(nil)

// New returns an Observer that makes its instruments with the options'
// meter provider and its spans with their tracer provider.
func New(opts *Options) (*Observer, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	mp, tp := o.MeterProvider, o.TracerProvider
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	obs := &Observer{meter: mp.Meter(ScopeName), extra: o.Attributes}
	obs.names.extra = o.Attributes
	if !o.NoSpans {
		obs.tracer = tp.Tracer(ScopeName)
	}
	if err := obs.makeInstruments(o); err != nil {
		return nil, fmt.Errorf("cachetoolz: otel: %w", err)
	}
	return obs, nil
}

// makeInstruments makes the instruments that events feed, and those that
// Observe's callback feeds.
func (o *Observer) makeInstruments(opts Options) error {
	m := o.meter
	var err error
	if o.loadDuration, err = m.Float64Histogram("cachetoolz.load.duration",
		metric.WithUnit("s"),
		metric.WithDescription("Duration of runs of wrapped functions."),
		metric.WithExplicitBucketBoundaries(opts.LoadBuckets...)); err != nil {
		return err
	}
	if o.loadErrors, err = m.Int64Counter("cachetoolz.load.errors",
		metric.WithUnit("{error}"),
		metric.WithDescription("Runs of wrapped functions that failed, ran out of time or panicked.")); err != nil {
		return err
	}
	if o.backendDuration, err = m.Float64Histogram("cachetoolz.backend.duration",
		metric.WithUnit("s"),
		metric.WithDescription("Duration of backend operations."),
		metric.WithExplicitBucketBoundaries(opts.OperationBuckets...)); err != nil {
		return err
	}
	if o.backendErrors, err = m.Int64Counter("cachetoolz.backend.errors",
		metric.WithUnit("{error}"),
		metric.WithDescription("Backend operations that failed or ran out of time.")); err != nil {
		return err
	}
	return o.makeObservables()
}

// StartLoad implements cachetoolz.Observer: it starts a span, if spans are
// on, and measures the run.
func (o *Observer) StartLoad(ctx context.Context, l cachetoolz.Load) (context.Context, func(error)) {
	ns := o.names.add(l.Namespace)
	var span trace.Span
	if o.tracer != nil {
		ctx, span = o.tracer.Start(ctx, "cachetoolz.load",
			trace.WithSpanKind(trace.SpanKindInternal),
			trace.WithAttributes(o.spanAttrs(NamespaceKey.String(l.Namespace), semconv.CodeFunctionName(l.Function))...))
	}
	start := time.Now()
	return ctx, func(err error) {
		out := classify(err)
		opts := &ns.events[eventLoad][out]
		o.loadDuration.Record(ctx, time.Since(start).Seconds(), opts.record...)
		if out.failed() {
			o.loadErrors.Add(ctx, 1, opts.add...)
		}
		if span != nil {
			endSpan(span, out, err)
		}
	}
}

// StartOp implements cachetoolz.Observer: it starts a span, if spans are
// on, and measures the operation.
func (o *Observer) StartOp(ctx context.Context, op cachetoolz.Op) (context.Context, func(error)) {
	var ns *series
	if op.Kind == cachetoolz.OpClear {
		ns = o.label(op.Namespace)
	} else {
		ns = o.names.add(op.Namespace)
	}
	ev, known := eventOf(op.Kind)
	var span trace.Span
	if o.tracer != nil {
		ctx, span = o.tracer.Start(ctx, spanName(op.Kind),
			trace.WithSpanKind(trace.SpanKindInternal),
			trace.WithAttributes(o.spanAttrs(NamespaceKey.String(op.Namespace), OperationKey.String(string(op.Kind)))...))
	}
	start := time.Now()
	return ctx, func(err error) {
		out := classify(err)
		var opts eventOpts
		if known {
			opts = ns.events[ev][out]
		} else {
			opts = makeEventOpts(opAttrs(o.extra, op.Namespace, op.Kind, out)...)
		}
		o.backendDuration.Record(ctx, time.Since(start).Seconds(), opts.record...)
		if out.failed() {
			o.backendErrors.Add(ctx, 1, opts.add...)
		}
		if span != nil {
			endSpan(span, out, err)
		}
	}
}

// label returns the series of a clear of namespace: the namespace's if a
// wrapped function uses it, OtherNamespace's if not.
func (o *Observer) label(namespace string) *series {
	if s := o.names.get(namespace); s != nil {
		return s
	}
	// A namespace wrapped but not used yet is in the observed cache's
	// Stats. Reading them costs a walk over the namespaces; clears are
	// rare, and come from operators or from code.
	o.mu.Lock()
	c := o.cache
	o.mu.Unlock()
	if c != nil {
		o.learn(c.Stats())
		if s := o.names.get(namespace); s != nil {
			return s
		}
	}
	return o.names.add(OtherNamespace)
}

// learn makes the namespaces of stats known.
func (o *Observer) learn(stats map[string]cachetoolz.Stats) {
	for name := range stats {
		o.names.add(name)
	}
}

// spanName returns the name of the span of a backend operation.
func spanName(kind cachetoolz.OpKind) string {
	switch kind {
	case cachetoolz.OpGet:
		return "cachetoolz.get"
	case cachetoolz.OpSet:
		return "cachetoolz.set"
	case cachetoolz.OpClear:
		return "cachetoolz.clear"
	}
	return "cachetoolz." + string(kind)
}

// spanAttrs returns the attributes a span starts with.
func (o *Observer) spanAttrs(kv ...attribute.KeyValue) []attribute.KeyValue {
	if len(o.extra) == 0 {
		return kv
	}
	return append(append(make([]attribute.KeyValue, 0, len(o.extra)+len(kv)), o.extra...), kv...)
}

// endSpan ends span with the outcome: a failure sets the error status and
// error.type, following the general semantic conventions.
func endSpan(span trace.Span, out outcome, err error) {
	span.SetAttributes(OutcomeKey.String(out.String()))
	if out.failed() {
		span.SetAttributes(errorType(out, err))
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}

// errorType returns the error.type attribute of a failure: the outcome when
// it says more than the error's Go type.
func errorType(out outcome, err error) attribute.KeyValue {
	switch out {
	case outcomeTimeout, outcomeAborted:
		return semconv.ErrorTypeKey.String(out.String())
	}
	return semconv.ErrorType(err)
}
