package cachetoolz_test

import (
	"context"
	"hash/crc32"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/memory"
)

// partsBackend splits each namespace into two parts and fails every
// operation on part 1, as a Redis Cluster does with the shards of a
// master that is down.
type partsBackend struct {
	cachetoolz.Backend
	mu      sync.Mutex
	healthy map[string]bool // keys of part 0 seen
}

func (p *partsBackend) Shard(_, key string) int { return int(crc32.ChecksumIEEE([]byte(key)) % 2) }

func (p *partsBackend) Get(ctx context.Context, ns, key string) ([]byte, uint64, error) {
	if p.Shard(ns, key) == 1 {
		return nil, 0, errDown
	}
	p.mu.Lock()
	p.healthy[key] = true
	p.mu.Unlock()
	return p.Backend.Get(ctx, ns, key)
}

func (p *partsBackend) Set(ctx context.Context, ns, key string, v []byte, ttl time.Duration, gen uint64) error {
	if p.Shard(ns, key) == 1 {
		return errDown
	}
	return p.Backend.Set(ctx, ns, key, v, ttl, gen)
}

var _ cachetoolz.Sharder = (*partsBackend)(nil)

// TestSharderKeepsHealthyPartsHits: with a backend that is a Sharder, the
// failures of one part of a namespace open that part's breaker only; the
// keys of the other part keep every hit.
func TestSharderKeepsHealthyPartsHits(t *testing.T) {
	p := &partsBackend{Backend: memory.Must(memory.New(&memory.Options{Isolate: true})), healthy: map[string]bool{}}
	c, err := cachetoolz.New(p, &cachetoolz.Config{FailureThreshold: 3, Cooldown: time.Hour, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	get := cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, id int) (int, error) { return id, nil },
		&cachetoolz.Options{Namespace: "parts"}))
	const ids = 100
	round := func() uint64 {
		before := c.Stats()["parts"].Hits
		for i := range ids {
			if v, err := get(bg, i); err != nil || v != i {
				t.Fatal(v, err)
			}
		}
		return c.Stats()["parts"].Hits - before
	}
	round()
	hits := round()
	p.mu.Lock()
	healthy := len(p.healthy)
	p.mu.Unlock()
	if healthy == 0 || healthy == ids {
		t.Fatalf("%d of %d keys in the healthy part: the test needs both parts", healthy, ids)
	}
	if hits != uint64(healthy) {
		t.Fatalf("%d hits of %d calls, want one for each of the %d keys of the healthy part", hits, ids, healthy)
	}
	if !c.Stats()["parts"].BreakerOpen {
		t.Error("Stats: no breaker open, want the failing part's")
	}
}
