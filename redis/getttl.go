package rediscache

import (
	"context"
	"errors"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/redis/rueidis"
)

var _ cachetoolz.TTLGetter = (*Backend)(nil)

// GetTTL is Get, and also returns the entry's remaining time to live, read
// in the same round trip: MGET of the generation and the entry, and PTTL of
// the entry, sent together (in LayoutSeed, GET and PTTL). A ttl of zero
// means that the entry never expires. Should the entry change between the
// two commands, a tracking backend (see Track) reports it. An entry with
// less than a millisecond left reports one.
func (b *Backend) GetTTL(ctx context.Context, namespace, key string) ([]byte, uint64, time.Duration, error) {
	if b.closed.Load() {
		return nil, 0, 0, b.closedErr("get", namespace)
	}
	ctx, cancel := b.ctx(ctx)
	defer cancel()
	client, err := b.conn()
	if err != nil {
		return nil, 0, 0, b.wrap("get", namespace, err)
	}
	var genKey, entryKey string
	var read rueidis.Completed
	if b.s.layout == LayoutSeed {
		entryKey = b.seedKeys.join(namespace, key)
		read = client.B().Arbitrary("GET").Keys(entryKey).Build()
	} else {
		genKey, entryKey = getKeys(b.s.prefix, namespace, key, b.shards())
		read = client.B().Arbitrary("MGET").Keys(genKey, entryKey).Build()
	}
	// Arbitrary commands, as in Get: never retried by the client, never
	// sent to a replica. Pinned, since a retry sends them again.
	read = read.Pin()
	pttl := client.B().Arbitrary("PTTL").Keys(entryKey).Build().Pin()
	res := client.DoMulti(ctx, read, pttl)
	for i := 0; i < staleRetries && (staleConn(res[0].Error()) || staleConn(res[1].Error())); i++ {
		res = client.DoMulti(ctx, read, pttl)
	}
	ms, err := res[1].AsInt64()
	if err != nil {
		return nil, 0, 0, b.wrap("get", namespace, err)
	}
	var value []byte
	var gen uint64
	if b.s.layout == LayoutSeed {
		gen = seedGeneration
		value, err = res[0].AsBytes()
		if rueidis.IsRedisNil(err) {
			err = cachetoolz.ErrNotFound
		} else if err != nil {
			return nil, 0, 0, b.wrap("get", namespace, err)
		}
	} else {
		arr, aerr := res[0].ToArray()
		if aerr != nil {
			return nil, 0, 0, b.wrap("get", namespace, aerr)
		}
		value, gen, err = b.getReply(ctx, client, namespace, genKey, arr)
	}
	switch {
	case err != nil && !errors.Is(err, cachetoolz.ErrNotFound):
		return nil, 0, 0, err // wrapped by getReply
	case err != nil || ms == -2: // missing, or gone between the two commands
		return nil, gen, 0, cachetoolz.ErrNotFound
	case ms < 0: // -1: no time to live
		return value, gen, 0, nil
	}
	// Less than a millisecond left reads as 0, which would mean none.
	return value, gen, time.Duration(max(ms, 1)) * time.Millisecond, nil
}
