package memstore

import (
	"container/heap"
	"time"
)

// link adds e to the eviction ring and, if it expires, to the expiry heap.
func (s *Store) link(e *entry) {
	if n := len(s.free); n > 0 {
		e.slot = s.free[n-1]
		s.free = s.free[:n-1]
		s.ring[e.slot] = e
	} else {
		e.slot = int32(len(s.ring))
		s.ring = append(s.ring, e)
	}
	s.count++
	if e.expires != 0 {
		heap.Push(&s.expiry, e)
	}
}

// unlink removes e from the ring and the heap (not from its shard).
func (s *Store) unlink(e *entry) {
	if s.ring[e.slot] != e {
		return
	}
	s.ring[e.slot] = nil
	s.free = append(s.free, e.slot)
	s.count--
	if e.heapIdx >= 0 {
		heap.Remove(&s.expiry, int(e.heapIdx))
	}
}

// evictOne removes one entry, choosing by CLOCK: entries read since the
// hand last passed get a second chance. Expired entries go first.
func (s *Store) evictOne() {
	if len(s.expiry) > 0 && s.expired(s.expiry[0], s.now().UnixNano()) {
		e := s.expiry[0]
		e.ns.remove(e)
		s.unlink(e)
		return
	}
	for range 2*len(s.ring) + 1 {
		if s.hand >= len(s.ring) {
			s.hand = 0
		}
		e := s.ring[s.hand]
		s.hand++
		if e == nil {
			continue
		}
		if e.ref.Load() {
			e.ref.Store(false)
			continue
		}
		e.ns.remove(e)
		s.unlink(e)
		return
	}
}

// Reclaim removes every expired entry now and returns how many it removed.
func (s *Store) Reclaim() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0
	}
	now := s.now().UnixNano()
	n := 0
	for len(s.expiry) > 0 && s.expired(s.expiry[0], now) {
		e := s.expiry[0]
		e.ns.remove(e)
		s.unlink(e)
		n++
	}
	return n
}

func (s *Store) reclaimLoop(interval time.Duration) {
	defer close(s.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.Reclaim()
		}
	}
}

// expiryHeap orders entries by expiry time, soonest first.
type expiryHeap []*entry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].expires < h[j].expires }
func (h expiryHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].heapIdx = int32(i)
	h[j].heapIdx = int32(j)
}
func (h *expiryHeap) Push(x any) {
	e, ok := x.(*entry)
	if !ok {
		return
	}
	e.heapIdx = int32(len(*h))
	*h = append(*h, e)
}
func (h *expiryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	e.heapIdx = -1
	return e
}
