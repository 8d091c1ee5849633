// Package codec turns Go values into bytes for remote cache backends and
// back.
//
// A [Codec] encodes the result of a wrapped function when it is stored and
// decodes it, straight into the function's result type, when it is read.
// [JSON], the default, is a [JSONCodec]: it writes JSON text and restores
// every value it accepts exactly, including what encoding/json loses (map
// keys that are not strings, NaN and infinities, strings and byte slices
// holding any bytes, the location of a time.Time, the precision of a
// big.Float, nil against empty slices and maps), and it refuses, with an
// error, what it cannot restore.
//
// # Marshal and Unmarshal
//
// Marshal(v) encodes v; a non-nil pointer is encoded as what it points
// to. Unmarshal(data, p) decodes into *p, which must have the type that was
// marshalled, and replaces it entirely. The pattern that keeps every type,
// interface types included, is a pointer to a variable of the static type
// on both sides:
//
//	data, err := codec.JSON.Marshal(&result)  // result of type R
//	var back R
//	err = codec.JSON.Unmarshal(data, &back)
//
// Passing the value itself, Marshal(result), gives the same bytes unless R
// is an interface type (the value inside is then encoded without its type
// name) or a pointer to a pointer, slice, map or interface.
//
// # Encodings
//
// Every value has one encoding, fixed by its type; maps are sorted, so
// equal values give equal bytes. TYPES.md in this directory has a table
// of the Go counterpart of each type the Python cachetoolz supports.
//
//   - bool, integers and floats are JSON booleans and numbers with every
//     digit; NaN, +Inf and -Inf are the strings "NaN", "+Inf", "-Inf";
//     complex numbers are [real, imag].
//   - Strings are JSON strings; a byte that is not valid UTF-8 is written
//     as \udc80 to \udcff, so any string round-trips byte for byte.
//   - []byte is a base64 string; byte arrays are hexadecimal, in the UUID
//     layout for 16 bytes.
//   - Slices and arrays are arrays; nil slices, maps and pointers are null.
//   - Maps with string or integer keys are objects; sets (map[K]struct{})
//     are arrays of keys; other maps are arrays of [key, value] pairs.
//   - Structs are objects of their exported fields, honouring json tags
//     ("name", "-", omitempty and omitzero, which omit only the zero value)
//     and promoting the fields of embedded struct values as encoding/json
//     does; but an embedded pointer, and an embedded type with an encoding
//     of its own such as time.Time, are fields named after their type (so
//     a nil embedded pointer stays apart from one to a struct whose fields
//     are all omitted), and the methods of an embedded type do not make
//     the outer struct encode as it.
//   - A pointer is what it points to; a non-nil pointer to a pointer,
//     slice, map or interface is wrapped in a one-element array so that it
//     stays apart from a nil pointer.
//   - An interface value is [type name, value], e.g. ["int",1].
//   - time.Time is "2024-05-01T12:00:00.5+02:00 Europe/Paris": the instant
//     to the nanosecond and the location (see the limits below).
//   - *big.Int is a number; *big.Rat is "num/den"; *big.Float is
//     "value precision mode", e.g. "1.1 200 ToZero".
//   - netip.Addr, netip.Prefix (host bits kept), net.IP (4 and 16 bytes
//     kept apart), net.IPNet, *regexp.Regexp and *url.URL are strings of
//     their usual text forms.
//   - Other types that implement json.Marshaler and json.Unmarshaler, or
//     else encoding.TextMarshaler and encoding.TextUnmarshaler, use them;
//     else those that implement encoding.BinaryMarshaler and
//     encoding.BinaryUnmarshaler are a base64 string of their binary form.
//     Only a type's own methods count, not those promoted from an
//     embedded field.
//
// # Registering types
//
// A [Registry] holds coders for types the codec cannot handle by itself,
// the Go form of the seed's coder.register: [Register] adds an encoder and a
// decoder for a type T through a representation type R that the codec does
// know, and [RegisterEncoder] and [RegisterDecoder] add each half on its
// own, as the seed's encoder.register and decoder.register do. A
// registered coder applies wherever T appears, and takes precedence over
// the built-in encodings. [RegisterType] makes a named type decodable from
// interface values. Registrations are safe at any time, concurrently with
// encoding; a second registration for the same type is refused with
// [ErrRegistered]. [JSON] uses [DefaultRegistry]; [NewJSON] takes another.
//
// # The Python cachetoolz format
//
// [Python], a [PythonCodec], writes and reads the bytes the Python
// cachetoolz stores, so that Go and Python services can share a cache: the
// text of Python's json.dumps(value, cls=Encoder), byte for byte (", " and
// ": " separators, non-ASCII as \uXXXX, floats as Python's repr), with
// {"__val": …, "__decoder": "name"} envelopes for sets, bytes, UUIDs,
// paths, deques, patterns, dates, times, datetimes, timedeltas, decimals
// and the ipaddress types. Where no standard Go type tells two Python types
// apart, this package has one: [Set] and [FrozenSet], [Deque], [UUID],
// [PosixPath], [Pattern], [Date], [TimeOfDay], [NaiveDateTime] (an aware
// datetime is a time.Time), [Decimal] (which keeps trailing zeros, as
// Python's does) and [IPInterface] (a network is a netip.Prefix). Into an
// interface value, a dict decodes as map[string]any, a list as []any, an
// int as int64 or *big.Int, and an envelope as its Go type.
// [RegisterPython] adds the names a Python service registers with
// encoder.register and decoder.register. Go maps are written with sorted
// keys. Decoding is as strict as JSON's; a Go value that Python would not
// give back exactly is refused with [ErrUnsupported]. TYPES.md has the
// table of types and the limits.
//
// # Errors
//
// Errors start with "cachetoolz: codec:" and wrap a sentinel:
// [ErrUnsupported] for a type or value that cannot be encoded or decoded,
// [ErrIncomplete] for a type whose values would not come back whole,
// [ErrInvalidData] for data that is not an encoding of the target type,
// [ErrRegistered] for a duplicate registration. Decoding never panics on
// bad input, and panics of registered functions and marshaler methods are
// turned into errors. A cache should treat a decoding error as a miss:
// it also happens when a type changed since the value was stored.
//
// Decoding is strict, so that data written for another type fails rather
// than decoding into a value with parts zeroed, dropped or rounded: an
// object key must name a field exactly (case counts) and only once, and
// every field that is never omitted must be there; null is accepted only
// for pointers, interfaces, slices and maps; a number must fit its type,
// an integer has no fraction or exponent, and a float must be written with
// exactly the digits Marshal writes for it (so 1.0, or digits that round,
// are refused); a map key or set element must not repeat; nothing may
// follow the value. White space and the order of object keys are free.
//
// # Limits
//
//   - Unexported struct fields are not encoded, nor are fields tagged "-"
//     or hidden by another field of the same JSON name. A struct with
//     unexported fields and nothing to encode is refused rather than
//     cached empty; a struct with exported fields as well is encoded
//     without the others, and [JSONCodec.CheckType] reports, before any
//     value is encoded, every such field by its path: a cache calls it
//     when a function is wrapped and refuses the result type rather than
//     serve values with fields zeroed. An interface value whose dynamic
//     type CheckType refuses is refused by Marshal. Register a coder (or
//     give the type marshaling methods) to keep unexported state.
//   - Funcs, channels, unsafe pointers and cyclic values are refused.
//     Pointers shared within a value decode as separate copies, and
//     pointer map keys as new pointers.
//   - An interface value must hold a type the decoder can name: predeclared
//     types, the standard library types above, registered types, and
//     pointers, slices, arrays and maps of those. Unnamed struct types
//     cannot be named.
//   - Any NaN decodes as math.NaN(); other NaN payloads are not kept.
//   - time.Time: the monotonic clock reading is dropped; Local means the
//     decoding process's local zone; a location is restored by
//     time.LoadLocation when it gives the written offset, and otherwise as
//     a fixed zone with the written name and offset (locations built with
//     time.LoadLocationFromTZData under names the database lacks become
//     fixed zones).
//   - *regexp.Regexp does not keep CompilePOSIX or Longest.
//   - *big.Float does not keep its accuracy (Acc), and precisions above
//     2^20 bits are refused.
//   - A *url.URL that url.Parse would not give back from its String form
//     is written as an object of its fields instead, whose order follows
//     the Go version; decoding reads fields by name, and fails, as for
//     any struct, if the Go version that wrote it had other fields.
//   - net.IP values other than 0, 4 or 16 bytes long, and invalid
//     netip.Prefix values, are refused.
//   - Values nest at most 10000 levels deep.
package codec
