package rediscache_test

import (
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz/internal/testserver"
)

// BenchmarkRemoteRead compares a hit read from Redis by Get, by GetTTL (the
// read of a cache with a local tier, which asks for the time to live too),
// and by GetTTL on a tracking backend (whose client reads each connection
// from a goroutine of its own), serially.
func BenchmarkRemoteRead(b *testing.B) {
	url := testserver.Redis(b).URL()
	plain := newBackend(b, url, nil)
	tracked, _ := trackedBackend(b, url, nil)
	_, gen, _ := plain.Get(bg, "ns", "k")
	if err := plain.Set(bg, "ns", "k", make([]byte, 100), time.Hour, gen); err != nil {
		b.Fatal(err)
	}
	b.Run("Get", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := plain.Get(bg, "ns", "k"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GetTTL", func(b *testing.B) {
		for b.Loop() {
			if _, _, _, err := plain.GetTTL(bg, "ns", "k"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GetTTLTracked", func(b *testing.B) {
		for b.Loop() {
			if _, _, _, err := tracked.GetTTL(bg, "ns", "k"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
