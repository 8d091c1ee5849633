// Package rediscache is the Redis backend of cachetoolz: it implements
// [cachetoolz.Backend] on a standalone Redis, a Sentinel-managed failover
// group or a Redis Cluster, through the rueidis client.
//
// Create one from a URL with [New], or around a client you already have with
// [NewFromClient]:
//
//	b, err := rediscache.New("redis://localhost:6379/0", nil)
//	if err != nil {
//		return err
//	}
//	defer b.Close()
//	c, err := cachetoolz.New(b, nil)
//
// # Key layout
//
// A namespace is split into shards ([Options.Shards]: 16 on a Redis
// Cluster, 1 elsewhere), and each shard's keys share one Redis Cluster hash
// tag, so a shard lives on one slot and its generation and its entries can
// be read together in one command. A key belongs to shard
// FNV-1a-32(key) mod Shards. With the default prefix "cachetoolz:" shard
// <tag> of a namespace uses:
//
//	cachetoolz:{<tag>}:g          generation (decimal string; set to the
//	                              server's clock in microseconds by the first
//	                              Get that finds none, moved forward by each
//	                              Clear)
//	cachetoolz:{<tag>}:k:<key>    entry: "<generation>:" followed by the value
//	                              bytes, with the entry's time to live (PX) if
//	                              it has one
//	cachetoolz:{<tag>}:i:<gen>    sorted set of the keys written in generation
//	                              gen, scored by expiry time in milliseconds
//	                              (+inf: never)
//	cachetoolz:{<tag>}:p          set of generations whose entries await
//	                              reclaiming
//	cachetoolz:{<tag>}:l:<gen>:<key>  load lock of key in generation gen
//	                              (Options.Lock of cachetoolz): its holder's
//	                              random token, with PX
//	cachetoolz:{<tag>}:w:<gen>:<key>  stream of the lock's releases, which
//	                              waiters block on; one entry, expiring 10 s
//	                              after the last
//
// The tag of shard 0 is the escaped namespace ns, so with one shard the
// layout is cachetoolz:{ns}:g, cachetoolz:{ns}:k:<key> and so on. The tag
// of shard i > 0 is the escaped namespace, "%/", i in decimal, and four
// bytes from '@' to 'O' chosen so that the shard's slot is shard 0's plus
// the 14 bits of i reversed (mod 16384): users%/1ECO@ for shard 1 of "users". For a number of
// shards that is a power of two the shards of a namespace lie evenly around
// the slot space, 16384/Shards slots apart, so a master that serves a
// contiguous range of at least that many slots (16 masters with even
// ranges, for 16 shards) holds a part of every namespace, and the entries
// of one namespace spread over the masters in proportion to their slots.
// An escaped namespace never holds "%/", so a key name splits back into its
// namespace and shard.
//
// Keys are stored as given (Redis keys are binary-safe). The namespace is
// escaped inside the tag: the bytes '%', '{', '}', '*', '?', '[', ']',
// '\\', control bytes and DEL become %XX (upper-case hex), everything else,
// unicode included, is kept; the empty namespace is written as a lone "%".
// The escaping is injective, the braces always delimit a non-empty hash tag,
// and no namespace can reach into another's keys. Glob characters are
// escaped so an operator can match a namespace with a literal SCAN pattern;
// the backend itself never uses patterns.
//
// # Generations and clear
//
// Each shard has a generation of its own. [Backend.Get] reads the key's
// shard's generation and the entry with one MGET and reports a hit only
// when the entry carries the current generation; without a generation key
// it reports a miss. The generation it reports is the shard's, which
// [Backend.Set] of the same key takes back: Set runs a script that stores
// the entry only if that generation is still current, so a value loaded
// before a clear never becomes visible after it. [Backend.Clear] runs, on
// every shard, a script that moves the generation forward (to the larger
// of the old one plus one and the server's clock in microseconds, so
// generations never repeat even if the generation key is lost) and records
// the old one as pending. The scripts of all shards are sent together: one
// round trip to each master that holds a shard, in parallel. The namespace
// is empty for every reader the moment Clear returns, whatever its size,
// and the cost does not depend on any other namespace. A Clear that fails
// (a master is down, say) may have moved some shards and not others:
// calling it again completes it.
//
// The old entries are then reclaimed in the background, shard by shard, in
// batches of [Options.ReclaimBatch] keys taken from the old generation's
// index (never a scan of the keyspace), each batch one short script that unlinks the keys
// still holding an old generation. A batch of 256 keys keeps Redis busy for
// about a millisecond. Entries with a time to live also expire by
// themselves. Each Set also tidies its index: it removes up to two members
// whose expiry time has passed, and checks four random members, removing
// those whose entry is gone (expired, evicted or deleted). Dead members
// thus settle at about a quarter of the index, so the index of a namespace
// that is never cleared stays proportional to its live entries, even when
// Redis evicts entries under maxmemory (about 1.35 members per live entry,
// 6% of the memory with 1 KB values, measured under allkeys-lru and
// allkeys-lfu). Generations left pending by a process that stopped are
// reclaimed by the next Clear of the namespace, or by [Backend.Reclaim].
//
// # Damaged keys
//
// A generation key that does not hold a valid generation (another type, or a
// string that is not a canonical decimal below 2^53), written by another
// program or left by a bug, makes that shard of the namespace miss: Get reports
// [cachetoolz.ErrNotFound], Set stores nothing and returns nil, so calls run
// their functions uncached, and no error reaches the cache's circuit
// breaker. Other shards and namespaces are not affected. The next Clear of
// the namespace overwrites the key with a valid generation newer than any it
// held (the server's clock), after which caching resumes; the entries of the
// lost generation are left to their time to live or to eviction. A pending
// set or an index of another type is replaced in the same way.
//
// # Load lock
//
// The backend is a [cachetoolz.Locker], so wraps with Options.Lock load each
// key once across the processes that share the Redis. [Backend.TryLock] is
// one script: under the current generation of the key's shard it returns the entry
// if it is stored, else takes the lock (SET PX with a random token) if it is
// free, else reports how long the holder's lock has left and the ID of the
// last release on the wake-up stream. A waiter then blocks in
// [Backend.WaitLock] with XREAD BLOCK on that stream, from that ID, for at
// most the time left: a release wakes every waiter at once, one that came
// between the script and the XREAD is not missed, and a holder that died
// costs the waiters the rest of its lock's time. Release and renewal are
// scripts that compare the token, so a holder whose lock expired and was
// taken over never deletes or extends the new holder's lock. A lock key
// without a time to live was not written by the backend and counts as
// free. A blocked XREAD holds a connection of the client's pool while it
// waits; within a process, concurrent calls on one key share one wait.
//
// # Redis Cluster
//
// On a Cluster a namespace is split into 16 shards by default, one slot
// each, spread over the masters as described under "Key layout": one
// namespace can grow past the memory of one master, and its reads and
// writes spread over all of them. A hit still costs one round trip (the
// generation and the entry share their shard's slot), a Clear one round
// trip to each master, in parallel, and a reclaim the same bounded steps,
// shard by shard. With [Options.Shards] set to 1 each namespace lives on
// one slot, and only different namespaces spread over the masters. A key prefix
// that itself contains a {...} hash tag would put every key on one slot;
// that stays correct but does not spread.
//
// Shards is part of the layout, like the prefix: processes that share a
// cache must agree on it (shards=N in the URL of [New] sets it for tools
// that are given only a URL). Processes with different numbers of shards
// find most keys in different shards. A shard's tag does not depend on
// the number of shards, so a clear with more shards also reaches every
// shard of a process with fewer (16 covers 1, 2, 4 and 8), but not the
// other way round. Deployments that used a Cluster with a version of this
// package without shards keep their layout with Shards set to 1; moving
// to more shards is a new layout, best done with all processes at once or
// under a new prefix.
//
// A master that is down takes the shards it holds with it: their keys
// fail, and the others keep working. The backend is a
// [cachetoolz.Sharder], so the cache keeps a circuit breaker per shard
// and the keys on the healthy masters keep their hits. A Clear fails
// (partly done) until the master returns.
//
// # Local tier and client tracking
//
// A cache made with cachetoolz.Config.Local keeps decoded results in each
// process and calls [Backend.Track] once; the backend then swaps its client
// for one with RESP3 client tracking on (default mode: the server remembers
// which keys each connection read, and pushes the name of each one later
// written, deleted, expired or evicted). A pushed generation key reaches the
// cache as a Clear of its namespace, an entry key as a change of that entry,
// and a connection that closes (server restart, failover, a network failure
// the client notices) or a FLUSHALL as the loss of every report, which
// empties the local tier. Reads go through [Backend.GetTTL], which also
// returns the entry's time to live in the same round trip, so that a local
// copy never outlives the entry. Without Config.Local nothing changes: the
// client has tracking off, and the server keeps no tracking table for it.
// Track describes the server's cost and how stale a local copy can get
// when the connection fails without closing. Tracking needs a backend made
// by [New] in the default layout, over RESP3.
//
// # Eviction
//
// The generation key and the index have no time to live. Under a
// maxmemory-policy of allkeys-*, Redis may evict them like any key (it is
// rare for keys that every Get or Set touches). An evicted generation key
// makes the namespace miss until its next Set; an evicted index leaves its
// entries to eviction rather than to a Clear's reclaim, which under allkeys-*
// removes them anyway, since nothing reads them once they are cleared.
// Prefer volatile-* or noeviction for a Redis that holds never-expiring
// entries and must not lose them.
//
// # Seed layout
//
// [LayoutSeed] ([Options.Layout], or layout=seed in the URL of [New])
// stores what the Python cachetoolz library (0.3.2) stores, so that Go and
// Python services share one cache: each side reads the entries the other
// wrote, and each side's clear empties the namespace for both. With
// codec.Python as the cache's codec and a pykey.Generator as the wrap's
// Options.Keys, a wrapped Go function and the Python function it replaces
// read and write the same entries:
//
//	<namespace>:<key>   the value as the codec wrote it, nothing before it
//	                    (no generation, no cachetoolz entry header), with
//	                    EX: the time to live rounded up to whole seconds,
//	                    or no expiry when the wrap has none
//
// No other key is written. [Backend.Get] is one GET and always reports the
// same generation; [Backend.Set] is one SET with EX; [Backend.Clear] deletes
// the keys that match the pattern namespace + ":*" on every master (every
// node that answers ROLE with master, in a Cluster), with SCAN and UNLINK in
// steps of about 512 keys. The backend reports [Backend.PlainValues], so
// the cache stores the codec's output alone (see cachetoolz.PlainBackend).
//
// What the seed layout gives up:
//
//   - The instant clear. A clear walks the keyspace of every master: its
//     time grows with the number of keys in Redis, not with the namespace,
//     and one that fails midway has deleted part of the namespace.
//     cachetoolz.ClearAfter bounds its clear by 10 times Config.Timeout;
//     on a large keyspace, call Cache.Clear with a context of your own.
//   - The clear-vs-load rule. A load that began before a clear stores its
//     result after it: the old value can come back once.
//   - Namespace isolation for names that contain ":". The key of namespace
//     "a" and key "b:c" is the key of namespace "a:b" and key "c", and the
//     clear of "a" also removes the entries of "a:b". Pick namespaces that
//     are not a prefix of another followed by a colon.
//   - Options that need the default layout's bookkeeping: Prefix and
//     ReclaimBatch are ignored; the load lock is not taken (wraps with
//     Options.Lock load as without it); Namespaces, Entries and Pending
//     return an error wrapping errors.ErrUnsupported; Reclaim does nothing.
//     The cache's Options.Version, Options.EarlyRefresh and
//     Options.MaxStale cannot take effect without the entry header, which
//     carries the version and an entry's freshness, so wrapping with one
//     is an error; SoftTimeout and HardTimeout work.
//   - The check that an entry was written for the wrapper's result type:
//     what decodes into the result type is served, so a strict codec
//     (codec.Python is one) is what keeps a changed type from being fed an
//     old entry.
//
// Glob characters in a namespace ('*', '?', '[', ']', '\') are escaped in
// the clear's pattern, so a clear from Go removes that namespace's keys
// only. The Python library does not escape them: its clear of "user*"
// also removes the entries of "users" (and of every namespace the pattern
// matches), and its clear of "u[s]er" removes those of "user" and leaves
// its own. Avoid glob characters in namespaces that Python clears.
package rediscache
