package memstore

// Delete removes the entry under k in n, if there is one. It leaves n's
// generation alone.
func (s *Store) Delete(n *Namespace, k string) {
	if s.closed.Load() {
		return
	}
	ck := key{ns: n.id, key: k}
	if e, ok := s.cache.GetIfPresent(ck); ok {
		s.remove(ck, e)
	}
}

// DeleteByName is Delete for a namespace given by name.
func (s *Store) DeleteByName(name, k string) {
	if n := s.Lookup(name); n != nil {
		s.Delete(n, k)
	}
}
