// Package shape fingerprints the shape of a Go type as the codec writes
// it, so that a cached value written for one shape is never read as
// another after a deploy changes the result type.
//
// [Fingerprint] hashes, recursively:
//
//   - the kind of every type: bool, each size of integer, float and
//     complex apart, string, pointer, slice, array (with its length), map
//     (key and value), channel, func, interface;
//   - for a struct, its encoded fields in order: the name the codec writes
//     (the json tag's name, else the Go name), whether it is omitted when
//     zero (omitempty or omitzero), whether it is embedded, and its type.
//     Fields the codec leaves out (unexported ones, those tagged "-") do
//     not count, except in a struct that has unexported fields: such a
//     struct reaches a remote backend only through a registered coder, so
//     its full name and every field (unexported ones by name and type
//     name) count;
//   - a type with an encoding of its own, by its full name (package path
//     and name) only: one whose own methods (not promoted ones) include
//     MarshalJSON and UnmarshalJSON, MarshalText and UnmarshalText, or
//     MarshalBinary and UnmarshalBinary, and the standard library types the
//     codec encodes by itself (time.Time, the math/big numbers,
//     regexp.Regexp, url.URL, url.Userinfo, net.IP, net.IPNet,
//     netip.Prefix); named interface types, by name;
//   - a type that contains itself, through a reference to where it
//     started, so recursive types have a finite, stable fingerprint.
//
// The names of other named types, and the Go names of fields that have a
// json tag name, do not count: renaming a type, moving it to another
// package or aliasing it keeps the fingerprint. Neither does what a type
// with an encoding of its own holds, nor the representation a registered
// coder gives it: when those change, change the name or bump a version by
// hand.
//
// The fingerprint is a hash of text that does not depend on addresses,
// process or build: equal shapes give equal fingerprints in every process
// that runs the same version of this package, and a test pins the values.
package shape
