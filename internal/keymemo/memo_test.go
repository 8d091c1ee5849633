package keymemo

import (
	"encoding/binary"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/cachetoolz/cachetoolz/internal/twoway"
)

// id is the identity of call i in these tests.
func id(i int) []byte { return binary.AppendUvarint([]byte("call"), uint64(i)) }

// The memo keeps nearly every one of a quarter of its size of calls (about
// 98% of them, where one slot per call would keep about 88%): a cache's hot
// calls find their keys there.
func TestMemoHoldsItsShare(t *testing.T) {
	m := New()
	const calls = Slots / 4
	for i := range calls {
		m.Put(id(i), strconv.Itoa(i), "ns:"+strconv.Itoa(i))
	}
	found := 0
	for i := range calls {
		if c := m.Get(id(i)); c != nil {
			if c.Key() != strconv.Itoa(i) || c.Joined() != "ns:"+strconv.Itoa(i) {
				t.Fatalf("call %d: got key %q joined %q", i, c.Key(), c.Joined())
			}
			found++
		}
	}
	if found < calls*90/100 {
		t.Fatalf("the memo holds %d of the last %d calls, want at least 90%%", found, calls)
	}
}

// An entry answers only its own identity: not a prefix of it, not a longer
// one, not one that differs in a byte, whichever slot it is in.
func TestMemoAnswersItsIdentityOnly(t *testing.T) {
	m := New()
	base := []byte("\x01abc\x00")
	i, j := m.Ways(base)
	m.PutIn(i, j, base, "k", "")
	for _, other := range [][]byte{[]byte("\x01abc"), []byte("\x01abc\x00\x00"), []byte("\x01abd\x00"), {}, nil} {
		oi, oj := m.Ways(other)
		// Put the entry where the other identity looks, too.
		m.PutIn(oi, oj, base, "k", "")
		if c := m.Get(other); c != nil {
			t.Errorf("Get(%q) = %q, remembered for %q", other, c.Key(), base)
		}
	}
	if c := m.Get(base); c == nil || c.Key() != "k" {
		t.Errorf("Get(%q) = %v, want key k", base, c)
	}
}

// What does not fit is not remembered; what fits exactly is, and so is a
// key longer than an entry holds in its own memory.
func TestMemoBounds(t *testing.T) {
	m := New()
	longKey := strings.Repeat("K", MaxKey+1)
	if c := m.Put([]byte("long key"), longKey, ""); c == nil || m.Get([]byte("long key")) != c || c.Key() != longKey {
		t.Fatalf("a key of MaxKey+1 bytes is not remembered")
	}
	long := []byte(strings.Repeat("i", MaxID))
	key := strings.Repeat("k", MaxKey)
	if c := m.Put(long, key, "j"); c == nil || m.Get(long) != c || c.Key() != key {
		t.Fatalf("an identity of MaxID bytes and a key of MaxKey bytes are not remembered")
	}
	for _, tc := range []struct {
		id  []byte
		key string
	}{
		{append(long, 'x'), "k"},
		{[]byte("i"), ""},
	} {
		if c := m.Put(tc.id, tc.key, ""); c != nil || m.Get(tc.id) != nil {
			t.Errorf("identity of %d bytes with key of %d bytes was remembered", len(tc.id), len(tc.key))
		}
	}
}

// Goroutines that remember and look up the same calls at once see either
// nothing or the whole entry put for the identity (run with -race).
func TestMemoConcurrent(t *testing.T) {
	m := New()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for n := range 2000 {
				i := (n*7 + g) % 300
				if c := m.Get(id(i)); c != nil && (c.Key() != strconv.Itoa(i) || c.Joined() != "j"+strconv.Itoa(i)) {
					t.Errorf("call %d: key %q joined %q", i, c.Key(), c.Joined())
					return
				}
				m.Put(id(i), strconv.Itoa(i), "j"+strconv.Itoa(i))
			}
		})
	}
	wg.Wait()
}

// wordID is the word identity of w, tag and v, as bytes.
func wordID(w uint64, tag byte, v uint64) []byte {
	return binary.BigEndian.AppendUint64(append(binary.BigEndian.AppendUint64(nil, w), tag), v)
}

// GetWord finds what Put remembered under the bytes of the same word
// identity, and only that: not another owner's, tag's or value's, however
// close.
func TestMemoWords(t *testing.T) {
	m := New()
	type word struct {
		w   uint64
		tag byte
		v   uint64
	}
	words := []word{{1, 'i', 0}, {1, 'i', 1}, {2, 'i', 0}, {1, 'u', 0}, {1, 'i', 1 << 63}, {1 << 56, 'i', 0}, {0, 'i', 1 << 56}}
	for i, x := range words {
		id := wordID(x.w, x.tag, x.v)
		if len(id) != WordLen {
			t.Fatalf("a word identity is %d bytes, WordLen is %d", len(id), WordLen)
		}
		if c := m.Put(id, strconv.Itoa(i), "j"+strconv.Itoa(i)); c == nil {
			t.Fatalf("word %v not remembered", x)
		}
	}
	for i, x := range words {
		c := m.GetWord(x.w, x.tag, x.v)
		if c == nil || c.Key() != strconv.Itoa(i) || c.Joined() != "j"+strconv.Itoa(i) {
			t.Fatalf("GetWord%v = %v, want key %d", x, c, i)
		}
		if b := m.Get(wordID(x.w, x.tag, x.v)); b != c {
			t.Errorf("Get and GetWord of %v answer apart", x)
		}
	}
	for _, x := range []word{{1, 'i', 2}, {3, 'i', 0}, {1, 'x', 1}, {1, 'u', 1 << 63}} {
		if c := m.GetWord(x.w, x.tag, x.v); c != nil {
			t.Errorf("GetWord%v = key %q, never remembered", x, c.Key())
		}
	}
	// Another identity of WordLen bytes put in the word's slots, which
	// differs in its value, its owner or its tag alone, is not the word's.
	i, j := m.Ways(wordID(5, 'i', 5))
	for _, other := range [][]byte{wordID(5, 'i', 6), wordID(6, 'i', 5), wordID(5, 'u', 5)} {
		m.PutIn(i, j, other, "other", "")
		if c := m.GetWord(5, 'i', 5); c != nil {
			t.Errorf("GetWord(5, i, 5) = %q, remembered for %x", c.Key(), other)
		}
	}
}

// Each way an entry holds its keys (the joined key in its text with the key
// as its end, the key in its text and the joined key apart, or both apart)
// answers the keys it was given.
func TestCallHoldsItsKeys(t *testing.T) {
	short := []byte("id")
	longID := []byte(strings.Repeat("i", MaxID))
	roomy := strings.Repeat("k", MaxKey+10) // fits beside a short identity only
	for _, tc := range []struct {
		name        string
		id          []byte
		key, joined string
	}{
		{"joined ends with the key", short, "key", "ns:key"},
		{"joined is the key", short, "key", "key"},
		{"joined does not end with the key", short, "key", "key:ns"},
		{"no joined key", short, "key", ""},
		{"joined too long for the text", longID, "key", strings.Repeat("j", MaxKey+1) + "key"},
		{"key longer than MaxKey, room beside the identity", short, roomy, "ns:" + roomy},
		{"key longer than MaxKey, no room", longID, strings.Repeat("k", MaxKey+1), "ns"},
		{"key of MaxKey beside the longest identity", longID, strings.Repeat("k", MaxKey), "ns:" + strings.Repeat("k", MaxKey)},
	} {
		m := New()
		c := m.Put(tc.id, tc.key, tc.joined)
		if c == nil {
			t.Errorf("%s: not remembered", tc.name)
			continue
		}
		if g := m.Get(tc.id); g != c {
			t.Errorf("%s: Get answers %p, Put made %p", tc.name, g, c)
		}
		if c.Key() != tc.key || c.Joined() != tc.joined {
			t.Errorf("%s: got key %q joined %q, want %q and %q", tc.name, c.Key(), c.Joined(), tc.key, tc.joined)
		}
	}
}

// The lookup of a word identity, and the keys it answers when the joined
// key is namespace:key with a key of 32 bytes and a namespace of up to 11,
// read the first line of the entry's memory alone.
func TestCallLayout(t *testing.T) {
	const line = 64
	var c Call
	if end := unsafe.Offsetof(c.text) + WordLen + 11 + 1 + 32; end > line {
		t.Errorf("a word identity and its keys end at byte %d of an entry, past its first line", end)
	}
	if off := unsafe.Offsetof(twoway.Slot[Call]{}.Value); off != 0 {
		t.Errorf("an entry starts at byte %d of its slot", off)
	}
}

// Whatever its identity and keys, an entry answers the keys Put was given,
// for its own identity, or Put remembers nothing because they do not fit.
func FuzzMemo(f *testing.F) {
	f.Add([]byte("id"), "key", "ns:key")
	f.Add([]byte(strings.Repeat("i", MaxID)), strings.Repeat("k", MaxKey+1), "")
	f.Add([]byte{}, "k", "k")
	f.Add(wordID(1, 'i', 2), "abc", "ns:abc")
	f.Fuzz(func(t *testing.T, id []byte, key, joined string) {
		m := New()
		c := m.Put(id, key, joined)
		if c == nil {
			if fits(id, key) {
				t.Fatalf("identity of %d bytes with a key of %d not remembered", len(id), len(key))
			}
			return
		}
		if m.Get(id) != c || !c.Is(id) {
			t.Fatalf("Get does not answer the entry Put made")
		}
		if c.Key() != key || c.Joined() != joined {
			t.Fatalf("got key %q joined %q, want %q and %q", c.Key(), c.Joined(), key, joined)
		}
		if len(id) == WordLen && m.GetWord(binary.BigEndian.Uint64(id), id[8], binary.BigEndian.Uint64(id[9:])) != c {
			t.Fatalf("GetWord does not answer the entry of a word identity")
		}
	})
}
