package rediscache

import (
	"context"

	"strings"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/redis/rueidis"
)

// seedGeneration is the generation that Get reports in the seed layout,
// which keeps none: every namespace always has this one.
const seedGeneration = 1

// seedMaxEX bounds the EX of a Set in the seed layout: Redis refuses an
// expiry whose milliseconds overflow, and this is 35,000 years.
const seedMaxEX = 1 << 40

// seedKey is the key of an entry in the seed layout: namespace + ":" + key,
// as the Python library writes it. (A Builder spares the concatenation's
// generic work and the zeroing of its buffer: about 80 instructions of a
// hit.)
func seedKey(namespace, key string) string {
	var sb strings.Builder
	sb.Grow(len(namespace) + 1 + len(key))
	sb.WriteString(namespace)
	sb.WriteByte(':')
	sb.WriteString(key)
	return sb.String()
}

// JoinKey returns, in the seed layout, the one key of the entry of
// namespace and key, namespace:key, when be is b itself; it reports false
// in the default layout, whose keys change with the namespace's
// generation, and for any other be, such as a type that embeds b to change
// its Get. It implements [cachetoolz.KeyJoiner].
func (b *Backend) JoinKey(be cachetoolz.Backend, namespace, key string) (string, bool) {
	if b.s.layout != LayoutSeed || be != cachetoolz.Backend(b) {
		return "", false
	}
	return seedKey(namespace, key), true
}

// GetJoined is Get of the entry of namespace and key, given joined, what
// JoinKey returned for them. It implements [cachetoolz.KeyJoiner].
func (b *Backend) GetJoined(ctx context.Context, namespace, key, joined string) ([]byte, uint64, error) {
	if joined == "" || b.s.layout != LayoutSeed {
		return b.Get(ctx, namespace, key)
	}
	return b.seedGet(ctx, namespace, joined)
}

// seedGet is Get in the seed layout: one GET of k, namespace:key.
func (b *Backend) seedGet(ctx context.Context, namespace, k string) ([]byte, uint64, error) {
	if b.closed.Load() {
		return nil, 0, b.closedErr("get", namespace)
	}
	ctx, cancel := b.ctx(ctx)
	defer cancel()
	client, err := b.conn()
	if err != nil {
		return nil, 0, b.wrap("get", namespace, err)
	}
	// An arbitrary command, as in Get: never retried by the client, never
	// sent to a replica.
	cmd := func() rueidis.Completed { return client.B().Arbitrary("GET").Keys(k).Build() }
	v, err := client.Do(ctx, cmd()).AsBytes()
	for i := 0; i < staleRetries && err != nil && staleConn(err); i++ {
		v, err = client.Do(ctx, cmd()).AsBytes()
	}
	if err != nil {
		if rueidis.IsRedisNil(err) {
			return nil, seedGeneration, cachetoolz.ErrNotFound
		}
		return nil, 0, b.wrap("get", namespace, err)
	}
	return v, seedGeneration, nil
}

// seedSet is Set in the seed layout: SET with EX, whatever gen is. A ttl
// is rounded up to whole seconds; none means no expiry.
func (b *Backend) seedSet(ctx context.Context, namespace, key string, value []byte, ttl time.Duration) error {
	client, err := b.conn()
	if err != nil {
		return b.wrap("set", namespace, err)
	}
	k := b.seedKeys.join(namespace, key)
	build := func() rueidis.Completed {
		set := client.B().Set().Key(k).Value(rueidis.BinaryString(value))
		if ttl <= 0 {
			return set.Build()
		}
		sec := min(int64((ttl+time.Second-1)/time.Second), seedMaxEX)
		return set.ExSeconds(sec).Build()
	}
	err = client.Do(ctx, build()).Error()
	for i := 0; i < staleRetries && err != nil && staleConn(err); i++ { // a SET may be repeated
		err = client.Do(ctx, build()).Error()
	}
	if err != nil {
		return b.wrap("set", namespace, err)
	}
	return nil
}

// seedDelete is Delete in the seed layout: the entry is the one key
// namespace:key.
func (b *Backend) seedDelete(ctx context.Context, client rueidis.Client, namespace, key string) error {
	cmd := func() rueidis.Completed { return client.B().Unlink().Key(b.seedKeys.join(namespace, key)).Build() }
	err := client.Do(ctx, cmd()).Error()
	for i := 0; i < staleRetries && err != nil && staleConn(err); i++ { // unlinking twice removes no more
		err = client.Do(ctx, cmd()).Error()
	}
	if err != nil {
		return b.wrap("delete", namespace, err)
	}
	return nil
}

// seedClear is Clear in the seed layout: on every master, SCAN for the
// keys matching the namespace's pattern and UNLINK what each step finds,
// so that Redis is never busy with more than one batch at a time.
func (b *Backend) seedClear(ctx context.Context, namespaces []string) error {
	client, err := b.conn()
	if err != nil {
		return b.wrap("clear", "", err)
	}
	masters, err := b.masters(ctx, client)
	if err != nil {
		return b.wrap("clear", "", err)
	}
	for _, ns := range namespaces {
		pattern := seedPattern(ns)
		for _, node := range masters {
			if err := b.seedClearNode(ctx, client, node, pattern); err != nil {
				return b.wrap("clear", ns, err)
			}
		}
	}
	return nil
}

// seedBatch is the COUNT of one SCAN step of a clear in the seed layout,
// and so about the number of keys one UNLINK step removes.
const seedBatch = 512

func (b *Backend) seedClearNode(ctx context.Context, client, node rueidis.Client, pattern string) error {
	cluster := client.Mode() == rueidis.ClientModeCluster
	var cursor uint64
	for {
		e, err := node.Do(ctx, node.B().Scan().Cursor(cursor).Match(pattern).Count(seedBatch).Build()).AsScanEntry()
		if err != nil {
			return err
		}
		if len(e.Elements) > 0 {
			if err := unlink(ctx, client, cluster, e.Elements); err != nil {
				return err
			}
		}
		if e.Cursor == 0 {
			return nil
		}
		cursor = e.Cursor
	}
}

// unlink removes keys: with one UNLINK, or in a Cluster, where the keys of
// one node may lie in several slots, with one UNLINK per key, pipelined
// and each sent to its slot's master.
func unlink(ctx context.Context, client rueidis.Client, cluster bool, keys []string) error {
	if !cluster {
		return client.Do(ctx, client.B().Unlink().Key(keys...).Build()).Error()
	}
	cmds := make(rueidis.Commands, len(keys))
	for i, k := range keys {
		cmds[i] = client.B().Unlink().Key(k).Build()
	}
	for _, r := range client.DoMulti(ctx, cmds...) {
		if err := r.Error(); err != nil {
			return err
		}
	}
	return nil
}

// masters returns the clients of the nodes that hold keys: every master of
// a Cluster (its replicas hold copies of the same keys), or the one server.
func (b *Backend) masters(ctx context.Context, client rueidis.Client) ([]rueidis.Client, error) {
	nodes := client.Nodes()
	if client.Mode() != rueidis.ClientModeCluster {
		out := make([]rueidis.Client, 0, len(nodes))
		for _, n := range nodes {
			out = append(out, n)
		}
		return out, nil
	}
	out := make([]rueidis.Client, 0, len(nodes))
	for _, n := range nodes {
		role, err := n.Do(ctx, n.B().Role().Build()).ToArray()
		if err != nil {
			return nil, err
		}
		if len(role) > 0 {
			if r, err := role[0].ToString(); err == nil && r == "master" {
				out = append(out, n)
			}
		}
	}
	return out, nil
}

// seedPattern is the SCAN pattern of a namespace's keys in the seed layout:
// the namespace with its glob characters escaped, then ":*". (The Python
// library does not escape them: its clear of "user*" also removes the
// entries of "users", and of every other namespace that the pattern
// matches.)
func seedPattern(namespace string) string {
	var sb strings.Builder
	sb.Grow(len(namespace) + 4)
	sb.WriteString(globEscape(namespace))
	sb.WriteString(":*")
	return sb.String()
}
