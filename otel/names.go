package otel

import (
	"maps"
	"sync"
	"sync/atomic"
)

// OtherNamespace is the value of NamespaceKey in the measurements of clears
// of namespaces that no wrapped function uses. Cache.Clear takes any name,
// so an operator's typo, or a name built from request data, would otherwise
// make a new series in every instrument.
const OtherNamespace = "_other"

// names is the set of namespaces known to be used by wrapped functions: the
// names that may appear in measurements. It is read on every event without
// a lock, and copied when it grows, which it stops doing once every wrapped
// function has been seen.
type names struct {
	set atomic.Pointer[map[string]struct{}]
	mu  sync.Mutex // serializes growth
}

// has tells whether name is known.
func (n *names) has(name string) bool {
	m := n.set.Load()
	if m == nil {
		return false
	}
	_, ok := (*m)[name]
	return ok
}

// add makes name known.
func (n *names) add(name string) {
	if n.has(name) {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	old := n.set.Load()
	m := make(map[string]struct{}, 1)
	if old != nil {
		if _, ok := (*old)[name]; ok {
			return
		}
		m = maps.Clone(*old)
	}
	m[name] = struct{}{}
	n.set.Store(&m)
}
