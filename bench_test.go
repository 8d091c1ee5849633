package cachetoolz_test

import (
	"context"
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/remotetest"
	"github.com/cachetoolz/cachetoolz/memory"
)

// benchGet wraps a loader of users on a memory backend.
func benchGet(b *testing.B, opts *memory.Options) func(context.Context, int) (user, error) {
	return benchWrap(b, memory.Must(memory.New(opts)), nil)
}

// benchWrap wraps a loader of users on backend, with cfg.
func benchWrap(b *testing.B, backend cachetoolz.Backend, cfg *cachetoolz.Config) func(context.Context, int) (user, error) {
	c := cachetoolz.Must(cachetoolz.New(backend, cfg))
	b.Cleanup(func() { _ = c.Close() })
	return cachetoolz.Must(cachetoolz.Wrap1(c, func(ctx context.Context, id int) (user, error) {
		return user{ID: id, Name: "name", Tags: []string{"a", "b"}}, nil
	}, &cachetoolz.Options{Name: "bench.get"}))
}

// BenchmarkHit reads 1,024 cached keys; the memory backend, and the local
// tier of a remote one (here a stand-in of one, which the hits never
// reach), must not allocate.
func BenchmarkHit(b *testing.B) {
	for _, bc := range []struct {
		name string
		get  func(b *testing.B) func(context.Context, int) (user, error)
	}{
		{"values", func(b *testing.B) func(context.Context, int) (user, error) { return benchGet(b, nil) }},
		{"isolate", func(b *testing.B) func(context.Context, int) (user, error) {
			return benchGet(b, &memory.Options{Isolate: true})
		}},
		{"local", func(b *testing.B) func(context.Context, int) (user, error) {
			return benchWrap(b, remotetest.NewServer(nil).Client(), &cachetoolz.Config{Local: &memory.Options{}})
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			get := bc.get(b)
			ctx := context.Background()
			for i := range 1024 {
				_, _ = get(ctx, i)
			}
			b.ResetTimer() // the loads above allocate
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					if u, err := get(ctx, i&1023); err != nil || u.ID != i&1023 {
						b.Error("wrong result")
						return
					}
					i++
				}
			})
		})
	}
}

// BenchmarkMiss asks for a new key on every call: "stay" with a context
// that cannot end (the load runs in the caller's goroutine), "leave" with
// one that can (the load runs in a goroutine of its own, which the caller
// waits for in select with its context).
func BenchmarkMiss(b *testing.B) {
	cancellable, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, bc := range []struct {
		name string
		ctx  context.Context
	}{{"stay", context.Background()}, {"leave", cancellable}} {
		b.Run(bc.name, func(b *testing.B) {
			get := benchGet(b, &memory.Options{MaxEntries: 1 << 16})
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := get(bc.ctx, i); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
