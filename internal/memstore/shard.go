package memstore

// shardHash picks a key's shard from its length and its first and last eight
// bytes: cheaper than hashing the whole key, which the shard's map does
// anyway. Keys alike at both ends share a shard, which costs contention,
// never correctness.
func shardHash[S string | []byte](k S) uint64 {
	n := len(k)
	h := uint64(n) * 0x9E3779B97F4A7C15
	if n >= 8 {
		h ^= load64(k, 0)
		h = (h ^ load64(k, n-8)) * 0xBF58476D1CE4E5B9
	} else {
		for i := range n {
			h = (h ^ uint64(k[i])) * 0x100000001B3
		}
	}
	return h ^ h>>29
}

func load64[S string | []byte](k S, i int) uint64 {
	_ = k[i+7]
	return uint64(k[i]) | uint64(k[i+1])<<8 | uint64(k[i+2])<<16 | uint64(k[i+3])<<24 |
		uint64(k[i+4])<<32 | uint64(k[i+5])<<40 | uint64(k[i+6])<<48 | uint64(k[i+7])<<56
}
