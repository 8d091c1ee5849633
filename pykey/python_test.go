package pykey_test

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"os/exec"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/pykey"
)

// tag returns the form of a Go value that testdata/pykeys.py reads, by the
// mapping of the package documentation. Map entries keep Go's iteration
// order: the script sorts them.
func tag(v any) []any {
	if b, ok := v.(*big.Int); ok {
		if b == nil {
			return []any{"N"}
		}
		return []any{"i", b.String()}
	}
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return []any{"N"}
	}
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return []any{"N"}
		}
		return tag(rv.Elem().Interface())
	case reflect.Bool:
		if rv.Bool() {
			return []any{"T"}
		}
		return []any{"F"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return []any{"i", strconv.FormatInt(rv.Int(), 10)}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return []any{"i", strconv.FormatUint(rv.Uint(), 10)}
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		bits := math.Float64bits(f)
		if math.IsNaN(f) {
			bits = bits&(1<<63) | 0x7ff8_0000_0000_0000 // float('nan'), signed
		}
		return []any{"f", fmt.Sprintf("%016x", bits)}
	case reflect.String:
		return []any{"s", hex.EncodeToString([]byte(rv.String()))}
	case reflect.Slice, reflect.Array:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			b := make([]byte, rv.Len())
			for i := range b {
				b[i] = byte(rv.Index(i).Uint())
			}
			return []any{"b", hex.EncodeToString(b)}
		}
		items := make([]any, rv.Len())
		for i := range items {
			items[i] = tag(rv.Index(i).Interface())
		}
		if rv.Kind() == reflect.Array || rv.Type() == reflect.TypeFor[pykey.Tuple]() {
			return []any{"t", items}
		}
		return []any{"l", items}
	case reflect.Map:
		pairs := []any{}
		for it := rv.MapRange(); it.Next(); {
			pairs = append(pairs, []any{tag(it.Key().Interface()), tag(it.Value().Interface())})
		}
		return []any{"d", pairs}
	}
	panic(fmt.Sprintf("no tag for %T", v))
}

// pyCase is a call as testdata/pykeys.py reads it.
func pyCase(c call) []any {
	args := c.args
	kwargs := []any{}
	if n := len(args); n > 0 {
		if kw, ok := args[n-1].(pykey.Kwargs); ok {
			args = args[:n-1]
			names := make([]string, 0, len(kw))
			for k := range kw {
				names = append(names, k)
			}
			slices.Sort(names) // the documented call order
			for _, k := range names {
				kwargs = append(kwargs, []any{hex.EncodeToString([]byte(k)), tag(kw[k])})
			}
		}
	}
	tags := make([]any, len(args))
	for i, a := range args {
		tags[i] = tag(a)
	}
	return []any{hex.EncodeToString([]byte(c.module)), hex.EncodeToString([]byte(c.name)), c.typed, tags, kwargs}
}

// pyResult is a line of testdata/pykeys.py's output.
type pyResult struct {
	P4     string   `json:"p4"`
	P5     string   `json:"p5"`
	MD54   string   `json:"md5_4"`
	MD55   string   `json:"md5_5"`
	Ops    []string `json:"ops"`
	Frames int      `json:"frames"`
	Error  string   `json:"error"`
}

// pythons returns the interpreters to check against: Debian's python3, or
// the space-separated list in CACHETOOLZ_TEST_PYTHON.
func pythons(t *testing.T) []string {
	list := []string{"/usr/bin/python3"}
	if s := os.Getenv("CACHETOOLZ_TEST_PYTHON"); s != "" {
		list = splitFields(s)
	}
	for _, p := range list {
		if _, err := exec.LookPath(p); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("python3 is needed under CI: %v", err)
			}
			t.Skipf("no %s (install Debian's python3 to run this test): %v", p, err)
		}
	}
	return list
}

func splitFields(s string) []string {
	var out []string
	for _, f := range bytes.Fields([]byte(s)) {
		out = append(out, string(f))
	}
	return out
}

// runPython computes the keys of calls with pickle.dumps in python.
func runPython(t *testing.T, python string, calls []call) []pyResult {
	t.Helper()
	cases := make([]any, len(calls))
	for i, c := range calls {
		cases[i] = pyCase(c)
	}
	in, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, "testdata/pykeys.py")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s testdata/pykeys.py: %v\n%s", python, err, stderr.Bytes())
	}
	var res []pyResult
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var r pyResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("python output: %v", err)
		}
		res = append(res, r)
	}
	if len(res) != len(calls) {
		t.Fatalf("python gave %d results for %d calls", len(res), len(calls))
	}
	return res
}

// corpus returns n calls generated from a fixed seed.
func corpus(n int) []call {
	g := &gen{r: rand.New(rand.NewPCG(13, 2))}
	calls := make([]call, n)
	for i := range calls {
		calls[i] = g.call()
	}
	return calls
}

func describe(c call) string {
	s := fmt.Sprintf("module %q name %q typed %v args %#v", c.module, c.name, c.typed, c.args)
	if len(s) > 600 {
		s = s[:600] + "…"
	}
	return s
}

// TestPythonCorpus compares the pickles and keys of a generated corpus of
// calls with those of Python's pickle.dumps, for protocols 4 and 5.
func TestPythonCorpus(t *testing.T) {
	list := pythons(t)
	calls := corpus(1200)
	for _, python := range list {
		t.Run(python, func(t *testing.T) {
			res := runPython(t, python, calls)
			var ok, declined, pyErr, maxFrames int
			ops := map[string]bool{}
			for i, c := range calls {
				r := res[i]
				for _, op := range r.Ops {
					ops[op] = true
				}
				maxFrames = max(maxFrames, r.Frames)
				for _, proto := range []int{4, 5} {
					g := pykey.Generator{Module: c.module, Name: c.name, Protocol: proto}
					want, wantSum := r.P4, r.MD54
					if proto == 5 {
						want, wantSum = r.P5, r.MD55
					}
					got, err := g.Pickle(c.typed, cachetoolz.Function{}, c.args)
					if err != nil {
						if !errors.Is(err, cachetoolz.ErrUnsupportedArgument) {
							t.Fatalf("call %d: error %v does not wrap ErrUnsupportedArgument", i, err)
						}
						if r.Error == "" && !c.ambiguous {
							t.Fatalf("call %d protocol %d: Go: %v; Python pickles it\n%s", i, proto, err, describe(c))
						}
						declined++
						continue
					}
					if r.Error != "" {
						t.Fatalf("call %d: Python: %s; Go pickles it\n%s", i, r.Error, describe(c))
					}
					if hex.EncodeToString(got) != want {
						t.Fatalf("call %d protocol %d: pickles differ\n%s\n%s", i, proto, describe(c), diffPickles(got, want))
					}
					key, err := g.Key(c.typed, cachetoolz.Function{}, c.args)
					if err != nil || key != wantSum {
						t.Fatalf("call %d protocol %d: key %q, %v; Python %q", i, proto, key, err, wantSum)
					}
					ok++
				}
				if r.Error != "" {
					pyErr++
				}
			}
			t.Logf("%d calls: %d keys equal, %d declined (%d where Python raises)", len(calls), ok, declined, pyErr)
			if ok < 2*1000 {
				t.Errorf("only %d keys compared, want 2000 or more", ok)
			}
			// The corpus reaches every opcode of these values.
			for _, op := range []string{
				"PROTO", "FRAME", "STOP", "MARK", "MEMOIZE", "BINGET", "LONG_BINGET",
				"NONE", "NEWTRUE", "NEWFALSE", "BININT1", "BININT2", "BININT", "LONG1", "LONG4", "BINFLOAT",
				"SHORT_BINUNICODE", "BINUNICODE", "SHORT_BINBYTES", "BINBYTES",
				"EMPTY_TUPLE", "TUPLE1", "TUPLE2", "TUPLE3", "TUPLE",
				"EMPTY_LIST", "APPEND", "APPENDS", "EMPTY_DICT", "SETITEM", "SETITEMS",
				"STACK_GLOBAL", "REDUCE",
			} {
				if !ops[op] {
					t.Errorf("no pickle of the corpus has %s", op)
				}
			}
			if maxFrames < 3 {
				t.Errorf("the most frames in a pickle is %d, want 3 or more", maxFrames)
			}
		})
	}
}

// diffPickles shows where two pickles part.
func diffPickles(got []byte, wantHex string) string {
	want, _ := hex.DecodeString(wantHex)
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	lo := max(0, i-24)
	return fmt.Sprintf("lengths Go %d, Python %d; first difference at byte %d\nGo:     %x\nPython: %x",
		len(got), len(want), i, got[lo:min(len(got), i+24)], want[lo:min(len(want), i+24)])
}
