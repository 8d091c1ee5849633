package codec

import "encoding/json"

// JSON is the default Codec.
var JSON = NewJSON(nil)

// JSONOptions configures a JSONCodec. A nil *JSONOptions takes the defaults.
type JSONOptions struct{}

// JSONCodec encodes values as JSON.
type JSONCodec struct{}

// NewJSON returns a JSON codec configured by opts.
func NewJSON(opts *JSONOptions) *JSONCodec { return &JSONCodec{} }

// Marshal encodes v.
func (c *JSONCodec) Marshal(v any) ([]byte, error) { return json.Marshal(v) }

// Unmarshal decodes data into v.
func (c *JSONCodec) Unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }
