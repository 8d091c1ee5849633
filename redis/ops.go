package rediscache

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/cachetoolz/cachetoolz"
	"github.com/redis/rueidis"
)

// Get returns the entry under key in namespace if it carries the
// namespace's current generation, and that generation. It costs one MGET:
// one round trip, whatever the topology. In LayoutSeed it is one GET of
// namespace:key, and the generation is always the same.
func (b *Backend) Get(ctx context.Context, namespace, key string) ([]byte, uint64, error) {
	if b.s.layout == LayoutSeed {
		return b.seedGet(ctx, namespace, b.seedKeys.join(namespace, key))
	}
	if b.closed.Load() {
		return nil, 0, b.closedErr("get", namespace)
	}
	ctx, cancel := b.ctx(ctx)
	defer cancel()
	client, err := b.conn()
	if err != nil {
		return nil, 0, b.wrap("get", namespace, err)
	}
	genKey, entryKey := getKeys(b.s.prefix, namespace, key, b.shards())
	// Built as an arbitrary command so that the client never retries it (it
	// retries read-only commands until the context ends, which for a
	// context without a deadline could be forever) and sends it to the
	// primary, never a replica: a cache prefers a fast error to a wait.
	arr, err := client.Do(ctx, client.B().Arbitrary("MGET").Keys(genKey, entryKey).Build()).ToArray()
	for i := 0; i < staleRetries && err != nil && staleConn(err); i++ {
		arr, err = client.Do(ctx, client.B().Arbitrary("MGET").Keys(genKey, entryKey).Build()).ToArray()
	}
	if err != nil {
		return nil, 0, b.wrap("get", namespace, err)
	}
	return b.getReply(ctx, client, namespace, genKey, arr)
}

// getReply reads Get's answer from the reply to MGET of the generation key
// genKey and the entry key.
func (b *Backend) getReply(ctx context.Context, client rueidis.Client, namespace, genKey string, arr []rueidis.RedisMessage) ([]byte, uint64, error) {
	if len(arr) != 2 {
		return nil, 0, b.wrap("get", namespace, errShortReply)
	}
	genReply := arr[0]
	var err error
	if genReply.IsNil() {
		// No generation key (a new namespace, or Redis evicted it), or
		// one of another type (damaged): a miss, and the namespace gets
		// a generation now, one round trip more, so that the load that
		// follows can store.
		genReply, err = birthScript.Exec(ctx, client, []string{genKey}, nil).ToMessage()
		for i := 0; i < staleRetries && err != nil && staleConn(err); i++ {
			genReply, err = birthScript.Exec(ctx, client, []string{genKey}, nil).ToMessage()
		}
		if err != nil && !rueidis.IsRedisNil(err) {
			return nil, 0, b.wrap("get", namespace, err)
		}
		if err != nil || genReply.IsNil() {
			return nil, 0, cachetoolz.ErrNotFound // damaged: stores nothing until a Clear
		}
		if g, perr := genReply.ToString(); perr == nil {
			if gen, perr := strconv.ParseUint(g, 10, 64); perr == nil {
				return nil, gen, cachetoolz.ErrNotFound
			}
		}
		return nil, 0, cachetoolz.ErrNotFound
	}
	genStr, err := genReply.ToString()
	if err != nil {
		return nil, 0, b.wrap("get", namespace, err)
	}
	gen, err := strconv.ParseUint(genStr, 10, 64)
	if err != nil {
		// A damaged generation key: the namespace misses, and Set stores
		// nothing under it (its script checks the key itself) until a
		// Clear writes a valid generation. Not an error: the server works.
		return nil, 0, cachetoolz.ErrNotFound
	}
	if arr[1].IsNil() {
		return nil, gen, cachetoolz.ErrNotFound
	}
	entry, err := arr[1].ToString()
	if err != nil {
		return nil, 0, b.wrap("get", namespace, err)
	}
	// An entry is "<generation>:<value>"; one of an older generation is a
	// leftover of a clear, not yet reclaimed.
	if len(entry) <= len(genStr) || entry[len(genStr)] != ':' || !strings.HasPrefix(entry, genStr) {
		return nil, gen, cachetoolz.ErrNotFound
	}
	// The reply of Do (not of the client-side cache, whose replies are
	// shared) holds the client's own copy of the bytes read, which nothing
	// else holds: they are returned without another copy, as the client's
	// AsBytes does.
	value := entry[len(genStr)+1:]
	if value == "" {
		return []byte{}, gen, nil
	}
	return unsafe.Slice(unsafe.StringData(value), len(value)), gen, nil
}

// Set stores value under key in namespace for ttl (millisecond precision,
// enforced by Redis; ttl <= 0: never expires), provided gen is still the
// namespace's generation. A stale gen is not an error: the value is simply
// not stored. In LayoutSeed it is SET namespace:key value EX seconds (the
// ttl rounded up to whole seconds), and gen is ignored.
func (b *Backend) Set(ctx context.Context, namespace, key string, value []byte, ttl time.Duration, gen uint64) error {
	if b.closed.Load() {
		return b.closedErr("set", namespace)
	}
	ctx, cancel := b.ctx(ctx)
	defer cancel()
	if b.s.layout == LayoutSeed {
		return b.seedSet(ctx, namespace, key, value, ttl)
	}
	client, err := b.conn()
	if err != nil {
		return b.wrap("set", namespace, err)
	}
	k := b.keysOf(namespace, key)
	ms := int64(0)
	if ttl > 0 {
		ms = max(1, ttl.Milliseconds()) // a sub-millisecond ttl still expires
	}
	keys := []string{k.gen(), k.entry(key)}
	g := strconv.FormatUint(gen, 10)
	entry := make([]byte, 0, len(g)+1+len(value))
	entry = append(append(append(entry, g...), ':'), value...)
	args := []string{g, rueidis.BinaryString(entry), strconv.FormatInt(ms, 10), key,
		k.entryPrefix(), k.indexPrefix(), sampleDead}
	stored, err := setScript.Exec(ctx, client, keys, args).AsInt64()
	for i := 0; i < staleRetries && err != nil && staleConn(err); i++ { // the script is idempotent
		stored, err = setScript.Exec(ctx, client, keys, args).AsInt64()
	}
	if err != nil {
		return b.wrap("set", namespace, err)
	}
	if stored == 0 {
		b.refused(namespace)
	}
	return nil
}

// Clear moves each shard of each namespace to a new generation, which
// hides all its entries at once, and schedules the old entries for
// reclaiming in the background. Its cost does not depend on the size of
// any namespace: one short script per shard, sent together, one round trip
// to each master that holds a shard. It returns nil once every shard has
// moved on; after an error, some shards may have moved on and others not,
// and calling it again completes the clear.
// In LayoutSeed it deletes the keys that match namespace:* (glob
// characters of the namespace escaped) on every master, with SCAN and
// UNLINK in batches: it takes time in proportion to the size of the
// keyspace, and does not stop a load that began before it from storing.
func (b *Backend) Clear(ctx context.Context, namespaces ...string) error {
	if b.closed.Load() {
		return b.closedErr("clear", "")
	}
	ctx, cancel := b.ctx(ctx)
	defer cancel()
	if b.s.layout == LayoutSeed {
		return b.seedClear(ctx, namespaces)
	}
	client, err := b.conn()
	if err != nil {
		return b.wrap("clear", "", err)
	}
	err = b.clearShards(ctx, client, namespaces)
	for _, ns := range namespaces { // whether or not it failed: some shards may have moved on
		b.wroteOwn(ns, "", true)
	}
	return err
}
