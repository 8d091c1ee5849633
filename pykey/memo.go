package pykey

// memoTable maps the shared objects a pickle has written to their memo
// indexes. A key's pickle shares few objects (the function's module and
// name, one-character strings), so it scans a short list, and switches to
// a map only past memoListMax of them.
type memoTable struct {
	list []memoEntry
	m    map[string]int // set once the list has outgrown memoListMax
}

type memoEntry struct {
	s string
	i int
}

const memoListMax = 16

func (t *memoTable) get(s string) (int, bool) {
	if t.m != nil {
		i, ok := t.m[s]
		return i, ok
	}
	for _, e := range t.list {
		if e.s == s {
			return e.i, true
		}
	}
	return 0, false
}

func (t *memoTable) put(s string, i int) {
	if t.m != nil {
		t.m[s] = i
		return
	}
	if len(t.list) < memoListMax {
		t.list = append(t.list, memoEntry{s, i})
		return
	}
	t.m = make(map[string]int, 2*memoListMax)
	for _, e := range t.list {
		t.m[e.s] = e.i
	}
	t.m[s] = i
}

// reset empties t, keeping its list for the next pickle, and forgetting
// the strings it held.
func (t *memoTable) reset() {
	clear(t.list)
	t.list = t.list[:0]
	t.m = nil
}
