package otel_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// describe formats a span: its name, kind, sorted attributes and status.
func describe(s sdktrace.ReadOnlySpan) string {
	var kv []string
	for _, a := range s.Attributes() {
		kv = append(kv, fmt.Sprintf("%s=%s", a.Key, a.Value.String()))
	}
	slices.Sort(kv)
	out := fmt.Sprintf("%s %s [%s]", s.Name(), s.SpanKind(), strings.Join(kv, " "))
	if st := s.Status(); st.Code != codes.Unset {
		out += fmt.Sprintf(" %s %q", st.Code, st.Description)
	}
	return out
}

func TestSpans(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(bg) })
	obs, err := otel.New(&otel.Options{
		TracerProvider: tp,
		MeterProvider:  sdkmetric.NewMeterProvider(),
		Attributes:     []attribute.KeyValue{attribute.String("cache", "main")},
	})
	if err != nil {
		t.Fatal(err)
	}
	backend := newFaulty()
	c := cachetoolz.Must(cachetoolz.New(backend, &cachetoolz.Config{Logger: quiet, Observer: obs}))
	t.Cleanup(func() { _ = c.Close() })
	var inLoad trace.SpanContext
	get := cachetoolz.Must(cachetoolz.Wrap1(c, func(ctx context.Context, id int) (int, error) {
		inLoad = trace.SpanContextFromContext(ctx)
		if id == 2 {
			return 0, errBoom
		}
		return id, nil
	}, &cachetoolz.Options{Namespace: "users", Name: "example.user"}))

	ctx, parent := tp.Tracer("test").Start(bg, "request")
	_, _ = get(ctx, 1)
	_, _ = get(ctx, 2)
	backend.failing.Store(true)
	_, _ = get(ctx, 3)
	_ = c.Clear(ctx, "typo")
	parent.End()

	const attrs = "cache=main cachetoolz.namespace=users"
	want := []string{
		"cachetoolz.get internal [" + attrs + " cachetoolz.operation=get cachetoolz.outcome=not_found]",
		"cachetoolz.get internal [" + attrs + " cachetoolz.operation=get cachetoolz.outcome=not_found]",
		"cachetoolz.load internal [" + attrs + " cachetoolz.outcome=ok code.function.name=example.user]",
		"cachetoolz.set internal [" + attrs + " cachetoolz.operation=set cachetoolz.outcome=ok]",
		"cachetoolz.get internal [" + attrs + " cachetoolz.operation=get cachetoolz.outcome=not_found]",
		"cachetoolz.get internal [" + attrs + " cachetoolz.operation=get cachetoolz.outcome=not_found]",
		"cachetoolz.load internal [" + attrs + " cachetoolz.outcome=error code.function.name=example.user error.type=*errors.errorString] Error \"boom\"",
		"cachetoolz.get internal [" + attrs + " cachetoolz.operation=get cachetoolz.outcome=error error.type=*errors.errorString] Error \"connection refused\"",
		"cachetoolz.load internal [" + attrs + " cachetoolz.outcome=ok code.function.name=example.user]",
		// Spans carry the name cleared, whatever it is.
		"cachetoolz.clear internal [cache=main cachetoolz.namespace=typo cachetoolz.operation=clear cachetoolz.outcome=ok]",
		"request internal []",
	}
	spans := rec.Ended()
	var got []string
	for _, s := range spans {
		got = append(got, describe(s))
		if s.Name() != "request" && s.Parent().SpanID() != parent.SpanContext().SpanID() {
			t.Errorf("span %s is not a child of the caller's span", s.Name())
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("spans:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The function runs under the load's span.
	if last := spans[8]; inLoad.SpanID() != last.SpanContext().SpanID() {
		t.Errorf("the function ran under span %v, want the load's %v", inLoad.SpanID(), last.SpanContext().SpanID())
	}
	// A failure is recorded as an exception event.
	if ev := spans[6].Events(); len(ev) != 1 || ev[0].Name != "exception" {
		t.Errorf("events of the failed load: %v", ev)
	}
}

func TestNoSpans(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	obs, err := otel.New(&otel.Options{TracerProvider: tp, MeterProvider: sdkmetric.NewMeterProvider(), NoSpans: true})
	if err != nil {
		t.Fatal(err)
	}
	c := cachetoolz.Must(cachetoolz.New(newFaulty(), &cachetoolz.Config{Logger: quiet, Observer: obs}))
	defer c.Close()
	get := cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, id int) (int, error) { return id, nil }, nil))
	_, _ = get(bg, 1)
	if n := len(rec.Ended()) + len(rec.Started()); n != 0 {
		t.Fatalf("%d spans with NoSpans", n)
	}
}
