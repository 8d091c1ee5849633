package codec

// Python reads a value in two steps: the JSON text into a tree of nodes,
// as Python's json.loads reads it (NaN, Infinity and -Infinity included),
// then the tree into the Go value (pydec.go).

type pyKind uint8

const (
	pyNull pyKind = iota
	pyBool
	pyInt
	pyFloat
	pyStr
	pyList
	pyDict
)

var pyKindNames = [...]string{"null", "boolean", "integer", "float", "string", "array", "object"}

func (k pyKind) String() string { return pyKindNames[k] }

// pyNode is one JSON value.
type pyNode struct {
	kind  pyKind
	b     bool
	text  string   // the number as written, or the decoded string
	items []pyNode // array elements, or object values
	keys  []string // object keys
	off   int      // offset in the input, for errors
}

// field returns the value of the object key k, or nil.
func (n *pyNode) field(k string) *pyNode {
	for i, key := range n.keys {
		if key == k {
			return &n.items[i]
		}
	}
	return nil
}

// parsePy parses data as one JSON value, with nothing after it.
func parsePy(data []byte) (pyNode, error) {
	d := decState{data: data}
	n, err := d.pyValue()
	if err != nil {
		return pyNode{}, err
	}
	if d.skipWS(); d.pos != len(d.data) {
		return pyNode{}, d.errf("unexpected data after the value")
	}
	return n, nil
}

func (d *decState) pyValue() (pyNode, error) {
	c := d.peek()
	n := pyNode{off: d.pos}
	switch {
	case c == '"':
		s, err := d.pyStr()
		n.kind, n.text = pyStr, s
		return n, err
	case c == '[':
		more, err := d.open('[', ']')
		if err != nil {
			return n, err
		}
		n.kind = pyList
		for more {
			item, err := d.pyValue()
			if err != nil {
				return n, err
			}
			n.items = append(n.items, item)
			if more, err = d.more(']'); err != nil {
				return n, err
			}
		}
		d.leave()
		return n, nil
	case c == '{':
		more, err := d.open('{', '}')
		if err != nil {
			return n, err
		}
		n.kind = pyDict
		var seen map[string]struct{}
		for more {
			if d.peek() != '"' {
				return n, d.errf("want object key, found %s", d.found())
			}
			at := d.pos
			k, err := d.pyStr()
			if err != nil {
				return n, err
			}
			if len(n.keys) >= 8 && seen == nil {
				seen = make(map[string]struct{}, 2*len(n.keys))
				for _, k := range n.keys {
					seen[k] = struct{}{}
				}
			}
			dup := false
			if seen != nil {
				_, dup = seen[k]
				seen[k] = struct{}{}
			} else {
				for _, x := range n.keys {
					dup = dup || x == k
				}
			}
			if dup {
				d.pos = at
				return n, d.errf("object key %q given twice", k)
			}
			if err := d.expect(':'); err != nil {
				return n, err
			}
			v, err := d.pyValue()
			if err != nil {
				return n, err
			}
			n.keys = append(n.keys, k)
			n.items = append(n.items, v)
			if more, err = d.more('}'); err != nil {
				return n, err
			}
		}
		d.leave()
		return n, nil
	case c == 't' && d.hasLiteral("true"):
		d.pos += 4
		n.kind, n.b = pyBool, true
	case c == 'f' && d.hasLiteral("false"):
		d.pos += 5
		n.kind = pyBool
	case c == 'n' && d.hasLiteral("null"):
		d.pos += 4
	case c == 'N' && d.hasLiteral("NaN"):
		d.pos += 3
		n.kind, n.text = pyFloat, "NaN"
	case c == 'I' && d.hasLiteral("Infinity"):
		d.pos += 8
		n.kind, n.text = pyFloat, "Infinity"
	case c == '-' && d.hasLiteral("-Infinity"):
		d.pos += 9
		n.kind, n.text = pyFloat, "-Infinity"
	default:
		text, integer, err := d.number()
		if err != nil {
			return n, err
		}
		n.kind, n.text = pyFloat, string(text)
		if integer {
			n.kind = pyInt
		}
	}
	return n, nil
}

// pyStr consumes a JSON string as Python reads it (see pyString).
func (d *decState) pyStr() (string, error) {
	start := d.pos
	raw, err := d.rawString()
	if err != nil {
		return "", err
	}
	plain := true
	for _, c := range raw {
		if c == '\\' || c < 0x20 || c >= 0x80 {
			plain = false
			break
		}
	}
	if plain {
		return string(raw), nil
	}
	b, msg := pyString(d.scratch[:0], raw)
	if msg != "" {
		d.pos = start
		return "", d.errf("%s", msg)
	}
	d.scratch = b
	return string(b), nil
}
