package rediscache

import "testing"

func TestParseTrackedKey(t *testing.T) {
	for _, c := range []struct {
		k, ns, key string
		kind       trackedKind
	}{
		{"p:{ns}:g", "ns", "", trackedGen},
		{"p:{ns}:k:a:b", "ns", "a:b", trackedEntry},
		{"p:{ns}:k:", "ns", "", trackedEntry},
		{"p:{%}:g", "", "", trackedGen},
		{"p:{a%7Bb%25}:k:x", "a{b%", "x", trackedEntry},
		{"p:{ns}:i:123", "", "", trackedOther},
		{"p:{ns}:p", "", "", trackedOther},
		{"p:{ns}:l:1:k", "", "", trackedOther},
		{"q:{ns}:g", "", "", trackedOther},
		{"p:{}:g", "", "", trackedOther},
		{"p:{%41}:g", "", "", trackedOther}, // 'A' is never escaped
		{"p:{%7}:g", "", "", trackedOther},
		{"p:{a*}:g", "", "", trackedOther},
		{"p:{ns:g", "", "", trackedOther},
	} {
		ns, key, kind := parseTrackedKey("p:", c.k)
		if ns != c.ns || key != c.key || kind != c.kind {
			t.Errorf("parseTrackedKey(%q) = %q, %q, %d; want %q, %q, %d", c.k, ns, key, kind, c.ns, c.key, c.kind)
		}
	}
}

// FuzzParseTrackedKey checks that the parser inverts the layout: the entry
// and generation keys of any namespace and key parse back to them, and
// whatever parses is a key the layout writes.
func FuzzParseTrackedKey(f *testing.F) {
	f.Add("cachetoolz:", "ns", "key", uint8(0))
	f.Add("", "", "", uint8(1))
	f.Add("a{b}:", "x}{%", "k:g", uint8(2))
	f.Add("p", "%7B", "\x00", uint8(200))
	f.Fuzz(func(t *testing.T, prefix, namespace, key string, shard uint8) {
		k := newKeys(prefix, namespace, int(shard)%clusterShards)
		if ns, got, kind := parseTrackedKey(prefix, k.entry(key)); kind != trackedEntry || ns != namespace || got != key {
			t.Fatalf("entry key %q parsed as %q, %q, %d", k.entry(key), ns, got, kind)
		}
		if ns, _, kind := parseTrackedKey(prefix, k.gen()); kind != trackedGen || ns != namespace {
			t.Fatalf("generation key %q parsed as %q, %d", k.gen(), ns, kind)
		}
		for _, other := range []string{k.index(key), k.pending(), k.lock(key, key), k.wake(key, key)} {
			if _, _, kind := parseTrackedKey(prefix, other); kind != trackedOther {
				t.Fatalf("key %q parsed as kind %d", other, kind)
			}
		}
		// Any string: what parses is what the layout writes.
		raw := prefix + namespace + key
		switch ns, got, kind := parseTrackedKey(prefix, raw); kind {
		case trackedEntry:
			if w := newKeys(prefix, ns, 0).entry(got); !parsesTo(prefix, raw, w) {
				t.Fatalf("%q parsed as entry %q, %q, which is %q", raw, ns, got, w)
			}
		case trackedGen:
			if w := newKeys(prefix, ns, 0).gen(); !parsesTo(prefix, raw, w) {
				t.Fatalf("%q parsed as generation of %q, which is %q", raw, ns, w)
			}
		}
	})
}

// parsesTo reports whether raw and the shard-0 key w name the same key of
// the same namespace (raw may be of any shard).
func parsesTo(prefix, raw, w string) bool {
	ns1, _, rest1, ok1 := parseKey(prefix, raw)
	ns2, _, rest2, ok2 := parseKey(prefix, w)
	return ok1 && ok2 && ns1 == ns2 && rest1 == rest2
}
