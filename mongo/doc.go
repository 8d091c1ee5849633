// Package mongocache is a MongoDB backend for cachetoolz.
//
// It lives in its own module, github.com/cachetoolz/cachetoolz/mongo, so that
// only programs that use MongoDB depend on the driver. The package is named
// mongocache so that it does not clash with the driver's package mongo.
//
// # Connecting
//
// [New] connects from a URI (default "mongodb://localhost:27017") with one
// pooled client per backend; [Options.Client] passes driver options through.
// [NewFromClient] uses a client the program already has, which Close leaves
// open. Connecting is lazy: New does not wait for the server, so a backend
// made while the server is down starts working once it is up.
//
// # Layout
//
// Every namespace has its own collection in the database [Options.Database]
// (default "cachetoolz"), named by [CollectionName]: any string, including
// the empty one and ones holding '.', '$', '*', NUL or invalid UTF-8, maps to
// a valid name of at most 100 bytes, and no two namespaces share one. A
// collection holds one document per key,
//
//	{_id, value: BinData, expires_at: Date, gen: Long, write_id: Long, commit_id: Long}
//
// The key is the _id (as "k" + key when the key is valid UTF-8 without NUL,
// else "b" + its unpadded URL-safe base64, so that every key has exactly one
// _id and the _id is a plain string), so the server's unique _id index is
// the unique index on the key and no second one has to be maintained: every
// read and write addresses one document by _id, which every server, FerretDB
// included, answers from that index. expires_at is absent for entries that
// never expire. A TTL index on expires_at (expireAfterSeconds 0) lets the
// server delete expired entries; it is created once per collection and
// backend (again after the collection is dropped), never on every write.
// Reads check expires_at themselves, so an expired entry is never returned
// whether or not the server's TTL monitor has run, or supports TTL indexes at
// all (FerretDB 1.24 answers NotImplemented: the backend logs that once and
// carries on filtering on read, and expired entries stay until they are
// overwritten or their namespace is cleared).
//
// # Generations and Clear
//
// Clear drops the namespace's collection. Each collection also holds one
// generation document, {_id: "g", gen: Long, ns: String}, whose random non-zero 64-bit
// value is the namespace's generation. It is created when missing by the
// first Get that needs it, so it changes with every drop, whichever process
// dropped.
//
// A load that began before a clear must not become visible after it, and a
// write cannot be made conditional on another document. So Set writes in
// three steps: it stores the entry with a random write_id and no commit_id
// (readers ignore it), reads the generation document, and, if the
// generation is still the one the load began under, sets commit_id to
// write_id with an update that cannot create a document. A Get accepts an
// entry only when commit_id equals write_id. If the collection was dropped
// after the entry was written, the entry went with it; if it was dropped
// before, the generation check fails; if it was dropped between the check
// and the commit, the commit matches nothing. A commit that lands on another
// writer's entry sets a commit_id that does not match it, which hides it (a
// miss, never a wrong value).
//
// The price is paid on the store, which follows a load anyway: a hit is one
// read of one document by _id, like a plain FindOne, and a miss is that read
// plus, the first time a backend meets the namespace, one read of the
// generation document; a store is three round trips. (Reading the entry and
// the generation together, with _id $in [key, "g"], would make the store
// one round trip, but FerretDB answers an $in filter by scanning the whole
// collection: 48 ms against 3.4 ms per read with 1,024 entries.)
//
// # Outage
//
// Every method honours its context, and an operation whose context has no
// deadline gives up after [Options.Timeout] (default five seconds). Unless
// the URI or [Options.Client] say otherwise, waiting for a usable server
// gives up after two seconds ([DefaultServerSelectionTimeout]), so while the
// server is down operations fail quickly instead of queueing. The driver
// reconnects by itself once the server is back; Close stops every goroutine
// the backend started (those of a client given to [NewFromClient] belong to
// the program).
//
// A miss reports the last generation this backend saw of the namespace. If
// another process cleared the namespace since, the store that follows finds
// the new generation, discards its value (it may have been loaded before
// the clear) and remembers the new one; the next load stores normally.
package mongocache
