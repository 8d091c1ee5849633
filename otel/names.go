package otel

import (
	"maps"
	"sync"
	"sync/atomic"

	"github.com/cachetoolz/cachetoolz"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// OtherNamespace is the value of NamespaceKey in the measurements of clears
// of namespaces that no wrapped function uses. Cache.Clear takes any name,
// so an operator's typo, or a name built from request data, would otherwise
// make a new series in every instrument.
const OtherNamespace = "_other"

// event is a kind of event: a load, or a kind of backend operation.
type event int

const (
	eventLoad event = iota
	eventGet
	eventSet
	eventClear
	numEvents
)

// eventOf returns the event of a kind of backend operation, and false for
// a kind this package does not know.
func eventOf(kind cachetoolz.OpKind) (event, bool) {
	switch kind {
	case cachetoolz.OpGet:
		return eventGet, true
	case cachetoolz.OpSet:
		return eventSet, true
	case cachetoolz.OpClear:
		return eventClear, true
	}
	return 0, false
}

// series holds the attributes of one namespace's measurements, made once
// so that an event allocates none.
type series struct {
	observe []metric.ObserveOption
	events  [numEvents][numOutcomes]eventOpts
}

// eventOpts are the options of one event's measurements.
type eventOpts struct {
	record []metric.RecordOption
	add    []metric.AddOption
}

// makeEventOpts returns the options of measurements with attributes kv.
func makeEventOpts(kv ...attribute.KeyValue) eventOpts {
	opt := metric.WithAttributeSet(attribute.NewSet(kv...))
	return eventOpts{record: []metric.RecordOption{opt}, add: []metric.AddOption{opt}}
}

// opAttrs returns the attributes of an event: extra, the namespace, the
// operation unless kind is empty, and the outcome.
func opAttrs(extra []attribute.KeyValue, namespace string, kind cachetoolz.OpKind, out outcome) []attribute.KeyValue {
	kv := append(make([]attribute.KeyValue, 0, len(extra)+3), extra...)
	kv = append(kv, NamespaceKey.String(namespace))
	if kind != "" {
		kv = append(kv, OperationKey.String(string(kind)))
	}
	return append(kv, OutcomeKey.String(out.String()))
}

// newSeries makes the attributes of namespace's measurements.
func newSeries(extra []attribute.KeyValue, namespace string) *series {
	s := &series{}
	nsKV := append(append(make([]attribute.KeyValue, 0, len(extra)+1), extra...), NamespaceKey.String(namespace))
	s.observe = []metric.ObserveOption{metric.WithAttributeSet(attribute.NewSet(nsKV...))}
	kinds := [numEvents]cachetoolz.OpKind{eventLoad: "", eventGet: cachetoolz.OpGet, eventSet: cachetoolz.OpSet, eventClear: cachetoolz.OpClear}
	for ev, kind := range kinds {
		for out := range numOutcomes {
			s.events[ev][out] = makeEventOpts(opAttrs(extra, namespace, kind, out)...)
		}
	}
	return s
}

// namespaces are the namespaces known to be used by wrapped functions, the
// names that may appear in measurements, with their attributes. It is read
// on every event without a lock, and copied when it grows, which it stops
// doing once every wrapped function has been seen.
type namespaces struct {
	extra []attribute.KeyValue
	m     atomic.Pointer[map[string]*series]
	mu    sync.Mutex // serializes growth
}

// get returns the series of namespace, or nil if it is not known.
func (n *namespaces) get(namespace string) *series {
	m := n.m.Load()
	if m == nil {
		return nil
	}
	return (*m)[namespace]
}

// add makes namespace known and returns its series.
func (n *namespaces) add(namespace string) *series {
	if s := n.get(namespace); s != nil {
		return s
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	old := n.m.Load()
	m := make(map[string]*series, 1)
	if old != nil {
		if s := (*old)[namespace]; s != nil {
			return s
		}
		m = maps.Clone(*old)
	}
	s := newSeries(n.extra, namespace)
	m[namespace] = s
	n.m.Store(&m)
	return s
}
