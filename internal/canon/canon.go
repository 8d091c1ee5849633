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
// functions, channels and unsafe pointers.
var ErrUnsupported = errors.New("cachetoolz: unsupported argument type")

// ErrTooDeep is returned for values nested deeper than MaxDepth, which is
// what a cyclic value looks like.
var ErrTooDeep = errors.New("cachetoolz: argument nested too deeply (cyclic?)")

// MaxDepth bounds the nesting of an encoded value.
const MaxDepth = 64

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
	tagType   = 't'
	tagText   = 'x'
	tagBinary = 'B'
	tagTime   = 'w'
)

// AppendInt appends the encoding of an integer.
func AppendInt(b []byte, v int64) []byte {
	return binary.BigEndian.AppendUint64(append(b, tagInt), uint64(v))
}

// AppendUint appends the encoding of an unsigned integer.
func AppendUint(b []byte, v uint64) []byte {
	if v <= math.MaxInt64 {
		return AppendInt(b, int64(v))
	}
	return binary.BigEndian.AppendUint64(append(b, tagUint), v)
}

// AppendFloat appends the encoding of a float: integral values in the range
// of int64 encode as integers, every NaN encodes alike, and -0 as 0.
func AppendFloat(b []byte, v float64) []byte {
	if v == math.Trunc(v) && v >= -(1<<63) && v < 1<<63 {
		return AppendInt(b, int64(v))
	}
	if math.IsNaN(v) {
		v = math.NaN()
	}
	return binary.BigEndian.AppendUint64(append(b, tagFloat), math.Float64bits(v))
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

// AppendBytes appends the encoding of a byte slice or array.
func AppendBytes(b []byte, s []byte) []byte {
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
