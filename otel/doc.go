// Package otel publishes what a cachetoolz cache does as OpenTelemetry
// metrics and traces.
//
// An Observer is a cachetoolz.Observer. Put it in the cache's
// Config.Observer, then let it read the cache's Stats:
//
//	obs, err := otel.New(&otel.Options{MeterProvider: mp, TracerProvider: tp})
//	if err != nil { ... }
//	c, err := cachetoolz.New(backend, &cachetoolz.Config{Observer: obs})
//	if err != nil { ... }
//	reg, err := obs.Observe(c)
//	if err != nil { ... }
//	defer reg.Unregister()
//
// Nil options, or nil providers, use the global providers of
// go.opentelemetry.io/otel.
//
// # Metrics
//
// Every measurement carries the attribute cachetoolz.namespace (NamespaceKey),
// and Options.Attributes.
//
// Read from Stats when the meter provider collects, so that a hit costs
// nothing more with an Observer than without (Observe):
//
//	cachetoolz.hits          counter  {hit}      calls answered from the cache
//	cachetoolz.local_hits    counter  {hit}      of which from the local tier (cachetoolz.Config.Local)
//	cachetoolz.remote_hits   counter  {hit}      of which by a remote backend
//	cachetoolz.misses        counter  {miss}     calls that found nothing cached
//	cachetoolz.loads         counter  {load}     runs of wrapped functions
//	cachetoolz.errors        counter  {error}    backend and codec failures, keys that could not be made
//	cachetoolz.mismatches    counter  {entry}    cached entries that could not be served
//	cachetoolz.evictions     counter  {entry}    entries the memory store removed to make room
//	cachetoolz.stale         counter  {hit}      calls answered with a stale value (cachetoolz.Options.MaxStale)
//	cachetoolz.refreshes     counter  {load}     early refreshes started (cachetoolz.Options.EarlyRefresh)
//	cachetoolz.invalidations counter  {report}   reports of other processes' changes to the local tier
//	cachetoolz.breaker.open  gauge    {breaker}  1 while the namespace's breaker is open, else 0
//
// Measured on each event, with the attributes cachetoolz.outcome
// (OutcomeKey) and, for backend operations, cachetoolz.operation
// (OperationKey: get, set or clear):
//
//	cachetoolz.load.duration    histogram  s        runs of wrapped functions
//	cachetoolz.load.errors      counter    {error}  runs that ended in error, timeout or aborted
//	cachetoolz.backend.duration histogram  s        backend operations
//	cachetoolz.backend.errors   counter    {error}  operations that ended in error or timeout
//
// The outcomes are ok, not_found (a get that found nothing: an answer),
// error, timeout (the error matches context.DeadlineExceeded, or has a
// Timeout method that says so), canceled (whoever waited for the work left)
// and aborted (the function panicked or called runtime.Goexit). Neither
// not_found nor canceled counts as an error. A memory backend that keeps Go
// values does no backend operations; one that isolates callers does.
//
// The Prometheus exporter of OpenTelemetry shows these as, for example,
// cachetoolz_hits_total{cachetoolz_namespace="users"} and
// cachetoolz_load_duration_seconds_bucket.
//
// # Cardinality
//
// The number of series is bounded by code, never by request data:
// namespaces are chosen where functions are wrapped, operations and
// outcomes are fixed lists, and Options.Attributes are fixed for the
// Observer. The one way a name can come from elsewhere is Cache.Clear,
// which takes any name: a clear of a namespace that no wrapped function
// uses is measured under OtherNamespace ("_other"). Spans carry the name
// as given, since traces are not aggregated into series.
//
// # Traces
//
// Unless Options.NoSpans, every run of a wrapped function has a span
// "cachetoolz.load", and every backend operation a span "cachetoolz.get",
// "cachetoolz.set" or "cachetoolz.clear", all of kind internal, with the
// namespace, the operation, the outcome and, for loads, the function's
// identity as code.function.name. A failure sets the span's status to
// error, records the error, and sets error.type, following the general
// semantic conventions. The function and the backend run under the span's
// context, so that a driver's own instrumentation (which knows the
// database system and commands and sets the db.* attributes of the
// semantic conventions for database clients) nests its spans inside.
//
// # Several caches
//
// Use one Observer per cache, with Options.Attributes that tell the caches
// apart: Observe refuses a second cache while the first is observed, since
// their namespaces would make the same series.
package otel
