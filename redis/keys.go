package rediscache

import (
	"strconv"
	"strings"
)

// keys builds the names of one shard of a namespace's keys; see the package
// documentation for the layout.
type keys struct {
	base string // prefix + "{" + tag + "}:"
}

// newKeys returns the key names of shard of namespace under prefix.
func newKeys(prefix, namespace string, shard int) keys {
	var b strings.Builder
	b.Grow(len(prefix) + len(namespace) + 4 + shardTagLen)
	writeBase(&b, prefix, namespace, shard)
	return keys{base: b.String()}
}

// keysOf returns the key names of the shard of namespace that holds key,
// under the backend's prefix and number of shards.
func (b *Backend) keysOf(namespace, key string) keys {
	return newKeys(b.s.prefix, namespace, shardOf(key, b.shards()))
}

// allKeys returns the key names of every shard of namespace, shard 0 first.
func (b *Backend) allKeys(namespace string) []keys {
	n := b.shards()
	out := make([]keys, n)
	for i := range out {
		out[i] = newKeys(b.s.prefix, namespace, i)
	}
	return out
}

func (k keys) gen() string             { return k.base + "g" }
func (k keys) entry(key string) string { return k.base + "k:" + key }
func (k keys) index(gen string) string { return k.base + "i:" + gen }
func (k keys) pending() string         { return k.base + "p" }
func (k keys) entryPrefix() string     { return k.base + "k:" }
func (k keys) indexPrefix() string     { return k.base + "i:" }

// getKeys returns the generation and entry keys that Get reads, built in one
// allocation: both are slices of the same string. shards is the number of
// shards of every namespace.
func getKeys(prefix, namespace, key string, shards int) (gen, entry string) {
	var b strings.Builder
	n := len(prefix) + len(namespace) + 4 + shardTagLen
	b.Grow(2*n + 3 + len(key))
	writeBase(&b, prefix, namespace, shardOf(key, shards))
	base := b.Len()
	b.WriteByte('g')
	b.WriteString(b.String()[:base])
	b.WriteString("k:")
	b.WriteString(key)
	s := b.String()
	return s[:base+1], s[base+1:]
}

// writeBase writes prefix + "{" + tag + "}:" to b, tag being the hash tag
// of shard of namespace.
func writeBase(b *strings.Builder, prefix, namespace string, shard int) {
	b.WriteString(prefix)
	b.WriteByte('{')
	start := b.Len()
	escapeNamespace(b, namespace)
	if shard > 0 {
		writeShard(b, b.String()[start:], shard)
	}
	b.WriteString("}:")
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

// parseKey splits a key name the backend wrote under prefix into the
// namespace, the shard, and what follows the hash tag and its colon ("g",
// "k:<key>", "i:<gen>", ...). It rejects any name the backend cannot have
// written for a namespace (another prefix, a tag that is not the canonical
// spelling of a namespace and shard).
func parseKey(prefix, name string) (namespace string, shard int, rest string, ok bool) {
	s, ok := strings.CutPrefix(name, prefix+"{")
	if !ok {
		return "", 0, "", false
	}
	end := strings.IndexByte(s, '}')
	if end < 0 || len(s) < end+2 || s[end+1] != ':' {
		return "", 0, "", false
	}
	namespace, shard, ok = parseTag(s[:end])
	if !ok {
		return "", 0, "", false
	}
	return namespace, shard, s[end+2:], true
}

// parseTag returns the namespace and the shard whose hash tag (the text
// between the braces) is tag, and false for a tag that no namespace and
// shard have. It reverses writeBase's tag: for every namespace ns and
// shard i, parseTag(tag(ns, i)) is ns, i.
func parseTag(tag string) (namespace string, shard int, ok bool) {
	esc, suffix, sharded := strings.Cut(tag, shardMark)
	if sharded {
		// suffix: canonical decimal shard (not 0), then shardFree bytes.
		if len(suffix) <= shardFree {
			return "", 0, false
		}
		digits := suffix[:len(suffix)-shardFree]
		n, err := strconv.Atoi(digits)
		if err != nil || n <= 0 || n > maxShards || strconv.Itoa(n) != digits {
			return "", 0, false
		}
		var b strings.Builder
		b.WriteString(esc)
		writeShard(&b, esc, n)
		if b.String() != tag {
			return "", 0, false
		}
		shard = n
	}
	namespace, ok = unescapeNamespace(esc)
	return namespace, shard, ok
}

// unescapeNamespace reverses escapeNamespace, rejecting what it cannot
// have written.
func unescapeNamespace(s string) (string, bool) {
	if s == "%" {
		return "", true
	}
	if s == "" {
		return "", false
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' {
			if mustEscape(c) {
				return "", false
			}
			b.WriteByte(c)
			continue
		}
		if i+2 >= len(s) {
			return "", false
		}
		v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil || !mustEscape(byte(v)) || s[i+1:i+3] != strings.ToUpper(s[i+1:i+3]) {
			return "", false
		}
		b.WriteByte(byte(v))
		i += 2
	}
	return b.String(), true
}
