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
//	{_id, value: BinData, expires_at: Date, gen: Long, write_id: Long, commit_id: Long, pending_id: Long, modified_at: Date}
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
// modified_at is the server's time of the last store or delete (see
// Tracking); Delete leaves a tombstone, a document without a value that
// expires at once, rather than removing the document.
// Reads check expires_at themselves, so an expired entry is never returned
// whether or not the server's TTL monitor has run, or supports TTL indexes at
// all (FerretDB 1.24 answers NotImplemented: the backend logs that once and
// carries on filtering on read, and expired entries stay until they are
// overwritten or their namespace is cleared).
//
// # Generations and Clear
//
// Clear drops the namespace's collection. Each collection also holds one
// generation document, {_id: "g", gen: Long, ns: String}, whose random
// non-zero 64-bit value is the namespace's generation. It is created when
// missing by the first Get that needs it, so it changes with every drop,
// whichever process dropped. The generation is learnt from that document
// alone, never from an entry: a Get reads the entry and the generation
// document, and returns the entry only if its gen is the document's. An
// entry of any other generation (left behind when the generation document
// was deleted or overwritten) is never served, and a miss reports the
// generation the document holds at that moment, so a call made after
// another process's clear never joins a load that began before it.
//
// A load that began before a clear must not become visible after it, and a
// write cannot be made conditional on another document. So Set writes in
// three steps: it marks the entry's document with a random pending_id
// (creating a document without a value if there is none, and leaving a
// value it holds readable), reads the generation document, and, if the
// generation is still the one the load began under, writes value, gen,
// expires_at and write_id = commit_id with an update that matches only a
// document that still carries its pending_id and cannot create one. If the
// collection was dropped after the mark, the mark went with it and the
// write matches nothing; if it was dropped before, the generation check
// fails; a store that lost the race to another store's mark writes nothing.
// So a load that spanned a clear neither shows its value nor hides the
// entry of a load that followed the clear. A Get accepts an entry only when
// commit_id equals write_id (which documents written by earlier versions of
// this package need).
//
// A generation document that holds no generation (a foreign or damaged
// write: a string, a 32-bit or zero value, no gen at all) is that
// namespace's miss, never an error: every Get of it misses and reports
// generation 0, under which Set stores nothing, and it is logged once.
// Other namespaces are untouched, and Clear repairs it.
//
// The price: a hit and a miss are two reads by _id, of the entry and of the
// generation document, sent at once so that they wait for one round trip;
// a miss after a clear or in a new namespace adds the creation of the
// generation document; a store is three round trips, and follows a load
// anyway. (Reading both documents with one query, _id $in [key, "g"], would
// send one command, but FerretDB answers an $in filter by scanning the
// whole collection, 62 ms against 0.8 ms per read with 1,024 entries, and
// implements neither $lookup nor $unionWith.)
//
// # Tracking
//
// The backend is a [cachetoolz.Tracker] and a [cachetoolz.TTLGetter], so a
// cache on it can keep a local tier (cachetoolz.Config.Local). It tracks
// by polling, which every server supports: change streams need a replica
// set (a standalone MongoDB has none) and FerretDB 1.24 does not implement
// them, and a capped collection tailed as a change log would cost every
// store a second write. After [Backend.Track], a
// goroutine (stopped by Close) waits [Options.TrackInterval] (default
// 100 ms) between polls, and each poll sends, for every namespace this
// backend has read, one query for its generation document and the entries
// stored or deleted since the previous poll:
//
//	{$or: [{_id: "g"}, {modified_at: {$gte: <the previous poll's server time - 1s>}}]}
//
// A generation other than the last seen is reported as Cleared; an entry
// with a write_id the previous poll did not see, as Changed, unless this
// backend wrote it (the cache applies its own stores and deletes). Stores and deletes stamp modified_at
// with the server's clock ($currentDate), in the update they make anyway,
// so tracking adds nothing to a store's round trips; a tracking backend
// creates an index on modified_at in each collection it polls, which
// stores then maintain. The query goes back a second before the previous
// poll began, because a write is stamped when the server applies it and
// seen once it commits; a write whose commit lags its stamp by more than
// that (never on MongoDB, which applies and commits a write in one storage
// transaction; possible on FerretDB when writers queue for SQLite's lock
// for longer) is not reported.
//
// A change therefore reaches the local tier typically within
// TrackInterval plus one poll (on loopback against FerretDB, about 10 ms
// at a 10 ms interval and 100 ms at the default), and never later than
// TrackInterval plus twice [Options.TrackTimeout]: a poll that fails or
// takes longer than TrackTimeout (default one second) reports Lost at
// once, and the first poll that succeeds after it reports Lost again,
// since anything read in between may have changed unseen; reports then
// resume. So does the first poll, and one answered by another server or
// by a clock that went back.
// A Set that stores nothing because the namespace was cleared since its
// load began reports Cleared before it returns. Entries that expire are
// not reported: GetTTL tells the local tier how long each has left.
//
// Polls compare the server's clock (hello's localTime) with the times
// the servers stamped writes with: on a sharded cluster, where a mongos
// answers hello and the shards' primaries stamp, their clocks must agree
// within the second of overlap, as NTP keeps them.
//
// Every process that writes to namespaces a tracking backend reads must
// run a version of this package that stamps modified_at and leaves
// tombstones: stores and deletes of earlier versions are not reported.
//
// The price is one query per watched namespace per interval, whatever the
// traffic, and a reply that holds every entry written in the last second
// and interval. On MongoDB both branches of the query use an index; on
// FerretDB, which pushes only _id equality down to SQLite, each poll scans
// the collection.
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
// New makes no connection, so a backend made while the server is down (or
// not started yet) is usable: its operations fail within their context until
// the server answers, and then work without anything done to the backend;
// the TTL index is created by the first store that reaches the server. Only
// a malformed URI or invalid options are an error. (A mongodb+srv URI is the
// exception: the driver resolves its DNS records in New, which fails when
// they cannot be resolved.)
//
// # Load lock
//
// The backend is not a [cachetoolz.Locker]: a wrap's Options.Lock has no
// effect on it, and processes that miss on one key each run the function
// once (within a process, concurrent misses share one run as always).
package mongocache
