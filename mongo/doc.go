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
//	{_id: "k" + key, value: BinData, expires_at: Date, gen: Long}
//
// where the key itself, made valid UTF-8 (see below), is the _id, so the
// server's unique _id index is the unique index on the key and no second
// unique index has to be kept up to date. expires_at is absent for entries
// that never expire. A TTL index on expires_at (expireAfterSeconds 0) lets
// the server delete expired entries; it is created once per collection and
// backend (again after the collection is dropped), never on every write.
// Reads check expires_at themselves, so an expired entry is never returned
// whether or not the server's TTL monitor has run, or supports TTL indexes
// at all (FerretDB 1.24 answers NotImplemented: the backend logs that once
// and carries on filtering on read).
//
// Keys that are valid UTF-8 and hold no NUL byte are stored as "k" + key;
// any other key as "b" + its base64 (URL alphabet, no padding), so every key
// has exactly one _id and the _id is a plain string, which every server
// finds through its _id index.
//
// # Generations and Clear
//
// Clear drops the namespace's collection. Each collection also holds one
// generation document, {_id: "g", gen: Long}, whose random non-zero 64-bit
// value is the namespace's generation; it is created (by whichever backend
// reads first) when missing, so it changes with every drop. Value documents
// carry the generation they were loaded under, and Get reads the value and
// the generation in one query (_id $in [key, "g"]): a value whose gen
// differs from the current one is a miss. So a load that began before a
// clear, and stores after it, writes a document no reader accepts: the
// clear-versus-load race costs no extra round trip on a hit.
//
// # Outage
//
// Unless the URI or [Options.Client] say otherwise, server selection and
// connecting give up after two seconds, and an operation whose context has
// no deadline after five (the driver's client-side timeout). Every method
// honours its context. The driver reconnects by itself once the server is
// back; Close stops every goroutine the backend started.
package mongocache
