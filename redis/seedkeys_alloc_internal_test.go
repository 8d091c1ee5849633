//go:build !race

package rediscache

import (
	"fmt"
	"testing"
)

// A key asked for again is joined with no allocation, and a key seen once
// costs its joined key's allocation alone: the table allocates only for
// keys that come back. (Built without the race detector, whose
// instrumentation allocates.)
func TestSeedKeysAllocations(t *testing.T) {
	m := new(seedKeys)
	key := fmt.Sprintf("%032x", 42)
	m.join("ns", key)
	m.join("ns", key)
	if a := testing.AllocsPerRun(100, func() { m.join("ns", key) }); a != 0 {
		t.Errorf("a remembered key allocates %v times, want 0", a)
	}
	fresh := make([]string, 201)
	for i := range fresh {
		fresh[i] = fmt.Sprintf("%032x", 1000+i)
	}
	i := 0
	a := testing.AllocsPerRun(200, func() {
		m.join("ns", fresh[i])
		i++
	})
	if a != 1 {
		t.Errorf("a key seen once allocates %v times, want 1 (its joined key)", a)
	}
}
