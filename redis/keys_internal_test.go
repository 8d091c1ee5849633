package rediscache

import "testing"

func TestGetKeysMatchKeys(t *testing.T) {
	for _, ns := range []string{"", "users", "user*", "{x}", "%", "ünï\x00", "a:b"} {
		for _, key := range []string{"", "k", "a:b", "\xff"} {
			k := newKeys("p:", ns)
			g, e := getKeys("p:", ns, key)
			if g != k.gen() || e != k.entry(key) {
				t.Errorf("getKeys(%q, %q) = %q, %q; want %q, %q", ns, key, g, e, k.gen(), k.entry(key))
			}
		}
	}
}

func FuzzEscapeInjective(f *testing.F) {
	f.Add("user*", "users")
	f.Add("", "%")
	f.Add("a}b", "a%7Db")
	f.Fuzz(func(t *testing.T, a, b string) {
		if a != b && newKeys("p:", a).base == newKeys("p:", b).base {
			t.Fatalf("namespaces %q and %q share keys %q", a, b, newKeys("p:", a).base)
		}
	})
}
