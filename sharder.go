package cachetoolz

// Sharder is an optional interface of a [Backend] that splits each
// namespace into parts that can fail on their own, as the Redis backend's
// shards do on the masters of a Cluster. The cache then keeps a circuit
// breaker for each part (up to maxParts per namespace; parts beyond share
// them), so that a part that fails, because its server is down, sends its
// own keys to their functions uncached and leaves the other parts' hits
// alone.
type Sharder interface {
	// Shard returns the part of namespace that holds key: a number from 0
	// up, the same for the same key for as long as the backend is open. It
	// is called on every backend operation and must not block.
	Shard(namespace, key string) int
}

// maxParts bounds the breakers of one namespace.
const maxParts = 16

// breakerFor returns the breaker of the part of n that holds key.
func (n *namespace) breakerFor(key string) *breaker {
	if len(n.breakers) == 1 {
		return &n.breakers[0]
	}
	return n.partBreaker(key)
}

// partBreaker is breakerFor when n has a breaker per part. It is never
// inlined, so that breakerFor is.
//
//go:noinline
func (n *namespace) partBreaker(key string) *breaker {
	return &n.breakers[uint(n.sharder.Shard(n.name, key))%uint(len(n.breakers))]
}

// breakerOpen reports whether a breaker of n is open.
func (n *namespace) breakerOpen() bool {
	for i := range n.breakers {
		if n.breakers[i].open() {
			return true
		}
	}
	return false
}

// initBreakers gives n one breaker, or one per part (up to maxParts) when
// the cache's backend is a Sharder.
func (n *namespace) initBreakers(c *Cache) {
	parts := 1
	if s, ok := c.backend.(Sharder); ok {
		n.sharder, parts = s, maxParts
	}
	n.breakers = make([]breaker, parts)
	for i := range n.breakers {
		n.breakers[i].cfg = &c.breakers
	}
}
