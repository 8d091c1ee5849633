package pykey

import (
	"encoding/binary"
	"math"
	"math/big"
	"math/bits"
	"unicode/utf8"
)

// Pickle opcodes.
const (
	opMark           = '('
	opStop           = '.'
	opBinFloat       = 'G'
	opBinInt         = 'J'
	opBinInt1        = 'K'
	opBinInt2        = 'M'
	opNone           = 'N'
	opReduce         = 'R'
	opBinBytes       = 'B'
	opShortBinBytes  = 'C'
	opBinUnicode     = 'X'
	opAppend         = 'a'
	opEmptyDict      = '}'
	opAppends        = 'e'
	opBinGet         = 'h'
	opLongBinGet     = 'j'
	opEmptyList      = ']'
	opSetItem        = 's'
	opTuple          = 't'
	opEmptyTuple     = ')'
	opSetItems       = 'u'
	opProto          = 0x80
	opTuple1         = 0x85
	opNewTrue        = 0x88
	opNewFalse       = 0x89
	opLong1          = 0x8a
	opLong4          = 0x8b
	opShortBinUnicod = 0x8c
	opBinUnicode8    = 0x8d
	opBinBytes8      = 0x8e
	opStackGlobal    = 0x93
	opMemoize        = 0x94
	opFrame          = 0x95
)

const (
	// batchSize is the number of list items or dict entries per APPENDS or
	// SETITEMS.
	batchSize = 1000
	// frameTarget is the size at which a frame ends at the next value, and
	// the size of a str or bytes payload written outside any frame.
	frameTarget = 64 * 1024
	// frameMin is the smallest frame that gets a FRAME header.
	frameMin       = 4
	frameHeaderLen = 9
)

// pickler writes a pickle as CPython's C pickler does for the values of a
// key, frames and memo included.
type pickler struct {
	buf        []byte
	frameStart int // offset of the open frame's header, or -1
	memoLen    int
	// Scratch space of Generator.pickle, kept with the pickler in its pool.
	pos, vals []object
	names     []string
	kinds     []kind

	head     head          // the start of the last pickle, for the next one
	shared   memoTable     // shared str objects: their memo indexes
	sharedB  memoTable     // shared bytes objects: their memo indexes
	types    [numKinds]int // memo index+1 of each type object
	typeType int           // memo index+1 of the global builtins.type
}

// start begins the pickle of a key of the given protocol, 4 or 5, of the
// function module.name: it writes the key's outer tuple up to the tuple
// (module, name), with a MARK when the outer tuple is long (mark), and
// leaves the memo with the objects written. A pickler keeps the start it
// wrote last, which the next key of the same function copies.
func (p *pickler) start(proto byte, mark bool, module, name string) {
	h := &p.head
	if h.buf != nil && h.proto == proto && h.mark == mark && h.names(module, name) {
		p.buf = append(p.buf[:0], h.buf...)
		p.frameStart, p.memoLen = h.frameStart, h.memoLen
		p.shared.reset()
		p.shared.list = append(p.shared.list, h.shared...)
		return
	}
	p.shared.reset()
	p.memoLen = 0
	p.buf = append(p.buf[:0], opProto, proto)
	p.frameStart = -1
	p.boundary()
	if mark {
		p.op(opMark)
	}
	p.boundary()
	p.name(module)
	p.name(name)
	p.op(opTuple1 + 1)
	p.memoize()
	if len(p.buf) > headMax || p.shared.m != nil {
		*h = head{}
		return
	}
	*h = head{
		buf:        append(h.buf[:0], p.buf...),
		shared:     append(h.shared[:0], p.shared.list...),
		module:     module,
		name:       name,
		frameStart: p.frameStart,
		memoLen:    p.memoLen,
		proto:      proto,
		mark:       mark,
	}
}

// head is the start of a key's pickle (see pickler.start) and the
// pickler's state after it.
type head struct {
	buf          []byte      // nil when none is kept
	shared       []memoEntry // the shared strings written
	module, name string
	frameStart   int
	memoLen      int
	proto        byte
	mark         bool
}

// headMax bounds the start a pickler keeps, in bytes.
const headMax = 512

// names reports whether h is the start of a key of module.name; the
// names of a start that is kept are valid UTF-8.
func (h *head) names(module, name string) bool {
	return h.buf != nil && h.module == module && h.name == name
}

// finish ends the pickle and returns it.
func (p *pickler) finish() []byte {
	p.op(opStop)
	p.commit()
	return p.buf
}

// open starts a frame unless one is open.
func (p *pickler) open() {
	if p.frameStart < 0 {
		p.frameStart = len(p.buf)
		p.buf = append(p.buf, opFrame, 0, 0, 0, 0, 0, 0, 0, 0)
	}
}

// commit ends the open frame: a frame too small to be worth a header loses
// it.
func (p *pickler) commit() {
	if p.frameStart < 0 {
		return
	}
	n := len(p.buf) - p.frameStart - frameHeaderLen
	if n >= frameMin {
		binary.LittleEndian.PutUint64(p.buf[p.frameStart+1:], uint64(n))
	} else {
		copy(p.buf[p.frameStart:], p.buf[p.frameStart+frameHeaderLen:])
		p.buf = p.buf[:len(p.buf)-frameHeaderLen]
	}
	p.frameStart = -1
}

// boundary is where the pickler starts saving a value: a frame that has
// reached the target size ends there.
func (p *pickler) boundary() {
	if p.frameStart >= 0 && len(p.buf)-p.frameStart-frameHeaderLen >= frameTarget {
		p.commit()
	}
}

func (p *pickler) op(c byte) {
	p.open()
	p.buf = append(p.buf, c)
}

func (p *pickler) op1(c, arg byte) {
	p.open()
	p.buf = append(p.buf, c, arg)
}

func (p *pickler) op4(c byte, arg uint32) {
	p.open()
	p.buf = binary.LittleEndian.AppendUint32(append(p.buf, c), arg)
}

// data writes a str or bytes opcode with its payload: a large payload goes
// outside any frame, ending the open one.
func (p *pickler) data(short, long, long8 byte, s string) {
	n := len(s)
	if n >= frameTarget {
		p.commit()
	} else {
		p.open()
	}
	p.buf = append(appendHeader(p.buf, short, long, long8, uint64(n)), s...)
}

// appendHeader appends the opcode and length of a str or bytes payload of
// n bytes: one byte of length up to 255, four up to 4 GiB, else eight.
func appendHeader(b []byte, short, long, long8 byte, n uint64) []byte {
	switch {
	case n <= 0xff:
		return append(b, short, byte(n))
	case n <= math.MaxUint32:
		return binary.LittleEndian.AppendUint32(append(b, long), uint32(n))
	}
	return binary.LittleEndian.AppendUint64(append(b, long8), n)
}

// memoize records the object just written.
func (p *pickler) memoize() int {
	p.op(opMemoize)
	p.memoLen++
	return p.memoLen - 1
}

// get refers back to a memoized object.
func (p *pickler) get(i int) {
	if i < 256 {
		p.op1(opBinGet, byte(i))
	} else {
		p.op4(opLongBinGet, uint32(i))
	}
}

// singleStr reports whether CPython keeps one instance of s: the empty
// string and one-character Latin-1 strings.
func singleStr(s string) bool {
	if s == "" {
		return true
	}
	r, n := utf8.DecodeRuneInString(s)
	return n == len(s) && r < 0x100
}

// str saves a string; shared strings are one object wherever they occur.
func (p *pickler) str(s string, shared bool) {
	if shared {
		if i, ok := p.shared.get(s); ok {
			p.get(i)
			return
		}
	}
	p.data(opShortBinUnicod, opBinUnicode, opBinUnicode8, s)
	i := p.memoize()
	if shared {
		p.shared.put(s, i)
	}
}

// name saves an interned string.
func (p *pickler) name(s string) {
	p.boundary()
	p.str(s, true)
}

func (p *pickler) bytes(s string) {
	shared := len(s) <= 1
	if shared {
		if i, ok := p.sharedB.get(s); ok {
			p.get(i)
			return
		}
	}
	p.data(opShortBinBytes, opBinBytes, opBinBytes8, s)
	i := p.memoize()
	if shared {
		p.sharedB.put(s, i)
	}
}

// save saves a value.
func (p *pickler) save(o *object) {
	p.boundary()
	switch o.kind {
	case kNone:
		p.op(opNone)
	case kBool:
		if o.b {
			p.op(opNewTrue)
		} else {
			p.op(opNewFalse)
		}
	case kInt:
		if o.big != nil {
			p.long(o.big)
		} else {
			p.int(o.i)
		}
	case kFloat:
		f := o.f
		bits := math.Float64bits(f)
		if f != f {
			// Python's float('nan'), keeping the sign.
			bits = bits&(1<<63) | 0x7ff8_0000_0000_0000
		}
		p.open()
		p.buf = binary.BigEndian.AppendUint64(append(p.buf, opBinFloat), bits)
	case kStr:
		p.str(o.s, singleStr(o.s))
	case kBytes:
		p.bytes(o.s)
	case kTuple:
		p.tuple(o.items)
	case kList:
		p.op(opEmptyList)
		p.memoize()
		switch n := len(o.items); {
		case n == 1:
			p.save(&o.items[0])
			p.op(opAppend)
		case n > 1:
			for i := 0; i < n; i += batchSize {
				p.op(opMark)
				for j := i; j < min(n, i+batchSize); j++ {
					p.save(&o.items[j])
				}
				p.op(opAppends)
			}
		}
	case kDict:
		p.op(opEmptyDict)
		p.memoize()
		switch n := len(o.items) / 2; {
		case n == 1:
			p.save(&o.items[0])
			p.save(&o.items[1])
			p.op(opSetItem)
		case n > 1:
			// CPython ends a dict whose size is a multiple of the batch
			// size with an empty batch.
			for i := 0; i <= n; i += batchSize {
				p.op(opMark)
				for j := i; j < min(n, i+batchSize); j++ {
					p.save(&o.items[2*j])
					p.save(&o.items[2*j+1])
				}
				p.op(opSetItems)
			}
		}
	}
}

// tuple saves a tuple of items.
func (p *pickler) tuple(items []object) {
	if p.tupleOpen(len(items)) {
		for i := range items {
			p.save(&items[i])
		}
		p.tupleClose(len(items))
	}
}

// tupleOpen starts a tuple of n items, and reports whether the items and
// tupleClose follow: the empty tuple is whole at once.
func (p *pickler) tupleOpen(n int) bool {
	switch {
	case n == 0:
		p.op(opEmptyTuple)
		return false
	case n > 3:
		p.op(opMark)
	}
	return true
}

// tupleClose ends a tuple of n items, n > 0.
func (p *pickler) tupleClose(n int) {
	if n > 3 {
		p.op(opTuple)
	} else {
		p.op(opTuple1 + byte(n-1))
	}
	p.memoize()
}

// int saves an integer with the smallest of Python's opcodes.
func (p *pickler) int(v int64) {
	switch {
	case v >= 0 && v <= 0xff:
		p.op1(opBinInt1, byte(v))
	case v >= 0 && v <= 0xffff:
		p.open()
		p.buf = binary.LittleEndian.AppendUint16(append(p.buf, opBinInt2), uint16(v))
	case v >= math.MinInt32 && v <= math.MaxInt32:
		p.op4(opBinInt, uint32(int32(v)))
	default:
		// Eight bytes of two's complement, and a ninth for the sign.
		var b [9]byte
		binary.LittleEndian.PutUint64(b[:], uint64(v))
		if v < 0 {
			b[8] = 0xff
		}
		mag := uint64(v)
		if v < 0 {
			mag = -mag
		}
		p.longBytes(b[:longLen(bits.Len64(mag), v < 0, b[:])])
	}
}

// longLen is the number of bytes Python's pickle gives an int of nbits
// significant bits (of its absolute value), le being its two's complement,
// little-endian, at least that long.
func longLen(nbits int, neg bool, le []byte) int {
	n := nbits/8 + 1
	// A negative number may need a byte less: when the top byte is all
	// sign bits.
	if neg && n > 1 && le[n-1] == 0xff && le[n-2]&0x80 != 0 {
		n--
	}
	return n
}

// long saves an integer outside the int64 range.
func (p *pickler) long(x *big.Int) {
	nbits := x.BitLen()
	n := nbits/8 + 1
	le := make([]byte, n)
	if x.Sign() >= 0 {
		x.FillBytes(le)
	} else {
		// 2^(8n) + x, the two's complement in n bytes.
		t := new(big.Int).Lsh(big.NewInt(1), uint(8*n))
		t.Add(t, x)
		t.FillBytes(le)
	}
	// FillBytes is big-endian.
	for i, j := 0, n-1; i < j; i, j = i+1, j-1 {
		le[i], le[j] = le[j], le[i]
	}
	p.longBytes(le[:longLen(nbits, x.Sign() < 0, le)])
}

func (p *pickler) longBytes(le []byte) {
	if len(le) < 256 {
		p.op1(opLong1, byte(len(le)))
	} else {
		p.op4(opLong4, uint32(len(le)))
	}
	p.buf = append(p.buf, le...)
}

// typ saves the type object of a kind: a global of the builtins module, or
// for NoneType the call type(None).
func (p *pickler) typ(k kind) {
	p.boundary()
	if i := p.types[k]; i > 0 {
		p.get(i - 1)
		return
	}
	if k == kNone {
		p.boundary()
		if p.typeType > 0 {
			p.get(p.typeType - 1)
		} else {
			p.typeType = p.global("type") + 1
		}
		p.save(&object{kind: kTuple, items: []object{{kind: kNone}}})
		p.op(opReduce)
		p.memoize()
	} else {
		p.global(typeNames[k])
	}
	p.types[k] = p.memoLen // the index just memoized, plus one
}

// global saves a global of the builtins module and returns its memo index.
func (p *pickler) global(name string) int {
	p.name("builtins")
	p.boundary()
	p.str(name, false)
	p.op(opStackGlobal)
	return p.memoize()
}
