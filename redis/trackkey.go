package rediscache

import "strings"

// trackedKind is what a key the server reports as changed stands for.
type trackedKind uint8

const (
	trackedOther trackedKind = iota // not an entry or a generation of this backend
	trackedEntry                    // an entry: its namespace and key changed
	trackedGen                      // a generation: its namespace was cleared
)

// parseTrackedKey reads a key that a tracking connection reports (see
// keys.go for the layout): the entry key prefix{tag}:k:<key> of any shard
// of namespace ns is trackedEntry, its generation key prefix{tag}:g is
// trackedGen. A key that the backend never writes (another prefix, a tag
// that is not the canonical spelling of a namespace and shard) is
// trackedOther, as are the backend's other keys (indexes, pending sets,
// locks, wake-up streams).
func parseTrackedKey(prefix, k string) (namespace, key string, kind trackedKind) {
	namespace, _, rest, ok := parseKey(prefix, k)
	switch {
	case !ok:
		return "", "", trackedOther
	case rest == "g":
		return namespace, "", trackedGen
	case strings.HasPrefix(rest, "k:"):
		return namespace, rest[len("k:"):], trackedEntry
	}
	return "", "", trackedOther
}
