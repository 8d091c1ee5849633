package memstore

import "reflect"

// EntryOverhead is the fixed part of EstimateSize: what the store spends on
// any entry besides its key and value (its bookkeeping, the cache's node
// and its share of the hash table), as measured on the heap of a store
// bounded by bytes (TestEntryOverheadMatchesTheHeap).
const EntryOverhead = 208

// EstimateSize is the weight of an entry when a byte bound is set and no
// weigher is: EntryOverhead, plus the key's length, plus the value's size.
// A value's size is the length of a []byte or string, and otherwise the size
// of the value itself (reflect's Type.Size: a struct's fields, a slice's or
// map's header), not of what it points to.
func EstimateSize(key string, value any) int64 {
	size := int64(EntryOverhead + len(key))
	switch v := value.(type) {
	case nil:
	case []byte:
		size += int64(len(v))
	case string:
		size += int64(len(v))
	default:
		size += int64(reflect.TypeOf(v).Size())
	}
	return size
}
