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
