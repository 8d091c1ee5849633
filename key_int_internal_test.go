package cachetoolz

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"unsafe"
)

// intKeyOf is the key intKey writes for v, and the one key1 appends.
func intKeyOf[A any](t *testing.T, w *wrapper[int], v A) (written, appended []byte) {
	t.Helper()
	var buf [intKeyLen]byte
	written = bytes.Clone(w.intKey(&buf, *(*int)(unsafe.Pointer(&v))))
	appended, _, err := key1(w, nil, v)
	if err != nil {
		t.Fatal(err)
	}
	return written, appended
}

func TestIntKeyMatchesKey1(t *testing.T) {
	c, err := New(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	fn := func(_ context.Context, id int) (int, error) { return id, nil }
	w, err := newWrapper[int](c, fn, shapeFull, &Options{Name: "t.int"}, reflect.TypeFor[int]())
	if err != nil {
		t.Fatal(err)
	}
	if !w.int1 {
		t.Fatal("a wrapper of one untyped int argument does not take intKey")
	}
	values := []int{0, 1, -1, 255, 256, 1 << 32, math.MinInt, math.MaxInt}
	for range 1000 {
		values = append(values, int(rand.Uint64()))
	}
	for _, v := range values {
		if written, appended := intKeyOf(t, w, v); !bytes.Equal(written, appended) {
			t.Fatalf("%d: intKey %x, key1 %x", v, written, appended)
		}
	}
	d, err := newWrapper[int](c, func(_ context.Context, id userID) (int, error) { return int(id), nil }, shapeFull, &Options{Name: "t.userID"}, reflect.TypeFor[userID]())
	if err != nil {
		t.Fatal(err)
	}
	if !d.int1 {
		t.Fatal("a wrapper of one defined int argument does not take intKey")
	}
	if written, appended := intKeyOf(t, d, userID(-7)); !bytes.Equal(written, appended) {
		t.Fatalf("userID: intKey %x, key1 %x", written, appended)
	}
}

func TestIntKeyOnlyForUntypedInt(t *testing.T) {
	c, err := New(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, o := range map[string]struct {
		opts *Options
		arg  reflect.Type
	}{
		"typed":  {&Options{Name: "t.typed", Typed: true}, reflect.TypeFor[int]()},
		"custom": {&Options{Name: "t.custom", Keys: KeyFunc(func(bool, Function, []any) (string, error) { return "k", nil })}, reflect.TypeFor[int]()},
		"int64":  {&Options{Name: "t.int64"}, reflect.TypeFor[int64]()},
		"textID": {&Options{Name: "t.textID"}, reflect.TypeFor[textID]()},
		"any":    {&Options{Name: "t.any"}, reflect.TypeFor[any]()},
	} {
		w, err := newWrapper[int](c, func(context.Context, int) (int, error) { return 0, nil }, shapeFull, o.opts, o.arg)
		if err != nil {
			t.Fatal(err)
		}
		if w.int1 {
			t.Errorf("%s: takes intKey", name)
		}
	}
}
