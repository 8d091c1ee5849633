package mongocache

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// inspectAll reads every page of ns with pages of limit entries.
func inspectAll(t testing.TB, b *Backend, ns string, limit int) []cachetoolz.EntryInfo {
	t.Helper()
	var all []cachetoolz.EntryInfo
	cursor := ""
	for range 1000 {
		page, next, err := b.Entries(context.Background(), ns, cursor, limit)
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

func TestInspectorNamespaces(t *testing.T) {
	b := newTestBackend(t, nil)
	ctx := context.Background()
	long := strings.Repeat("long namespace ", 10) // hashed collection name
	names := []string{"", "plain", "a.b$c", "ctl\x00\x7f", "üñí", "\xff", "_5f", long}
	var want []cachetoolz.NamespaceInfo
	for i, ns := range names {
		bytes := int64(0)
		for j := range i + 1 {
			v := fmt.Sprint("value-", j)
			put(t, b, ns, fmt.Sprint("key", j), v)
			bytes += int64(len(v))
		}
		// Even the long one, whose collection is named by a hash.
		want = append(want, cachetoolz.NamespaceInfo{Name: ns, Entries: int64(i + 1), Bytes: bytes})
	}
	slices.SortFunc(want, func(a, b cachetoolz.NamespaceInfo) int { return strings.Compare(a.Name, b.Name) })

	// Documents that are not live: uncommitted, of another generation,
	// expired. None is counted.
	coll := b.Database().Collection(CollectionName("plain"))
	g := readGeneration(ctx, coll)
	if g.err != nil || g.state != genOK {
		t.Fatalf("generation %+v", g)
	}
	gen := g.gen
	for _, doc := range []bson.D{
		{{Key: "_id", Value: "kuncommitted"}, {Key: fieldValue, Value: bson.Binary{Data: []byte("x")}}, {Key: fieldGen, Value: int64(gen)}, {Key: fieldWrite, Value: int64(7)}},
		{{Key: "_id", Value: "kstale"}, {Key: fieldValue, Value: bson.Binary{Data: []byte("x")}}, {Key: fieldGen, Value: int64(gen + 1)}, {Key: fieldWrite, Value: int64(7)}, {Key: fieldCommit, Value: int64(7)}},
		{{Key: "_id", Value: "kexpired"}, {Key: fieldValue, Value: bson.Binary{Data: []byte("x")}}, {Key: fieldGen, Value: int64(gen)}, {Key: fieldWrite, Value: int64(7)}, {Key: fieldCommit, Value: int64(7)},
			{Key: fieldExpires, Value: bson.NewDateTimeFromTime(time.Now().Add(-time.Minute))}},
	} {
		if _, err := coll.InsertOne(ctx, doc); err != nil {
			t.Fatal(err)
		}
	}
	// A collection that is not the backend's, and a namespace cleared.
	if err := b.Database().CreateCollection(ctx, "someone_else"); err != nil {
		t.Fatal(err)
	}
	put(t, b, "cleared", "k", "v")
	if err := b.Clear(ctx, "cleared"); err != nil {
		t.Fatal(err)
	}

	got, err := b.Namespaces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("Namespaces:\n got %q\nwant %q", got, want)
	}
}

func TestInspectorEntries(t *testing.T) {
	b := newTestBackend(t, nil)
	ctx := context.Background()
	const ns = "entries"
	keys := []string{"a", "b\x00c", "d e", "\xff", "g"}
	for i, k := range keys {
		ttl := time.Duration(0)
		if i%2 == 1 {
			ttl = time.Hour
		}
		putTTL(t, b, ns, k, strings.Repeat("v", i+1), ttl)
	}
	for _, limit := range []int{1, 2, 3, 100} {
		var gotKeys []string
		for _, e := range inspectAll(t, b, ns, limit) {
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
		wantKeys := slices.Sorted(slices.Values(keys))
		if !slices.Equal(gotKeys, wantKeys) {
			t.Errorf("limit %d: keys %q, want %q", limit, gotKeys, wantKeys)
		}
	}
	if page, next, err := b.Entries(ctx, "nothing-here", "", 10); err != nil || len(page) != 0 || next != "" {
		t.Errorf("unknown namespace: %v, %q, %v", page, next, err)
	}
}

func TestInspectorClosed(t *testing.T) {
	b := newTestBackend(t, nil)
	_ = b.Close()
	if _, err := b.Namespaces(context.Background()); !errors.Is(err, cachetoolz.ErrClosed) {
		t.Errorf("Namespaces after Close: %v", err)
	}
	if _, _, err := b.Entries(context.Background(), "x", "", 1); !errors.Is(err, cachetoolz.ErrClosed) {
		t.Errorf("Entries after Close: %v", err)
	}
}

func FuzzNamespaceOf(f *testing.F) {
	for _, s := range []string{"", "a.b", "_", "\x00\xff", strings.Repeat("x", 200)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ns string) {
		coll := CollectionName(ns)
		got, ok := namespaceOf(coll)
		if !ok {
			t.Fatalf("namespaceOf(%q) not recognised", coll)
		}
		if strings.HasPrefix(coll, "c_") && got != ns {
			t.Fatalf("namespaceOf(CollectionName(%q)) = %q", ns, got)
		}
		// Whatever decodes must be what CollectionName writes.
		if back, ok := namespaceOf(ns); ok && strings.HasPrefix(ns, "c_") && CollectionName(back) != ns {
			t.Fatalf("namespaceOf accepted %q, written as %q", ns, CollectionName(back))
		}
	})
}
