package memory

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cachetoolz/cachetoolz/internal/memstore"
)

// The memory backend cannot import package cachetoolz (which uses it as its
// default), so it describes itself with these types, which mirror
// cachetoolz.NamespaceInfo and cachetoolz.EntryInfo; use Inspector to get a
// cachetoolz.Inspector.

// Namespaces returns each namespace that holds entries with its entry count.
func (b *Backend) Namespaces(ctx context.Context) (map[string]int, error) {
	if err := b.check(ctx); err != nil {
		return nil, err
	}
	return b.store.Namespaces(), nil
}

// Entry describes one live entry of a namespace.
type Entry struct {
	Key string
	// TTL is the time left, or -1 if the entry never expires.
	TTL time.Duration
	// Size is the length of a byte value, or -1 for a Go value.
	Size int64
}

// Entries returns up to limit live entries of namespace in key order,
// starting after the key cursor ("" for the first page), and the cursor of
// the next page ("" after the last).
func (b *Backend) Entries(ctx context.Context, namespace, cursor string, limit int) ([]Entry, string, error) {
	if err := b.check(ctx); err != nil {
		return nil, "", err
	}
	if limit <= 0 {
		limit = 100
	}
	all := b.store.Entries(namespace)
	sort.Slice(all, func(i, j int) bool { return all[i].Key < all[j].Key })
	start := 0
	if cursor != "" {
		start, _ = slices.BinarySearchFunc(all, cursor, func(e memstore.EntryInfo, k string) int {
			if c := strings.Compare(e.Key, k); c != 0 {
				return c
			}
			return -1 // start after the cursor itself
		})
	}
	now := b.store.Now()
	var out []Entry
	for _, e := range all[start:] {
		if len(out) == limit {
			return out, out[len(out)-1].Key, nil
		}
		ent := Entry{Key: e.Key, TTL: -1, Size: -1}
		if e.Expires != 0 {
			ent.TTL = time.Unix(0, e.Expires).Sub(now)
		}
		if data, ok := e.Value.([]byte); ok {
			ent.Size = int64(len(data))
		}
		out = append(out, ent)
	}
	return out, "", nil
}
