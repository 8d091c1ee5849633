package rediscache

import (
	"strings"
	"testing"
)

func TestGetKeysMatchKeys(t *testing.T) {
	for _, shards := range []int{1, 16} {
		for _, ns := range []string{"", "users", "user*", "{x}", "%", "ünï\x00", "a:b"} {
			for _, key := range []string{"", "k", "a:b", "\xff"} {
				k := newKeys("p:", ns, shardOf(key, shards))
				g, e := getKeys("p:", ns, key, shards)
				if g != k.gen() || e != k.entry(key) {
					t.Errorf("getKeys(%q, %q, %d) = %q, %q; want %q, %q", ns, key, shards, g, e, k.gen(), k.entry(key))
				}
			}
		}
	}
}

// fuzzShard maps a fuzzed int to a shard.
func fuzzShard(i int) int { return int(uint(i) % maxShards) }

// tagOf returns the hash tag of shard of ns.
func tagOf(ns string, shard int) string {
	base := newKeys("p:", ns, shard).base
	return base[len("p:{") : len(base)-len("}:")]
}

func FuzzEscapeInjective(f *testing.F) {
	f.Add("user*", 0, "users", 0)
	f.Add("", 0, "%", 0)
	f.Add("a}b", 0, "a%7Db", 0)
	f.Add("a", 1, "a%/1", 0)
	f.Add("", 3, "%", 3)
	f.Fuzz(func(t *testing.T, a string, i int, b string, j int) {
		i, j = fuzzShard(i), fuzzShard(j)
		if (a != b || i != j) && newKeys("p:", a, i).base == newKeys("p:", b, j).base {
			t.Fatalf("namespaces %q/%d and %q/%d share keys %q", a, i, b, j, newKeys("p:", a, i).base)
		}
	})
}

// FuzzParseTag: every tag the backend writes parses back to its namespace
// and shard, through parseKey as through parseTag, and a tag that parses
// is the one spelling of its namespace and shard.
func FuzzParseTag(f *testing.F) {
	for _, ns := range []string{"", "%", "users", "a{b}", "x*?[]\\", "\x00\x7f\xff", "üñí", "%25", "a%/1"} {
		f.Add(ns, 0)
		f.Add(ns, 15)
	}
	f.Fuzz(func(t *testing.T, ns string, shard int) {
		shard = fuzzShard(shard)
		tag := tagOf(ns, shard)
		got, gotShard, ok := parseTag(tag)
		if !ok || got != ns || gotShard != shard {
			t.Fatalf("parseTag(%q) = %q, %d, %v; want %q, %d", tag, got, gotShard, ok, ns, shard)
		}
		name := newKeys("p{x}:", ns, shard).entry("k:}{")
		got, gotShard, rest, ok := parseKey("p{x}:", name)
		if !ok || got != ns || gotShard != shard || rest != "k:k:}{" {
			t.Fatalf("parseKey(%q) = %q, %d, %q, %v", name, got, gotShard, rest, ok)
		}
		// Whatever parses is what the backend writes: one spelling per
		// namespace and shard.
		if back, i, ok := parseTag(ns); ok && tagOf(back, i) != ns {
			t.Fatalf("parseTag accepted %q, written as %q", ns, tagOf(back, i))
		}
	})
}

func TestParseTagRejects(t *testing.T) {
	good := tagOf("ns", 5)
	for _, tag := range []string{
		"", "ns%/0@@@@", "ns%/05" + good[len(good)-4:], "ns%/5", "ns%/", "ns%/x@@@@",
		"ns%/5" + strings.ToLower(good[len(good)-4:]), "ns%/2000@@@@",
		good[:len(good)-1] + "P", // one free byte off
		"ns%/6" + good[len(good)-4:],
	} {
		if ns, shard, ok := parseTag(tag); ok {
			t.Errorf("parseTag(%q) = %q, %d; want rejected", tag, ns, shard)
		}
	}
}

func TestCRC16(t *testing.T) {
	// The check value of CRC-16/XMODEM, which Redis Cluster uses.
	if got := crc16(0, "123456789"); got != 0x31C3 {
		t.Fatalf("crc16 = %#04x, want 0x31c3", got)
	}
}

// The shards of a namespace lie evenly around the slot space, starting at
// the slot of shard 0.
func TestShardSlots(t *testing.T) {
	for _, ns := range []string{"", "users", "a{b}", "üñí", strings.Repeat("x", 300)} {
		slot0 := crc16(0, tagOf(ns, 0)) & slotMask
		seen := map[uint16]bool{}
		for shard := range 16 {
			slot := crc16(0, tagOf(ns, shard)) & slotMask
			if d := (slot - slot0) & slotMask; d%1024 != 0 {
				t.Errorf("%q shard %d: slot %d is %d after shard 0's, want a multiple of 1024", ns, shard, slot, d)
			}
			seen[slot] = true
		}
		if len(seen) != 16 {
			t.Errorf("%q: 16 shards on %d slots", ns, len(seen))
		}
	}
}

func TestShardOfSpreads(t *testing.T) {
	var n [16]int
	for i := range 1600 {
		n[shardOf(strings.Repeat("k", i%7)+string(rune('a'+i%26))+string(rune(i)), 16)]++
	}
	for s, c := range n {
		if c < 50 || c > 150 {
			t.Errorf("shard %d holds %d of 1600 keys", s, c)
		}
	}
	if shardOf("anything", 1) != 0 {
		t.Error("one shard: not shard 0")
	}
}

// The seed layout's key is the namespace, a colon and the key, byte for
// byte, whatever they hold.
func TestSeedKey(t *testing.T) {
	for _, c := range [][3]string{
		{"users", "5d41402abc4b2a76b9719d911017c592", "users:5d41402abc4b2a76b9719d911017c592"},
		{"", "k", ":k"},
		{"a:b*[c]", "", "a:b*[c]:"},
		{"ü\x00", "\xff", "ü\x00:\xff"},
	} {
		if got := seedKey(c[0], c[1]); got != c[2] {
			t.Errorf("seedKey(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}

// keySlot agrees with CLUSTER KEYSLOT of a Redis server (7.0) on keys with
// and without hash tags, empty or unclosed ones among them.
func TestKeySlot(t *testing.T) {
	for key, want := range map[string]uint16{
		"foo":                  12182,
		"bar":                  5061,
		"hello":                866,
		"ns:abc":               13691,
		"{user1000}.following": 3443,
		"a{}b":                 13694,
		"{}x":                  10595,
		"x{y":                  2740,
		"p{q}r{s}":             11958,
		"{{a}}":                10276,
		"bench:seed:1::0123456789abcdef0123456789abcdef": 755,
	} {
		if got := keySlot(key); got != want {
			t.Errorf("keySlot(%q) = %d, want %d", key, got, want)
		}
	}
}

// seedSlot, which skips the join when no brace can start a hash tag, gives
// the slot of the joined key, braces in either half or across the two
// included.
func TestSeedSlot(t *testing.T) {
	for _, tc := range [][2]string{
		{"ns", "abc"}, {"", ""}, {"bench:seed:1:", "0123456789abcdef0123456789abcdef"},
		{"{user1000}", "k"}, {"ns", "{tag}rest"}, {"a{", "}b"}, {"a{", "b}"}, {"x", "{}y"}, {"{", ""},
	} {
		if got, want := seedSlot(tc[0], tc[1]), keySlot(seedKey(tc[0], tc[1])); got != want {
			t.Errorf("seedSlot(%q, %q) = %d, want %d", tc[0], tc[1], got, want)
		}
	}
}

func FuzzSeedSlot(f *testing.F) {
	f.Add("ns", "key")
	f.Add("a{", "}b")
	f.Fuzz(func(t *testing.T, namespace, key string) {
		if got, want := seedSlot(namespace, key), keySlot(seedKey(namespace, key)); got != want {
			t.Fatalf("seedSlot(%q, %q) = %d, want %d", namespace, key, got, want)
		}
	})
}
