package pykey_test

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"math"
	"math/big"
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/pykey"
)

// fuzzValues builds arguments from fuzz input: the same input, equal (but
// not shared) values.
type fuzzValues struct{ b []byte }

func (d *fuzzValues) next() byte {
	if len(d.b) == 0 {
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *fuzzValues) bytes(n int) []byte {
	n = min(n, len(d.b))
	out := bytes.Clone(d.b[:n])
	d.b = d.b[n:]
	return out
}

func (d *fuzzValues) u64() uint64 {
	var b [8]byte
	copy(b[:], d.bytes(8))
	return binary.LittleEndian.Uint64(b[:])
}

// key returns a comparable value, fit for a map key.
func (d *fuzzValues) key() any {
	switch d.next() % 8 {
	case 0:
		return nil
	case 1:
		return d.next()&1 == 1
	case 2:
		return int64(d.u64())
	case 3:
		return d.u64()
	case 4:
		return math.Float64frombits(d.u64())
	case 5:
		return [2]any{int8(d.next()), string(d.bytes(int(d.next() % 4)))}
	case 6:
		return [2]byte{d.next(), d.next()}
	default:
		return string(d.bytes(int(d.next() % 8)))
	}
}

func (d *fuzzValues) value(depth int) any {
	c := d.next()
	if depth <= 0 {
		c %= 10
	}
	switch c % 16 {
	case 0, 1, 2, 3, 4:
		return d.key()
	case 5:
		x := new(big.Int).SetBytes(d.bytes(int(d.next())))
		if d.next()&1 == 1 {
			x.Neg(x)
		}
		return x
	case 6:
		return math.Float32frombits(uint32(d.u64()))
	case 7:
		return d.bytes(int(d.next()))
	case 8:
		return string(d.bytes(int(d.next()) * 300)) // past 255 and 64 KiB
	case 9:
		var p *int
		if d.next()&1 == 1 {
			p = new(int)
		}
		return p
	case 10, 11:
		t := make(pykey.Tuple, d.next()%6)
		for i := range t {
			t[i] = d.value(depth - 1)
		}
		return t
	case 12, 13:
		l := make([]any, d.next()%6)
		if c%16 == 13 {
			// Past pickle's batches of 1000, of scalars only.
			l = make([]any, int(d.next())*int(d.next()%9))
			depth = 1
		}
		for i := range l {
			l[i] = d.value(depth - 1)
		}
		return l
	default:
		m := map[any]any{}
		for range d.next() % 6 {
			m[d.key()] = d.value(depth - 1)
		}
		return m
	}
}

func (d *fuzzValues) args() []any {
	var args []any
	for range d.next() % 5 {
		args = append(args, d.value(3))
	}
	if d.next()&1 == 1 {
		kw := pykey.Kwargs{}
		for range d.next() % 5 {
			kw[string(d.bytes(int(d.next()%3)))] = d.value(2)
		}
		args = append(args, kw)
	}
	return args
}

func FuzzKey(f *testing.F) {
	f.Add([]byte{}, false)
	f.Add([]byte{2, 2, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0}, true)
	f.Add([]byte{3, 10, 4, 0, 1, 2, 1, 1, 1, 8, 3}, true)
	f.Add([]byte{1, 12, 200, 3, 0, 1, 3, 9, 9, 9, 1, 3, 1, 'a', 4, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f}, true)
	f.Add([]byte{1, 14, 5, 2, 1, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0x80, 5, 1, 0xff}, false)
	f.Add([]byte{2, 8, 250, 'x', 'y', 5, 40, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1}, true)
	f.Fuzz(func(t *testing.T, data []byte, typed bool) {
		args := (&fuzzValues{b: data}).args()
		again := (&fuzzValues{b: data}).args()
		g := pykey.Generator{Module: "mod", Name: "fun"}
		k1, err1 := g.Key(typed, cachetoolz.Function{}, args)
		k2, err2 := g.Key(typed, cachetoolz.Function{}, again)
		if (err1 == nil) != (err2 == nil) || k1 != k2 {
			t.Fatalf("equal arguments: %q, %v and %q, %v", k1, err1, k2, err2)
		}
		if err1 != nil {
			if !errors.Is(err1, cachetoolz.ErrUnsupportedArgument) {
				t.Fatalf("%v does not wrap ErrUnsupportedArgument", err1)
			}
			return
		}
		p4, err := g.Pickle(typed, cachetoolz.Function{}, args)
		if err != nil {
			t.Fatal(err)
		}
		if sum := md5.Sum(p4); hex.EncodeToString(sum[:]) != k1 {
			t.Fatalf("key %s is not the MD5 of the pickle", k1)
		}
		checkPickle(t, p4)
		g.Protocol = 5
		p5, err := g.Pickle(typed, cachetoolz.Function{}, args)
		if err != nil {
			t.Fatal(err)
		}
		if p5[1] != 5 || !bytes.Equal(p4[2:], p5[2:]) {
			t.Fatal("protocol 5 differs from 4 beyond its number")
		}
	})
}

// checkPickle walks the opcodes of a pickle: every opcode known, frames
// ending on opcode boundaries, memo references to memoized objects, and
// STOP last.
func checkPickle(t *testing.T, b []byte) {
	t.Helper()
	if len(b) < 3 || b[0] != 0x80 || b[1] != 4 {
		t.Fatalf("no PROTO 4: % x", b[:min(3, len(b))])
	}
	frameEnd, memo := -1, 0
	le := func(i, n int) int {
		if i+n > len(b) {
			t.Fatalf("argument past the end at %d", i)
		}
		var v [8]byte
		copy(v[:], b[i:i+n])
		return int(binary.LittleEndian.Uint64(v[:]))
	}
	for i := 2; i < len(b); {
		if i == frameEnd {
			frameEnd = -1
		}
		op := b[i]
		i++
		n := 0 // argument length
		switch op {
		case '(', 'N', 0x88, 0x89, ')', 0x85, 0x86, 0x87, 't', ']', '}', 'a', 'e', 's', 'u', 0x93, 'R':
		case '.':
			if i != len(b) {
				t.Fatalf("STOP at %d of %d", i-1, len(b))
			}
			if frameEnd >= 0 && frameEnd != i {
				t.Fatalf("frame ends at %d, STOP at %d", frameEnd, i-1)
			}
			return
		case 0x94:
			memo++
		case 'h', 'j':
			w := map[byte]int{'h': 1, 'j': 4}[op]
			if le(i, w) >= memo {
				t.Fatalf("memo reference %d of %d at %d", le(i, w), memo, i)
			}
			n = w
		case 0x95:
			if frameEnd >= 0 {
				t.Fatalf("frame in a frame at %d", i-1)
			}
			size := le(i, 8)
			if size < 4 {
				t.Fatalf("frame of %d bytes at %d", size, i-1)
			}
			frameEnd = i + 8 + size
			n = 8
		case 'K':
			n = 1
		case 'M':
			n = 2
		case 'J':
			n = 4
		case 'G':
			n = 8
		case 0x8a, 0x8c, 'C':
			n = 1 + le(i, 1)
		case 0x8b, 'X', 'B':
			n = 4 + le(i, 4)
			if op != 0x8b && frameEnd >= 0 && n-4 >= 64*1024 {
				t.Fatalf("payload of %d bytes in a frame at %d", n-4, i-1)
			}
		default:
			t.Fatalf("unexpected opcode %#x at %d", op, i-1)
		}
		i += n
		if frameEnd >= 0 && i > frameEnd {
			t.Fatalf("opcode at %d crosses the end of its frame at %d", i-n-1, frameEnd)
		}
	}
	t.Fatal("no STOP")
}
