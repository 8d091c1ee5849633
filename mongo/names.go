package mongocache

import (
	"crypto/sha256"
	"encoding/hex"
)

// maxEscapedName bounds the collection names that spell out their
// namespace; longer ones are hashed. 100 bytes keep "database.collection"
// well under every server's namespace limit.
const maxEscapedName = 100

// CollectionName returns the name of the collection that holds namespace.
//
// Names that spell out their namespace start with "c_": letters, digits and
// '-' are kept, and every other byte is written as '_' and two lower-case
// hex digits (so "user*" is "c_user_2a" and "" is "c_"). When that would be
// longer than 100 bytes the name is "h_" and the hex SHA-256 of the
// namespace instead. The mapping is one-to-one apart from SHA-256
// collisions, and every result is a valid collection name on MongoDB and
// FerretDB.
func CollectionName(namespace string) string {
	const hexDigits = "0123456789abcdef"
	buf := make([]byte, 0, len("c_")+len(namespace))
	buf = append(buf, "c_"...)
	for i := 0; i < len(namespace); i++ {
		c := namespace[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-':
			buf = append(buf, c)
		default:
			buf = append(buf, '_', hexDigits[c>>4], hexDigits[c&0xf])
		}
		if len(buf) > maxEscapedName {
			sum := sha256.Sum256([]byte(namespace))
			return "h_" + hex.EncodeToString(sum[:])
		}
	}
	return string(buf)
}
