package cachetoolz

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/cachetoolz/cachetoolz/memory"
)

// Inspector is implemented by backends that can describe what they hold, for
// operators' tools such as the cachetoolz command. It is optional: a Cache
// never needs it.
type Inspector interface {
	// Namespaces lists the namespaces that hold entries.
	Namespaces(ctx context.Context) ([]NamespaceInfo, error)

	// Entries lists up to limit entries of a namespace, starting at cursor
	// ("" for the first page), and returns the cursor of the next page, ""
	// after the last one. Pages may overlap or miss entries that change
	// while they are read.
	Entries(ctx context.Context, namespace, cursor string, limit int) (entries []EntryInfo, next string, err error)
}

// NamespaceInfo describes one namespace of a backend.
type NamespaceInfo struct {
	// Name is the namespace as callers give it.
	Name string
	// Entries is the number of entries, or -1 if the backend cannot tell
	// cheaply. Entries that have expired but are not yet reclaimed may be
	// counted.
	Entries int64
	// Bytes is the size of the stored values, or -1 if the backend cannot
	// tell.
	Bytes int64
}

// EntryInfo describes one entry.
type EntryInfo struct {
	// Key is the entry's key within its namespace.
	Key string
	// TTL is the time the entry has left, or NoExpiry.
	TTL time.Duration
	// Size is the size of the stored value in bytes, or -1 if unknown (a Go
	// value in the memory backend).
	Size int64
}

// NoExpiry is the TTL of an entry that never expires.
const NoExpiry time.Duration = -1

// InspectorOf returns b as an Inspector, if it can describe what it holds.
// The memory backend can, through an adapter, as can backends that
// implement Inspector themselves.
func InspectorOf(b Backend) (Inspector, bool) {
	switch b := b.(type) {
	case Inspector:
		return b, true
	case *memory.Backend:
		return memoryInspector{b}, true
	}
	return nil, false
}

type memoryInspector struct{ b *memory.Backend }

func (m memoryInspector) Namespaces(ctx context.Context) ([]NamespaceInfo, error) {
	counts, err := m.b.Namespaces(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]NamespaceInfo, 0, len(counts))
	for name, n := range counts {
		out = append(out, NamespaceInfo{Name: name, Entries: int64(n), Bytes: -1})
	}
	slices.SortFunc(out, func(a, b NamespaceInfo) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (m memoryInspector) Entries(ctx context.Context, namespace, cursor string, limit int) ([]EntryInfo, string, error) {
	entries, next, err := m.b.Entries(ctx, namespace, cursor, limit)
	if err != nil {
		return nil, "", err
	}
	out := make([]EntryInfo, len(entries))
	for i, e := range entries {
		out[i] = EntryInfo{Key: e.Key, TTL: e.TTL, Size: e.Size}
		if e.TTL < 0 {
			out[i].TTL = NoExpiry
		}
	}
	return out, next, nil
}
