package rediscache

import (
	"context"

	"github.com/redis/rueidis"
)

// deleteScript removes an entry, and its member of the index of the
// namespace's current generation, so that the index keeps only live
// entries' keys. An entry of an older generation (a leftover of a clear)
// is removed all the same; its old index is the reclaimer's. A damaged
// generation key or index is left alone.
//
// KEYS: generation, entry.
// ARGV: key (index member), index key prefix.
var deleteScript = rueidis.NewLuaScript(`
redis.call('DEL', KEYS[2])
local raw = redis.pcall('GET', KEYS[1])
if type(raw) ~= 'string' then return 0 end
local idx = ARGV[2] .. raw
if redis.call('TYPE', idx)['ok'] == 'zset' then redis.call('ZREM', idx, ARGV[1]) end
return 1
`)

// Delete removes the entry under key in namespace, if there is one; see
// cachetoolz.Deleter. The namespace's generation does not change. It costs
// one script call: one round trip, whatever the topology (every key it
// touches is in the slot of the key's shard). In LayoutSeed it is one
// UNLINK of namespace:key.
func (b *Backend) Delete(ctx context.Context, namespace, key string) error {
	if b.closed.Load() {
		return b.closedErr("delete", namespace)
	}
	ctx, cancel := b.ctx(ctx)
	defer cancel()
	client, err := b.conn()
	if err != nil {
		return b.wrap("delete", namespace, err)
	}
	if b.s.layout == LayoutSeed {
		return b.seedDelete(ctx, client, namespace, key)
	}
	k := b.keysOf(namespace, key)
	keys := []string{k.gen(), k.entry(key)}
	args := []string{key, k.indexPrefix()}
	err = deleteScript.Exec(ctx, client, keys, args).Error()
	for i := 0; i < staleRetries && err != nil && staleConn(err); i++ { // deleting twice removes no more
		err = deleteScript.Exec(ctx, client, keys, args).Error()
	}
	b.wroteOwn(namespace, key, false) // a Delete that failed may have deleted
	if err != nil {
		return b.wrap("delete", namespace, err)
	}
	return nil
}
