package rediscache

import "strings"

// trackedKind is what a key the server reports as changed stands for.
type trackedKind uint8

const (
	trackedOther trackedKind = iota // not an entry or a generation of this backend
	trackedEntry                    // an entry: its namespace and key changed
	trackedGen                      // a generation: its namespace was cleared
)

// parseTrackedKey is the inverse of the key layout (see keys.go) for the
// keys a tracking connection reports: prefix{ns}:k:<key> is the entry key
// of namespace ns, prefix{ns}:g its generation. The namespace is unescaped
// and must escape back to the same bytes, so a key that the backend never
// writes (another prefix, a stray escape) is trackedOther, as are the
// backend's other keys (index, pending set, locks, wake-up streams).
func parseTrackedKey(prefix, k string) (namespace, key string, kind trackedKind) {
	rest, ok := strings.CutPrefix(k, prefix)
	if !ok || len(rest) < 2 || rest[0] != '{' {
		return "", "", trackedOther
	}
	end := strings.IndexByte(rest, '}') // an escaped namespace holds no '}'
	if end < 0 {
		return "", "", trackedOther
	}
	escaped, tail := rest[1:end], rest[end+1:]
	switch {
	case tail == ":g":
		kind = trackedGen
	case strings.HasPrefix(tail, ":k:"):
		kind, key = trackedEntry, tail[len(":k:"):]
	default:
		return "", "", trackedOther
	}
	namespace, ok = unescapeNamespace(escaped)
	if !ok {
		return "", "", trackedOther
	}
	return namespace, key, kind
}
