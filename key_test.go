package cachetoolz_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/memory"
)

var fn = cachetoolz.Function{Name: "example.com/pkg.F"}

func key(t *testing.T, typed bool, args ...any) string {
	t.Helper()
	k, err := cachetoolz.DefaultKey(typed, fn, args)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

type point struct {
	X, Y int
	Tags map[string]int
	Next *point
}

// stableArgs are arguments whose keys must be the same in every process.
func stableArgs() []any {
	return []any{
		1, "two", 3.5, true, nil, []byte{0, 1, 0xff},
		map[string]int{"a": 1, "b": 2, "c": 3},
		map[int]string{3: "c", 1: "a", 2: "b"},
		&point{X: 1, Y: 2, Tags: map[string]int{"x": 1, "y": 2}, Next: &point{X: 3}},
		[]any{1, "a", nil},
		time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC),
		struct{ A, B string }{"a", "b"},
	}
}

func TestKeyIsStableAcrossProcesses(t *testing.T) {
	if os.Getenv("CACHETOOLZ_KEY_CHILD") == "1" {
		fmt.Print(key(t, false, stableArgs()...) + " " + key(t, true, stableArgs()...))
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestKeyIsStableAcrossProcesses$")
	cmd.Env = append(os.Environ(), "CACHETOOLZ_KEY_CHILD=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child process: %v", err)
	}
	want := key(t, false, stableArgs()...) + " " + key(t, true, stableArgs()...)
	if !strings.HasPrefix(string(out), want) {
		t.Fatalf("another process derived %q, this one %q", out, want)
	}
}

func TestKeyFollowsPointersAndIgnoresMapOrder(t *testing.T) {
	a := &point{X: 1, Tags: map[string]int{}}
	b := &point{X: 1, Tags: map[string]int{}}
	for i := range 100 {
		a.Tags[fmt.Sprint(i)] = i
		b.Tags[fmt.Sprint(99-i)] = 99 - i
	}
	if key(t, false, a) != key(t, false, b) {
		t.Fatal("equal values behind different pointers, or maps filled in another order, gave different keys")
	}
	b.Tags["50"] = -1
	if key(t, false, a) == key(t, false, b) {
		t.Fatal("different map values gave the same key")
	}
}

func TestKeySeparatesWhatDiffers(t *testing.T) {
	distinct := [][]any{
		{}, {nil}, {0}, {1}, {-1}, {""}, {"1"}, {[]byte("1")}, {true}, {false}, {1.5}, {math.NaN()},
		{"a", "b"}, {"ab"}, {"a", ""}, {[]string{"a", "b"}}, {[]string{"ab"}},
		{map[string]int{"a": 1}}, {map[string]int{"a": 2}}, {struct{ A int }{1}}, {struct{ B int }{1}},
		{uint64(math.MaxUint64)}, {int64(math.MinInt64)},
	}
	seen := map[string]int{}
	for i, args := range distinct {
		k := key(t, false, args...)
		if j, dup := seen[k]; dup {
			t.Fatalf("arguments %v and %v share key %s", distinct[j], args, k)
		}
		seen[k] = i
	}
	other := cachetoolz.Function{Name: "example.com/pkg.G"}
	k2, _ := cachetoolz.DefaultKey(false, other, []any{1})
	if k2 == key(t, false, 1) {
		t.Fatal("two functions share a key for the same arguments")
	}
	if len(k2) != 32 {
		t.Fatalf("key %q: want 128 bits in hex", k2)
	}
}

func TestTypedSeparatesDynamicTypes(t *testing.T) {
	untyped := []string{key(t, false, int(1)), key(t, false, int64(1)), key(t, false, float64(1))}
	if untyped[0] != untyped[1] || untyped[1] != untyped[2] {
		t.Fatal("untyped: int(1), int64(1) and float64(1) must share a key")
	}
	typed := map[string]bool{key(t, true, int(1)): true, key(t, true, int64(1)): true, key(t, true, float64(1)): true}
	if len(typed) != 3 {
		t.Fatal("typed: int(1), int64(1) and float64(1) must have different keys")
	}

	c := cachetoolz.Must(cachetoolz.New(nil, nil))
	for _, typedOpt := range []bool{false, true} {
		runs := 0
		f := cachetoolz.Must(cachetoolz.Wrap1Plain(c, func(v any) string { runs++; return fmt.Sprintf("%T", v) },
			&cachetoolz.Options{Typed: typedOpt, Name: fmt.Sprint("typed-", typedOpt)}))
		f(int(1))
		f(int64(1))
		f(float64(1))
		if want := map[bool]int{false: 1, true: 3}[typedOpt]; runs != want {
			t.Fatalf("Typed=%v: %d runs, want %d", typedOpt, runs, want)
		}
	}
}

func TestCacheUsesDefaultKey(t *testing.T) {
	b := memory.Must(memory.New(&memory.Options{Isolate: true}))
	c := cachetoolz.Must(cachetoolz.New(b, nil))
	f := cachetoolz.Must(cachetoolz.Wrap2(c, func(_ context.Context, id int, name string) (string, error) {
		return fmt.Sprint(id, name), nil
	}, &cachetoolz.Options{Name: fn.Name, Namespace: "ns"}))
	if _, err := f(context.Background(), 7, "x"); err != nil {
		t.Fatal(err)
	}
	data, _, err := b.Get(context.Background(), "ns", key(t, false, 7, "x"))
	if err != nil {
		t.Fatalf("the cached entry is not under DefaultKey: %v", err)
	}
	// The entry is the codec's bytes behind the wrapper's header.
	if !strings.HasSuffix(string(data), `"7x"`) {
		t.Fatalf("stored %q", data)
	}
}

func TestCustomKeyGenerator(t *testing.T) {
	c := cachetoolz.Must(cachetoolz.New(nil, nil))
	var got []any
	var gotName string
	var gotTyped bool
	keys := cachetoolz.KeyFunc(func(typed bool, f cachetoolz.Function, args []any) (string, error) {
		got, gotName, gotTyped = args, f.Name, typed
		if args[0] == "bad" {
			return "", errors.New("no key for you")
		}
		return strings.ToLower(fmt.Sprint(args[0])), nil
	})
	runs := 0
	f := cachetoolz.Must(cachetoolz.Wrap2NoCtx(c, func(s string, n int) (int, error) { runs++; return runs, nil },
		&cachetoolz.Options{Keys: keys, Typed: true, Name: "custom"}))
	a, _ := f("A", 1)
	b, _ := f("a", 2) // the generator says these are the same call
	if a != 1 || b != 1 || runs != 1 {
		t.Fatalf("custom keys: results %d, %d after %d runs", a, b, runs)
	}
	if len(got) != 2 || got[1] != 2 || gotName != "custom" || !gotTyped {
		t.Fatalf("generator received %v, %q, %v", got, gotName, gotTyped)
	}
	// A key the generator cannot make runs the function uncached, every
	// time, and is counted.
	for want := 2; want <= 3; want++ {
		if v, err := f("bad", 0); err != nil || v != want {
			t.Fatalf("call without a key = %d, %v, want %d, nil (an uncached run)", v, err, want)
		}
	}
	if s := c.Stats()[cachetoolz.DefaultNamespace]; s.Errors != 2 {
		t.Fatalf("Stats = %+v, want 2 errors for the calls without a key", s)
	}
}

func TestUnsupportedKeyArguments(t *testing.T) {
	for _, v := range []any{func() {}, make(chan int), struct{ F func() }{}} {
		if _, err := cachetoolz.DefaultKey(false, fn, []any{v}); !errors.Is(err, cachetoolz.ErrUnsupportedArgument) {
			t.Errorf("DefaultKey(%T): %v, want ErrUnsupportedArgument", v, err)
		}
	}
	cyclic := &point{}
	cyclic.Next = cyclic
	if _, err := cachetoolz.DefaultKey(false, fn, []any{cyclic}); err == nil {
		t.Error("a cyclic argument was given a key")
	}
}

func FuzzDefaultKey(f *testing.F) {
	f.Add("a", int64(1), 1.5, []byte{0})
	f.Add("", int64(0), math.Inf(-1), []byte(nil))
	f.Add("user*", int64(-7), math.NaN(), []byte("\x89PNG"))
	f.Fuzz(func(t *testing.T, s string, i int64, x float64, b []byte) {
		args := []any{s, i, x, b, map[string]int64{s: i, "k": 1}, []any{s, x}, &struct{ S string }{s}}
		k1, err := cachetoolz.DefaultKey(false, fn, args)
		if err != nil {
			t.Fatal(err)
		}
		k2, _ := cachetoolz.DefaultKey(false, fn, []any{s, i, x, append([]byte(nil), b...),
			map[string]int64{"k": 1, s: i}, []any{s, x}, &struct{ S string }{s}})
		if k1 != k2 || len(k1) != 32 {
			t.Fatalf("equal arguments gave %s and %s", k1, k2)
		}
		k3, _ := cachetoolz.DefaultKey(false, fn, []any{s + "x", i, x, b})
		if k3 == k1 {
			t.Fatal("different arguments share a key")
		}
	})
}
