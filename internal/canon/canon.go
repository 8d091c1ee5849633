// Package canon encodes function arguments canonically: equal arguments give
// equal bytes in every process and every build of the same code, whatever
// their memory addresses or the iteration order of their maps.
//
// The encoding is prefix-free (every value is tagged and self-delimiting), so
// a sequence of encoded arguments is unambiguous. Pointers are followed, never
// printed. Numbers are encoded by value, so that int(1), int64(1) and
// float64(1) agree, unless the encoding is typed: then every dynamic type
// met behind an interface is written too.
package canon

import (
	"encoding/binary"
	"errors"
	"math"
)

// ErrUnsupported is returned for values that have no stable identity:
// functions, channels, unsafe pointers, contexts and cyclic values.
var ErrUnsupported = errors.New("cachetoolz: unsupported argument")

// Tags.
const (
	tagNil    = 'n'
	tagFalse  = 'F'
	tagTrue   = 'T'
	tagInt    = 'i'
	tagUint   = 'u'
	tagFloat  = 'f'
	tagCmplx  = 'c'
	tagString = 's'
	tagBytes  = 'y'
	tagList   = 'l'
	tagMap    = 'm'
	tagStruct = 'S'
	tagPtr    = 'p'
	tagType   = 't'
	tagText   = 'x'
	tagBinary = 'B'
	tagTime   = 'w'
)

// nanBits is the one encoding of every NaN.
const nanBits = 0x7ff8000000000001

// AppendInt appends the encoding of an integer: its tag and its word (see
// IntWord), the word big-endian.
func AppendInt(b []byte, v int64) []byte {
	tag, w := IntWord(v)
	return binary.BigEndian.AppendUint64(append(b, tag), w)
}

// AppendUint appends the encoding of an unsigned integer (see UintWord):
// that of the same number as an int64 when it is one.
func AppendUint(b []byte, v uint64) []byte {
	tag, w := UintWord(v)
	return binary.BigEndian.AppendUint64(append(b, tag), w)
}

// IntWord returns the tag and the 8-byte word that encode an integer.
func IntWord(v int64) (tag byte, w uint64) { return tagInt, uint64(v) }

// UintWord returns the tag and the word that encode an unsigned integer:
// those of the same number as an int64 when it is one.
func UintWord(v uint64) (tag byte, w uint64) {
	if v <= math.MaxInt64 {
		return tagInt, v
	}
	return tagUint, v
}

// AppendFloat appends the encoding of a float. A float that is an integer
// in the range of int64 or uint64 encodes as that integer, so that numbers
// equal in value agree. Negative zero is not zero (math.Signbit tells them
// apart): it keeps its own encoding. Every NaN, whatever its sign and
// payload, encodes alike.
func AppendFloat(b []byte, v float64) []byte {
	switch {
	case v == 0 && math.Signbit(v):
	case v == math.Trunc(v) && v >= -(1<<63) && v < 1<<63:
		return AppendInt(b, int64(v))
	case v == math.Trunc(v) && v >= 1<<63 && v < 1<<64:
		return AppendUint(b, uint64(v))
	case math.IsNaN(v):
		return binary.BigEndian.AppendUint64(append(b, tagFloat), nanBits)
	}
	return binary.BigEndian.AppendUint64(append(b, tagFloat), math.Float64bits(v))
}

// AppendComplex appends the encoding of a complex number: that of its real
// part when its imaginary part is +0.
func AppendComplex(b []byte, c complex128) []byte {
	if im := imag(c); im == 0 && !math.Signbit(im) {
		return AppendFloat(b, real(c))
	}
	return AppendFloat(AppendFloat(append(b, tagCmplx), real(c)), imag(c))
}

// AppendBool appends the encoding of a bool.
func AppendBool(b []byte, v bool) []byte {
	if v {
		return append(b, tagTrue)
	}
	return append(b, tagFalse)
}

// AppendString appends the encoding of a string.
func AppendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(append(b, tagString), uint64(len(s)))
	return append(b, s...)
}

// AppendBytes appends the encoding of a byte slice: nil for a nil slice,
// which is not an empty one.
func AppendBytes(b []byte, s []byte) []byte {
	if s == nil {
		return append(b, tagNil)
	}
	return appendBytes(b, s)
}

func appendBytes(b []byte, s []byte) []byte {
	b = binary.AppendUvarint(append(b, tagBytes), uint64(len(s)))
	return append(b, s...)
}

func appendLen(b []byte, tag byte, n int) []byte {
	return binary.AppendUvarint(append(b, tag), uint64(n))
}

func appendRaw(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}
