package rediscache

import "strings"

// keys builds the names of a namespace's keys; see the package
// documentation for the layout.
type keys struct {
	base string // prefix + "{" + escaped namespace + "}:"
}

func newKeys(prefix, namespace string) keys {
	var b strings.Builder
	b.Grow(len(prefix) + len(namespace) + 4)
	b.WriteString(prefix)
	b.WriteByte('{')
	escapeNamespace(&b, namespace)
	b.WriteString("}:")
	return keys{base: b.String()}
}

func (k keys) gen() string             { return k.base + "g" }
func (k keys) entry(key string) string { return k.base + "k:" + key }
func (k keys) index(gen string) string { return k.base + "i:" + gen }
func (k keys) pending() string         { return k.base + "p" }
func (k keys) entryPrefix() string     { return k.base + "k:" }
func (k keys) indexPrefix() string     { return k.base + "i:" }

// getKeys returns the generation and entry keys that Get reads, built in one
// allocation: both are slices of the same string.
func getKeys(prefix, namespace, key string) (gen, entry string) {
	var b strings.Builder
	n := len(prefix) + len(namespace) + 4
	b.Grow(2*n + 3 + len(key))
	b.WriteString(prefix)
	b.WriteByte('{')
	escapeNamespace(&b, namespace)
	b.WriteString("}:")
	base := b.Len()
	b.WriteByte('g')
	b.WriteString(b.String()[:base])
	b.WriteString("k:")
	b.WriteString(key)
	s := b.String()
	return s[:base+1], s[base+1:]
}

const hexDigits = "0123456789ABCDEF"

// mustEscape reports whether escapeNamespace replaces c.
func mustEscape(c byte) bool {
	switch c {
	case '%', '{', '}', '*', '?', '[', ']', '\\', 0x7f:
		return true
	}
	return c < 0x20
}

// escapeNamespace writes namespace to b with the bytes that mean something
// to Redis Cluster hash tags or to glob patterns replaced by %XX, and the
// empty namespace as a lone "%".
func escapeNamespace(b *strings.Builder, namespace string) {
	if namespace == "" {
		b.WriteByte('%')
		return
	}
	for i := 0; i < len(namespace); i++ {
		c := namespace[i]
		if mustEscape(c) {
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
			continue
		}
		b.WriteByte(c)
	}
}

// lock and wake name a key's load lock and wake-up stream under gen; the
// scripts that read the generation build the same names themselves from
// lockPrefix and wakePrefix.
func (k keys) lock(gen, key string) string { return k.base + "l:" + gen + ":" + key }
func (k keys) wake(gen, key string) string { return k.base + "w:" + gen + ":" + key }
func (k keys) lockPrefix() string          { return k.base + "l:" }
func (k keys) wakePrefix() string          { return k.base + "w:" }
