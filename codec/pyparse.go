package codec

import "sync"

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

// pyParser reads JSON text into nodes. The elements of the arrays and
// objects being read wait on stacks, and each container gets a slice of
// exactly its size when it closes.
type pyParser struct {
	decState
	nodes []pyNode
	keys  []string
}

var pyParsers = sync.Pool{New: func() any { return new(pyParser) }}

// parsePy parses data as one JSON value, with nothing after it.
func parsePy(data []byte) (pyNode, error) {
	d := pyParsers.Get().(*pyParser)
	d.decState = decState{data: data, scratch: d.scratch[:0]}
	defer func() {
		clear(d.nodes[:cap(d.nodes)])
		clear(d.keys[:cap(d.keys)])
		d.nodes, d.keys, d.data = d.nodes[:0], d.keys[:0], nil
		if cap(d.nodes) <= 1024 && cap(d.scratch) <= maxPooledBuf {
			pyParsers.Put(d)
		}
	}()
	n, err := d.pyValue()
	if err != nil {
		return pyNode{}, err
	}
	if d.skipWS(); d.pos != len(d.data) {
		return pyNode{}, d.errf("unexpected data after the value")
	}
	return n, nil
}

func (d *pyParser) pyValue() (pyNode, error) {
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
		base := len(d.nodes)
		for more {
			item, err := d.pyValue()
			if err != nil {
				return n, err
			}
			d.nodes = append(d.nodes, item)
			if more, err = d.more(']'); err != nil {
				return n, err
			}
		}
		d.leave()
		if len(d.nodes) > base {
			n.items = append([]pyNode(nil), d.nodes[base:]...)
			clear(d.nodes[base:])
			d.nodes = d.nodes[:base]
		}
		return n, nil
	case c == '{':
		more, err := d.open('{', '}')
		if err != nil {
			return n, err
		}
		n.kind = pyDict
		base, kbase := len(d.nodes), len(d.keys)
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
			keys := d.keys[kbase:]
			if len(keys) >= 8 && seen == nil {
				seen = make(map[string]struct{}, 2*len(keys))
				for _, k := range keys {
					seen[k] = struct{}{}
				}
			}
			dup := false
			if seen != nil {
				_, dup = seen[k]
				seen[k] = struct{}{}
			} else {
				for _, x := range keys {
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
			d.keys = append(d.keys, k)
			d.nodes = append(d.nodes, v)
			if more, err = d.more('}'); err != nil {
				return n, err
			}
		}
		d.leave()
		if len(d.nodes) > base {
			n.items = append([]pyNode(nil), d.nodes[base:]...)
			n.keys = append([]string(nil), d.keys[kbase:]...)
			clear(d.nodes[base:])
			clear(d.keys[kbase:])
			d.nodes, d.keys = d.nodes[:base], d.keys[:kbase]
		}
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
