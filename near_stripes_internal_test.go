package cachetoolz

import (
	"testing"

	"github.com/cachetoolz/cachetoolz/memory"
)

// TestNearStripeCount checks that a local tier has about two change
// counters per entry its bound allows, so that a change kills about half
// an entry besides its own whatever the tier's size, within the limits.
func TestNearStripeCount(t *testing.T) {
	for _, tc := range []struct {
		o    memory.Options
		want int
	}{
		{memory.Options{}, 262144}, // DefaultMaxEntries: 100,000
		{memory.Options{MaxEntries: 100}, minNearStripes},
		{memory.Options{MaxEntries: 16384}, 32768},
		{memory.Options{MaxEntries: 16385}, 65536},
		{memory.Options{MaxEntries: 1 << 30}, maxNearStripes},
		{memory.Options{MaxBytes: 64 << 20}, 1 << 20}, // 524,288 entries of 128 bytes
	} {
		if got := nearStripeCount(&tc.o); got != tc.want {
			t.Errorf("MaxEntries %d, MaxBytes %d: %d counters, want %d", tc.o.MaxEntries, tc.o.MaxBytes, got, tc.want)
		}
		if got := nearStripeCount(&tc.o); got&(got-1) != 0 {
			t.Errorf("%d counters: not a power of two", got)
		}
	}
}
