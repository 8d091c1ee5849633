// Package twoway holds a fixed table of remembered entries in which a hash
// picks two slots for each entry, the way a two-way set-associative cache
// does: an entry is looked for in both, and a new one takes the empty slot
// of the two or else the one whose entry was published first. Two slots
// instead of one keep the few entries whose first slots collide from
// taking each other's place over and over.
//
// A slot holds a pointer to an entry that is never changed once published,
// so that readers need no lock: a lookup loads one pointer and reads the
// entry's fields, which are in the entry itself. Deciding whether an entry
// is the one looked for is the caller's business.
package twoway
