package memstore

import "testing"

// TestSetDuringCloseKeepsNothing checks that a store racing with Close
// leaves nothing behind: a closed store hears of no change any more (a
// local tier's backend stops reporting when it closes), so an entry that
// reached it after Close emptied it would be served for ever.
func TestSetDuringCloseKeepsNothing(t *testing.T) {
	weighing := make(chan struct{})
	release := make(chan struct{})
	s := newStore(t, Config{MaxBytes: 1 << 20, Weigher: func(key string, _ any) int64 {
		if key == "racing" {
			close(weighing) // past Set's test of closed, before the entry is in the cache
			<-release
		}
		return 1
	}})
	n := s.Namespace("n")
	stored := make(chan struct{})
	go func() {
		defer close(stored)
		s.SetUntil(n, "racing", "v", 0, n.Generation())
	}()
	<-weighing
	s.Close()
	close(release)
	<-stored
	if v, _, ok := n.GetString("racing"); ok {
		t.Fatalf("a closed store serves %v, stored while it closed", v)
	}
}
