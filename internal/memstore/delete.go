package memstore

// Delete removes the entry under k in n, if there is one. It leaves n's
// generation alone.
func (s *Store) Delete(n *Namespace, k string) {
	if s.closed.Load() {
		return
	}
	// The entry under k's digest may be another key's: only k's own is
	// removed.
	d := s.digest(n.id, k)
	if e, ok := s.cache.GetIfPresent(d); ok && e.ns == n && e.key == k {
		s.remove(e)
	}
	s.tier.takeKey(n, k, d)
}

// DeleteByName is Delete for a namespace given by name.
func (s *Store) DeleteByName(name, k string) {
	if n := s.Lookup(name); n != nil {
		s.Delete(n, k)
	}
}
