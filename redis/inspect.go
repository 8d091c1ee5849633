package rediscache

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/redis/rueidis"
)

// The backend describes what it holds to operators' tools such as the
// cachetoolz command; the cache itself never calls these methods.
var _ cachetoolz.Inspector = (*Backend)(nil)

// inspectBatch is how many keys one pipelined round trip of the inspector
// examines.
const inspectBatch = 512

// Namespaces lists the namespaces whose current generation holds live
// entries, with their number and the size of their values (without the
// generation header), sorted by name.
//
// Redis keeps no list of namespaces, so this walks the keyspace of every
// node with SCAN, matching only the index keys of the backend's prefix
// (one small sorted set per namespace and generation, never the entries):
// an O(keyspace) walk in small steps that is meant for operators' listings
// and is never used by the cache. Counting and sizing then reads each
// namespace's current index and entries, in pipelined batches.
func (b *Backend) Namespaces(ctx context.Context) ([]cachetoolz.NamespaceInfo, error) {
	if b.closed.Load() {
		return nil, b.closedErr("namespaces", "")
	}
	if b.s.layout == LayoutSeed {
		return nil, b.wrap("namespaces", "", errSeedLayout)
	}
	names, err := b.scanNamespaces(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]cachetoolz.NamespaceInfo, 0, len(names))
	for _, ns := range names {
		info := cachetoolz.NamespaceInfo{Name: ns}
		cursor := ""
		for {
			page, next, err := b.Entries(ctx, ns, cursor, inspectBatch)
			if err != nil {
				return nil, err
			}
			for _, e := range page {
				info.Entries++
				info.Bytes += e.Size
			}
			if next == "" {
				break
			}
			cursor = next
		}
		if info.Entries > 0 {
			out = append(out, info)
		}
	}
	return out, nil
}

// scanNamespaces returns the sorted names of the namespaces that have an
// index key of any generation on any node.
func (b *Backend) scanNamespaces(ctx context.Context) ([]string, error) {
	pattern := globEscape(b.s.prefix) + "{*}:i:*"
	client, err := b.conn()
	if err != nil {
		return nil, b.wrap("namespaces", "", err)
	}
	seen := map[string]bool{}
	for _, node := range client.Nodes() {
		var cursor uint64
		for {
			if err := ctx.Err(); err != nil {
				return nil, b.wrap("namespaces", "", err)
			}
			step, cancel := b.ctx(ctx)
			e, err := node.Do(step, node.B().Scan().Cursor(cursor).Match(pattern).Count(1000).Type("zset").Build()).AsScanEntry()
			cancel()
			if err != nil {
				return nil, b.wrap("namespaces", "", err)
			}
			for _, key := range e.Elements {
				if ns, ok := b.namespaceOfIndex(key); ok {
					seen[ns] = true
				}
			}
			if e.Cursor == 0 {
				break
			}
			cursor = e.Cursor
		}
	}
	names := make([]string, 0, len(seen))
	for ns := range seen {
		names = append(names, ns)
	}
	sort.Strings(names)
	return names, nil
}

// namespaceOfIndex returns the namespace of an index key
// (prefix + "{" + tag + "}:i:" + generation), whichever its shard.
func (b *Backend) namespaceOfIndex(key string) (string, bool) {
	ns, _, rest, ok := parseKey(b.s.prefix, key)
	if !ok || !strings.HasPrefix(rest, "i:") {
		return "", false
	}
	return ns, true
}

// globEscape escapes the characters that SCAN's MATCH treats as a pattern.
func globEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '*', '?', '[', ']', '\\':
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Entries lists up to limit live entries of namespace's current generation
// (100 when limit <= 0), shard by shard and within a shard in the order of
// their expiry, with the time each has left (PTTL) and the size of its
// value (STRLEN less the generation header). A page examines up to limit
// members of the shards' indexes, going on to the next shard when one
// ends, and the cursor is the shard and the position in its generation's
// index: a page may hold fewer than limit entries when some have expired
// or been overwritten since they were indexed, and a clear ends the
// listing.
func (b *Backend) Entries(ctx context.Context, namespace, cursor string, limit int) ([]cachetoolz.EntryInfo, string, error) {
	if b.closed.Load() {
		return nil, "", b.closedErr("entries", namespace)
	}
	if b.s.layout == LayoutSeed {
		return nil, "", b.wrap("entries", namespace, errSeedLayout)
	}
	if limit <= 0 {
		limit = 100
	}
	ctx, cancel := b.ctx(ctx)
	defer cancel()
	client, err := b.conn()
	if err != nil {
		return nil, "", b.wrap("entries", namespace, err)
	}
	shards := b.shards()
	pos, err := parseCursor(cursor, shards)
	if err != nil {
		return nil, "", b.wrap("entries", namespace, err)
	}
	// A page examines up to limit members of the shards' indexes, going on
	// to the next shard when one ends.
	var out []cachetoolz.EntryInfo
	budget := limit
	for ; pos.shard < shards; pos = (entriesCursor{shard: pos.shard + 1}) {
		k := newKeys(b.s.prefix, namespace, pos.shard)
		page, gen, n, err := b.entriesPage(ctx, client, k, pos, budget)
		if err != nil {
			return nil, "", b.wrap("entries", namespace, err)
		}
		if pos.gen != "" && gen != pos.gen {
			return nil, "", nil // cleared since the listing began
		}
		out = append(out, page...)
		if n == budget {
			return out, entriesCursor{pos.shard, gen, pos.offset + int64(n)}.String(), nil
		}
		budget -= n
	}
	return out, "", nil
}

// entriesPage lists the live entries among up to limit members of one
// shard's current index from pos.offset on. It returns the shard's
// generation ("" when it has none or a damaged one: no entry is live), and
// how many members it examined.
func (b *Backend) entriesPage(ctx context.Context, client rueidis.Client, k keys, pos entriesCursor, limit int) (out []cachetoolz.EntryInfo, gen string, n int, err error) {
	// MGET, unlike GET, reads a generation key of another type as nil.
	arr, err := client.Do(ctx, client.B().Mget().Key(k.gen()).Build()).ToArray()
	if err != nil {
		return nil, "", 0, err
	}
	if len(arr) != 1 || arr[0].IsNil() {
		return nil, "", 0, nil // nothing stored, or a damaged generation: no entry is live
	}
	gen, err = arr[0].ToString()
	if err != nil {
		return nil, "", 0, err
	}
	if g, err := strconv.ParseUint(gen, 10, 64); err != nil || strconv.FormatUint(g, 10) != gen {
		return nil, "", 0, nil // a damaged generation: no entry is live
	}
	if pos.gen != "" && gen != pos.gen {
		return nil, gen, 0, nil
	}
	offset := pos.offset
	members, err := client.Do(ctx, client.B().Zrange().Key(k.index(gen)).
		Min(strconv.FormatInt(offset, 10)).Max(strconv.FormatInt(offset+int64(limit)-1, 10)).Build()).AsStrSlice()
	if err != nil {
		return nil, "", 0, err
	}
	if len(members) == 0 {
		return nil, gen, 0, nil
	}
	header := gen + ":"
	cmds := make(rueidis.Commands, 0, 3*len(members))
	for _, m := range members {
		key := k.entry(m)
		cmds = append(cmds,
			client.B().Getrange().Key(key).Start(0).End(int64(len(header))-1).Build(),
			client.B().Pttl().Key(key).Build(),
			client.B().Strlen().Key(key).Build())
	}
	out = make([]cachetoolz.EntryInfo, 0, len(members))
	res := client.DoMulti(ctx, cmds...)
	for i, m := range members {
		head, err := res[3*i].ToString()
		if err != nil {
			return nil, "", 0, err
		}
		ms, err1 := res[3*i+1].AsInt64()
		size, err2 := res[3*i+2].AsInt64()
		if err := errors.Join(err1, err2); err != nil {
			return nil, "", 0, err
		}
		if head != header || ms == -2 { // overwritten by a later generation, or gone
			continue
		}
		ttl := cachetoolz.NoExpiry
		if ms >= 0 {
			ttl = time.Duration(ms) * time.Millisecond
		}
		out = append(out, cachetoolz.EntryInfo{Key: m, TTL: ttl, Size: size - int64(len(header))})
	}
	return out, gen, len(members), nil
}

// entriesCursor is a position of a listing of Entries: a shard, and in it
// the generation the listing began under ("" at the shard's start) and
// the offset in that generation's index. It is written as
// [shard "/"] [generation ":" offset], the shard left out when it is 0.
type entriesCursor struct {
	shard  int
	gen    string
	offset int64
}

func (c entriesCursor) String() string {
	s := ""
	if c.shard > 0 {
		s = strconv.Itoa(c.shard) + "/"
	}
	if c.gen != "" {
		s += c.gen + ":" + strconv.FormatInt(c.offset, 10)
	}
	return s
}

// parseCursor reads a cursor that Entries returned, for a namespace of
// shards shards.
func parseCursor(cursor string, shards int) (entriesCursor, error) {
	var c entriesCursor
	bad := fmt.Errorf("malformed cursor %q", cursor)
	if sh, rest, ok := strings.Cut(cursor, "/"); ok {
		n, err := strconv.Atoi(sh)
		if err != nil || n <= 0 || n >= shards {
			return c, bad
		}
		c.shard, cursor = n, rest
	}
	if cursor == "" {
		return c, nil
	}
	g, o, ok := strings.Cut(cursor, ":")
	n, err := strconv.ParseInt(o, 10, 64)
	if !ok || err != nil || n < 0 || g == "" {
		return c, bad
	}
	c.gen, c.offset = g, n
	return c, nil
}

// Pending returns how many keys of namespace's earlier generations still
// wait to be reclaimed (some may already be gone: they expired, or were
// overwritten). It reads every shard's pending set and the size of each
// pending generation's index, for operators' tools that show a reclaim's
// progress.
func (b *Backend) Pending(ctx context.Context, namespace string) (int64, error) {
	if b.closed.Load() {
		return 0, b.closedErr("pending", namespace)
	}
	if b.s.layout == LayoutSeed {
		return 0, b.wrap("pending", namespace, errSeedLayout)
	}
	ctx, cancel := b.ctx(ctx)
	defer cancel()
	client, err := b.conn()
	if err != nil {
		return 0, b.wrap("pending", namespace, err)
	}
	ks := b.allKeys(namespace)
	cmds := make(rueidis.Commands, len(ks))
	for i, k := range ks {
		cmds[i] = client.B().Smembers().Key(k.pending()).Build()
	}
	cmds, err = pendingIndexes(client, ks, client.DoMulti(ctx, cmds...))
	if err != nil {
		return 0, b.wrap("pending", namespace, err)
	}
	var total int64
	for _, r := range client.DoMulti(ctx, cmds...) {
		n, err := r.AsInt64()
		if err != nil {
			return 0, b.wrap("pending", namespace, err)
		}
		total += n
	}
	return total, nil
}

// pendingIndexes returns a ZCARD of the index of each generation that the
// shards' pending sets (SMEMBERS, in the order of ks) hold.
func pendingIndexes(client rueidis.Client, ks []keys, sets []rueidis.RedisResult) (rueidis.Commands, error) {
	var cmds rueidis.Commands
	for i, r := range sets {
		gens, err := r.AsStrSlice()
		if err != nil {
			return nil, err
		}
		for _, g := range gens {
			cmds = append(cmds, client.B().Zcard().Key(ks[i].index(g)).Build())
		}
	}
	return cmds, nil
}
