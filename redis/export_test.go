package rediscache

import "strconv"

// GenerationKey returns the key that holds namespace's generation under
// prefix, for tests that damage it.
func GenerationKey(prefix, namespace string) string { return newKeys(prefix, namespace, 0).gen() }

// LockKey returns the key of the load lock of key in namespace under gen,
// for tests that expire or damage it.
func LockKey(prefix, namespace string, gen uint64, key string) string {
	return newKeys(prefix, namespace, 0).lock(strconv.FormatUint(gen, 10), key)
}

// ClusterShards is the number of shards of a namespace on a Cluster when
// Options.Shards is zero.
const ClusterShards = clusterShards

// EntryKey returns the key of the entry under key in namespace, for a
// backend with shards shards.
func EntryKey(prefix, namespace, key string, shards int) string {
	return newKeys(prefix, namespace, shardOf(key, shards)).entry(key)
}

// ShardGenerationKeys returns the generation keys of every shard of
// namespace, shard 0 first.
func ShardGenerationKeys(prefix, namespace string, shards int) []string {
	out := make([]string, shards)
	for i := range out {
		out[i] = newKeys(prefix, namespace, i).gen()
	}
	return out
}

// Shards returns the number of shards of every namespace of b.
func (b *Backend) Shards() int { return b.shards() }

// SeedPart is the part that Shard gives namespace:key in LayoutSeed on a
// Cluster.
func SeedPart(joined string) int { return int(keySlot(joined)) * seedParts >> 14 }
