package memstore

// EntryInfo describes one live entry.
type EntryInfo struct {
	Key     string
	Value   any
	Expires int64 // Unix nanoseconds; 0: never
}

// Namespaces returns the names of the namespaces that hold entries, with
// their entry counts.
func (s *Store) Namespaces() map[string]int {
	s.mu.Lock()
	all := make([]*Namespace, 0, len(s.names))
	for _, n := range s.names {
		all = append(all, n)
	}
	s.mu.Unlock()
	out := map[string]int{}
	for _, n := range all {
		if c := n.Len(); c > 0 {
			out[n.name] = c
		}
	}
	return out
}

// Entries returns the live entries of the namespace called name.
func (s *Store) Entries(name string) []EntryInfo {
	n := s.Lookup(name)
	if n == nil {
		return nil
	}
	now := s.clock.NowNano()
	gen := n.gen.Load()
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []EntryInfo
	for e := n.head; e != nil; e = e.next {
		if e.gen == gen && (e.expires == 0 || now < e.expires) {
			out = append(out, EntryInfo{Key: e.key, Value: e.value, Expires: e.expires})
		}
	}
	return out
}
