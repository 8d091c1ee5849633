package cachetoolz_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/memory"
)

func TestInspectMemory(t *testing.T) {
	b := memory.Must(memory.New(nil))
	defer b.Close()
	ins, ok := cachetoolz.InspectorOf(b)
	if !ok {
		t.Fatal("the memory backend has no Inspector")
	}
	ctx := context.Background()
	for i := range 25 {
		ttl := time.Duration(0)
		if i%2 == 0 {
			ttl = time.Hour
		}
		if err := b.Set(ctx, "ns:a", fmt.Sprintf("k%02d", i), []byte("abc"), ttl, 0); err != nil {
			t.Fatal(err)
		}
	}
	_ = b.Set(ctx, "other", "x", nil, 0, 0)
	nss, err := ins.Namespaces(ctx)
	if err != nil || len(nss) != 2 || nss[0].Name != "ns:a" || nss[0].Entries != 25 || nss[1].Entries != 1 {
		t.Fatalf("Namespaces = %+v, %v", nss, err)
	}
	var keys []string
	cursor := ""
	for pages := 0; ; pages++ {
		page, next, err := ins.Entries(ctx, "ns:a", cursor, 10)
		if err != nil || pages > 3 {
			t.Fatal(err, pages)
		}
		for _, e := range page {
			keys = append(keys, e.Key)
			if e.Size != 3 || (e.Key == "k00" && (e.TTL <= 0 || e.TTL > time.Hour)) || (e.Key == "k01" && e.TTL != cachetoolz.NoExpiry) {
				t.Fatalf("entry %+v", e)
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if len(keys) != 25 || keys[0] != "k00" || keys[24] != "k24" {
		t.Fatalf("paged through %d keys: %v", len(keys), keys)
	}
}
