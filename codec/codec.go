package codec

// Codec encodes and decodes cached values. Implementations must be safe for
// concurrent use. Unmarshal decodes into v, a non-nil pointer to a value of
// the type that was marshalled, and must restore it exactly.
type Codec interface {
	Marshal(v any) ([]byte, error)
	Unmarshal(data []byte, v any) error
}
