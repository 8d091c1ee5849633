package rediscache_test

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
)

// inspectPut stores key=value in ns the way the cache does: Get for the
// generation, then Set.
func inspectPut(t testing.TB, b *rediscache.Backend, ns, key, value string, ttl time.Duration) {
	t.Helper()
	_, gen, err := b.Get(bg, ns, key)
	if err != nil && !errors.Is(err, cachetoolz.ErrNotFound) {
		t.Fatal(err)
	}
	if err := b.Set(bg, ns, key, []byte(value), ttl, gen); err != nil {
		t.Fatal(err)
	}
}

// allEntries reads every page of ns with pages of limit entries.
func allEntries(t testing.TB, b *rediscache.Backend, ns string, limit int) []cachetoolz.EntryInfo {
	t.Helper()
	var all []cachetoolz.EntryInfo
	cursor := ""
	for range 1000 {
		page, next, err := b.Entries(bg, ns, cursor, limit)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > limit {
			t.Fatalf("page of %d entries, limit %d", len(page), limit)
		}
		all = append(all, page...)
		if next == "" {
			return all
		}
		cursor = next
	}
	t.Fatal("Entries never ended")
	return nil
}

// hostileNamespaces are names that exercise the escaping of the key layout.
var hostileNamespaces = []string{"", "plain", "a{b}c", "glob*?[x]", "pct%41", "back\\slash", "ctl\x00\x01\x7f", "üñí", "\xff\xfe", "%"}

func TestInspectorNamespaces(t *testing.T) {
	srv := testserver.Redis(t)
	b := newBackend(t, srv.URL(), &rediscache.Options{Prefix: "insp*{x}:"})
	other := newBackend(t, srv.URL(), &rediscache.Options{Prefix: "insp:"})
	inspectPut(t, other, "someone-else", "k", "v", 0) // another prefix: not listed

	var want []cachetoolz.NamespaceInfo
	for i, ns := range hostileNamespaces {
		for j := range i + 1 {
			inspectPut(t, b, ns, fmt.Sprint("key", j), "value-"+fmt.Sprint(j), 0)
		}
		bytes := int64(0)
		for j := range i + 1 {
			bytes += int64(len("value-" + fmt.Sprint(j)))
		}
		want = append(want, cachetoolz.NamespaceInfo{Name: ns, Entries: int64(i + 1), Bytes: bytes})
	}
	// A cleared namespace holds no entries of its generation: not listed.
	inspectPut(t, b, "cleared", "k", "v", 0)
	if err := b.Clear(bg, "cleared"); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(want, func(a, b cachetoolz.NamespaceInfo) int {
		return cmpString(a.Name, b.Name)
	})

	got, err := b.Namespaces(bg)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("Namespaces:\n got %q\nwant %q", got, want)
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestInspectorEntries(t *testing.T) {
	srv := testserver.Redis(t)
	b := newBackend(t, srv.URL(), nil)
	const ns = "entries{x}"
	keys := []string{"a", "b\x00c", "d e", "\xff"}
	for i, k := range keys {
		ttl := time.Duration(0)
		if i%2 == 1 {
			ttl = time.Hour
		}
		inspectPut(t, b, ns, k, fmt.Sprintf("%0*d", i+1, 0), ttl)
	}
	inspectPut(t, b, ns, "gone", "x", time.Millisecond)
	// The 1 ms entry stays indexed after it expires; it must not be listed.
	eventually(t, time.Second, "the 1 ms entry expires", func() bool {
		n, err := srv.Do(bg, "EXISTS", "cachetoolz:{entries%7Bx%7D}:k:gone")
		return err == nil && n == int64(0)
	})

	for _, limit := range []int{1, 2, 3, 100} {
		all := allEntries(t, b, ns, limit)
		var gotKeys []string
		for _, e := range all {
			gotKeys = append(gotKeys, e.Key)
			i := slices.Index(keys, e.Key)
			if i < 0 {
				t.Fatalf("limit %d: unexpected entry %q", limit, e.Key)
			}
			if e.Size != int64(i+1) {
				t.Errorf("limit %d: %q size %d, want %d", limit, e.Key, e.Size, i+1)
			}
			if i%2 == 0 && e.TTL != cachetoolz.NoExpiry {
				t.Errorf("limit %d: %q TTL %v, want NoExpiry", limit, e.Key, e.TTL)
			}
			if i%2 == 1 && (e.TTL <= 59*time.Minute || e.TTL > time.Hour) {
				t.Errorf("limit %d: %q TTL %v, want about an hour", limit, e.Key, e.TTL)
			}
		}
		slices.Sort(gotKeys)
		wantKeys := slices.Clone(keys)
		slices.Sort(wantKeys)
		if !slices.Equal(gotKeys, wantKeys) {
			t.Errorf("limit %d: keys %q, want %q", limit, gotKeys, wantKeys)
		}
	}

	// Entries of an unknown namespace: none, no error.
	if page, next, err := b.Entries(bg, "nothing-here", "", 10); err != nil || len(page) != 0 || next != "" {
		t.Errorf("unknown namespace: %v, %q, %v", page, next, err)
	}
	// A clear between pages ends the listing.
	_, next, err := b.Entries(bg, ns, "", 1)
	if err != nil || next == "" {
		t.Fatalf("first page: next %q, %v", next, err)
	}
	if err := b.Clear(bg, ns); err != nil {
		t.Fatal(err)
	}
	if page, next, err := b.Entries(bg, ns, next, 1); err != nil || len(page) != 0 || next != "" {
		t.Errorf("after a clear: %v, %q, %v", page, next, err)
	}
	if _, _, err := b.Entries(bg, ns, "bad cursor", 1); err == nil {
		t.Error("malformed cursor: no error")
	}
}

func TestInspectorPending(t *testing.T) {
	srv := testserver.Redis(t)
	b := newBackend(t, srv.URL(), nil)
	const ns = "pending"
	for i := range 50 {
		inspectPut(t, b, ns, fmt.Sprint(i), "v", 0)
	}
	if n, err := b.Pending(bg, ns); err != nil || n != 0 {
		t.Fatalf("Pending before a clear = %d, %v; want 0", n, err)
	}
	// What a clear leaves when its process stops before the reclaim (see
	// the key layout): a later generation, the old one pending.
	cur, err := srv.Do(bg, "GET", "cachetoolz:{pending}:g")
	if err != nil {
		t.Fatal(err)
	}
	gen, err := strconv.ParseUint(fmt.Sprint(cur), 10, 64)
	if err != nil {
		t.Fatalf("generation %v: %v", cur, err)
	}
	for _, cmd := range [][]string{{"SET", "cachetoolz:{pending}:g", fmt.Sprint(gen + 5)}, {"SADD", "cachetoolz:{pending}:p", fmt.Sprint(gen)}} {
		if _, err := srv.Do(bg, cmd...); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := b.Pending(bg, ns); err != nil || n != 50 {
		t.Fatalf("Pending after a clear = %d, %v; want 50", n, err)
	}
	if got, err := b.Namespaces(bg); err != nil || len(got) != 0 {
		t.Errorf("Namespaces after a clear = %v, %v; want none", got, err)
	}
	if err := b.Reclaim(bg, ns); err != nil {
		t.Fatal(err)
	}
	if n, err := b.Pending(bg, ns); err != nil || n != 0 {
		t.Fatalf("Pending after Reclaim = %d, %v; want 0", n, err)
	}
}

func TestInspectorCluster(t *testing.T) {
	c := testserver.NewRedisCluster(t)
	b := newBackend(t, clusterURL(c), &rediscache.Options{Prefix: "inspc:"})
	var want []string
	for i := range 30 {
		ns := fmt.Sprint("ns-", i)
		want = append(want, ns)
		inspectPut(t, b, ns, "k", "vv", 0)
	}
	slices.Sort(want)
	got, err := b.Namespaces(bg)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, info := range got {
		names = append(names, info.Name)
		if info.Entries != 1 || info.Bytes != 2 {
			t.Errorf("%q: %d entries, %d bytes; want 1, 2", info.Name, info.Entries, info.Bytes)
		}
	}
	if !slices.Equal(names, want) {
		t.Errorf("Namespaces on a cluster: %q, want %q", names, want)
	}
}

func TestInspectorClosed(t *testing.T) {
	srv := testserver.Redis(t)
	b := newBackend(t, srv.URL(), nil)
	_ = b.Close()
	if _, err := b.Namespaces(bg); !errors.Is(err, cachetoolz.ErrClosed) {
		t.Errorf("Namespaces after Close: %v", err)
	}
	if _, _, err := b.Entries(bg, "x", "", 1); !errors.Is(err, cachetoolz.ErrClosed) {
		t.Errorf("Entries after Close: %v", err)
	}
	if _, err := b.Pending(bg, "x"); !errors.Is(err, cachetoolz.ErrClosed) {
		t.Errorf("Pending after Close: %v", err)
	}
}
