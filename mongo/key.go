package mongocache

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"
)

// docID returns the _id of the document that holds key: "k" + key when key
// is valid UTF-8 without NUL, otherwise "b" + its unpadded URL-safe base64.
// Both forms are plain strings, distinct from each other and from the
// generation document's "g".
func docID(key string) string {
	if utf8.ValidString(key) && !strings.Contains(key, "\x00") {
		return "k" + key
	}
	return "b" + base64.RawURLEncoding.EncodeToString([]byte(key))
}
