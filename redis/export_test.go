package rediscache

// GenerationKey returns the key that holds namespace's generation under
// prefix, for tests that damage it.
func GenerationKey(prefix, namespace string) string { return newKeys(prefix, namespace).gen() }
