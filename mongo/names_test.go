package mongocache

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// hostile are namespace names that break naive mappings to collection names.
var hostile = []string{
	"", " ", "users", "user*", "user?", "user", "user_2a", "c_user", "a:b", "a.b", ".a", "a.",
	"$a", "a$", "ns/with/slash", `x\y`, "\x00", "\x00\x00", "\xff", "\xff\xfe", "ünïcödé 名前",
	"system.indexes", "system.profile", "_ferretdb_x", "UPPER", "upper", "a-b", "a_b",
	strings.Repeat("long", 100), strings.Repeat("long", 100) + "!", strings.Repeat("x", 48),
	strings.Repeat("x", 49), strings.Repeat("é", 40),
}

// checkCollectionName fails unless name is valid on MongoDB and FerretDB.
func checkCollectionName(t *testing.T, ns, name string) {
	t.Helper()
	switch {
	case len(name) == 0 || len(name) > maxEscapedName:
		t.Errorf("CollectionName(%q) = %q: length %d", ns, name, len(name))
	case strings.ContainsAny(name, "$\x00"):
		t.Errorf("CollectionName(%q) = %q: holds $ or NUL", ns, name)
	case name[0] == '.' || strings.HasPrefix(name, "system.") || strings.HasPrefix(name, "_ferretdb_"):
		t.Errorf("CollectionName(%q) = %q: reserved prefix", ns, name)
	case !utf8.ValidString(name):
		t.Errorf("CollectionName(%q) = %q: invalid UTF-8", ns, name)
	}
}

func TestCollectionNameValidAndDistinct(t *testing.T) {
	seen := map[string]string{}
	for _, ns := range hostile {
		name := CollectionName(ns)
		checkCollectionName(t, ns, name)
		if other, ok := seen[name]; ok {
			t.Errorf("namespaces %q and %q share collection %q", ns, other, name)
		}
		seen[name] = ns
	}
}

func TestCollectionNameForms(t *testing.T) {
	for ns, want := range map[string]string{
		"":          "c_",
		"users":     "c_users",
		"user*":     "c_user_2a",
		"user_2a":   "c_user_5f2a",
		"a:b":       "c_a_3ab",
		"ünï":       "c__c3_bcn_c3_af",
		"Users-1.x": "c_Users-1_2ex",
	} {
		if got := CollectionName(ns); got != want {
			t.Errorf("CollectionName(%q) = %q, want %q", ns, got, want)
		}
	}
	long := CollectionName(strings.Repeat("x", 99))
	if !strings.HasPrefix(long, "h_") || len(long) != 2+64 {
		t.Errorf("CollectionName(99 × x) = %q, want h_ and 64 hex digits", long)
	}
	if got := CollectionName(strings.Repeat("x", 98)); got != "c_"+strings.Repeat("x", 98) {
		t.Errorf("CollectionName(98 × x) = %q, want it spelled out", got)
	}
}

func FuzzCollectionName(f *testing.F) {
	for i, ns := range hostile {
		f.Add(ns, hostile[(i+1)%len(hostile)])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		na, nb := CollectionName(a), CollectionName(b)
		checkCollectionName(t, a, na)
		if a != b && na == nb {
			t.Errorf("namespaces %q and %q share collection %q", a, b, na)
		}
		if CollectionName(a) != na {
			t.Errorf("CollectionName(%q) is not stable", a)
		}
	})
}

func FuzzDocID(f *testing.F) {
	for _, k := range []string{"", "k", "g", "b", "\x00", "\xff", "bAA", "kx", "ü"} {
		f.Add(k, "x")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		ia, ib := docID(a), docID(b)
		if !utf8.ValidString(ia) || strings.Contains(ia, "\x00") {
			t.Errorf("docID(%q) = %q: not a clean string", a, ia)
		}
		if ia == genID {
			t.Errorf("docID(%q) is the generation document's _id", a)
		}
		if a != b && ia == ib {
			t.Errorf("keys %q and %q share _id %q", a, b, ia)
		}
	})
}

func ExampleCollectionName() {
	for _, ns := range []string{"users", "user*", "a:b", ""} {
		fmt.Printf("%q → %s\n", ns, CollectionName(ns))
	}
	// Output:
	// "users" → c_users
	// "user*" → c_user_2a
	// "a:b" → c_a_3ab
	// "" → c_
}
