package codec_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz/codec"
)

// Secret has only unexported fields, so it needs a registered coder.
type Secret struct{ v string }

func secretBytes(s Secret) ([]byte, error) { return []byte(s.v), nil }

func secretFrom(b []byte) (Secret, error) {
	if strings.HasPrefix(string(b), "!") {
		return Secret{}, errors.New("secrets never start with !")
	}
	return Secret{string(b)}, nil
}

type Holder struct {
	S   Secret
	P   *Secret
	L   []Secret
	M   map[Secret]Secret
	Any any
}

func TestRegisterAppliesEverywhere(t *testing.T) {
	r := codec.NewRegistry()
	if err := codec.Register(r, secretBytes, secretFrom); err != nil {
		t.Fatal(err)
	}
	c := codec.NewJSON(&codec.JSONOptions{Registry: r})
	in := Holder{
		S:   Secret{"a"},
		P:   &Secret{"\xff\x00binary"},
		L:   []Secret{{"b"}, {""}},
		M:   map[Secret]Secret{{"k"}: {"v"}},
		Any: Secret{"i"},
	}
	data, err := c.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"S":"YQ==","P":"/wBiaW5hcnk=","L":["Yg==",""],"M":[["aw==","dg=="]],"Any":["github.com/cachetoolz/cachetoolz/codec_test.Secret","aQ=="]}`
	if string(data) != want {
		t.Errorf("Marshal = %s\nwant       %s", data, want)
	}
	var out Holder
	if err := c.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	if out.S != in.S || *out.P != *in.P || len(out.L) != 2 || out.L[0] != in.L[0] || out.M[Secret{"k"}] != (Secret{"v"}) || out.Any != in.Any {
		t.Errorf("round trip: %+v", out)
	}
	// Without the registry, Secret is rejected, not cached empty.
	if _, err := codec.JSON.Marshal(Secret{"x"}); !errors.Is(err, codec.ErrUnsupported) {
		t.Errorf("Marshal(Secret) on the default registry: %v, want ErrUnsupported", err)
	}
}

func TestRegisterErrors(t *testing.T) {
	r := codec.NewRegistry()
	if err := codec.Register(r, secretBytes, secretFrom); err != nil {
		t.Fatal(err)
	}
	other := func(s Secret) (string, error) { return s.v, nil }
	if err := codec.Register(r, secretBytes, secretFrom); !errors.Is(err, codec.ErrRegistered) {
		t.Errorf("second Register: %v, want ErrRegistered", err)
	}
	if err := codec.RegisterEncoder(r, other); !errors.Is(err, codec.ErrRegistered) {
		t.Errorf("RegisterEncoder with another representation: %v, want ErrRegistered", err)
	}
	if err := codec.Register(r, func(p Point) (Point, error) { return p, nil }, func(p Point) (Point, error) { return p, nil }); err == nil {
		t.Error("Register with R == T succeeded")
	}
	if err := codec.Register[Point, string](r, nil, nil); err == nil {
		t.Error("Register with nil functions succeeded")
	}
	if err := codec.RegisterEncoder[Point, string](r, nil); err == nil {
		t.Error("RegisterEncoder with a nil function succeeded")
	}
	if err := codec.RegisterDecoder[Point, string](r, nil); err == nil {
		t.Error("RegisterDecoder with a nil function succeeded")
	}
	// The first registration still works.
	c := codec.NewJSON(&codec.JSONOptions{Registry: r})
	var s Secret
	if data, err := c.Marshal(Secret{"x"}); err != nil || c.Unmarshal(data, &s) != nil || s.v != "x" {
		t.Errorf("after failed registrations: %s, %v, %+v", data, err, s)
	}
	// Errors of the functions are returned, wrapped.
	err := c.Unmarshal([]byte(`"IQ=="`), &s)
	if !errors.Is(err, codec.ErrInvalidData) || !strings.Contains(err.Error(), "never start with !") {
		t.Errorf("decoder error: %v", err)
	}
}

func TestRegisterEncoderAndDecoderSeparately(t *testing.T) {
	r := codec.NewRegistry()
	c := codec.NewJSON(&codec.JSONOptions{Registry: r})
	if err := codec.RegisterEncoder(r, secretBytes); err != nil {
		t.Fatal(err)
	}
	data, err := c.Marshal(Secret{"x"})
	if err != nil || string(data) != `"eA=="` {
		t.Fatalf("Marshal with an encoder only = %s, %v", data, err)
	}
	var s Secret
	if err := c.Unmarshal(data, &s); !errors.Is(err, codec.ErrUnsupported) || !strings.Contains(err.Error(), "no decoder") {
		t.Errorf("Unmarshal with an encoder only: %v, want ErrUnsupported", err)
	}
	if err := codec.RegisterDecoder(r, secretFrom); err != nil {
		t.Fatal(err)
	}
	if err := c.Unmarshal(data, &s); err != nil || s.v != "x" {
		t.Errorf("Unmarshal once the decoder is registered = %+v, %v", s, err)
	}
	if err := codec.RegisterDecoder(r, secretFrom); !errors.Is(err, codec.ErrRegistered) {
		t.Errorf("second RegisterDecoder: %v, want ErrRegistered", err)
	}

	r2 := codec.NewRegistry()
	c2 := codec.NewJSON(&codec.JSONOptions{Registry: r2})
	if err := codec.RegisterDecoder(r2, secretFrom); err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Marshal(Secret{"x"}); !errors.Is(err, codec.ErrUnsupported) || !strings.Contains(err.Error(), "no encoder") {
		t.Errorf("Marshal with a decoder only: %v, want ErrUnsupported", err)
	}
}

func TestRegisterPanicsAndErrors(t *testing.T) {
	r := codec.NewRegistry()
	boom := errors.New("boom")
	must(codec.Register(r,
		func(p Point) (string, error) {
			if p.X < 0 {
				return "", boom
			}
			if p.X > 100 {
				panic("too far")
			}
			return fmt.Sprint(p.X, ",", p.Y), nil
		},
		func(s string) (Point, error) {
			var p Point
			_, err := fmt.Sscanf(s, "%d,%d", &p.X, &p.Y)
			if p.X == 42 {
				panic("the answer")
			}
			return p, err
		}))
	c := codec.NewJSON(&codec.JSONOptions{Registry: r})
	if _, err := c.Marshal(Point{-1, 0}); !errors.Is(err, boom) {
		t.Errorf("encoder error: %v, want it wrapped", err)
	}
	if _, err := c.Marshal([]Point{{101, 0}}); err == nil || !strings.Contains(err.Error(), "panicked: too far") {
		t.Errorf("encoder panic: %v", err)
	}
	var p Point
	if err := c.Unmarshal([]byte(`"42,0"`), &p); err == nil || !strings.Contains(err.Error(), "panicked: the answer") {
		t.Errorf("decoder panic: %v", err)
	}
	if err := c.Unmarshal([]byte(`"1,2"`), &p); err != nil || p != (Point{1, 2}) {
		t.Errorf("decoder = %v, %v", p, err)
	}
}

// TestRegisterAfterUse registers a coder for a type that was already
// encoded: the cached plans must not hide it.
func TestRegisterAfterUse(t *testing.T) {
	r := codec.NewRegistry()
	c := codec.NewJSON(&codec.JSONOptions{Registry: r})
	if _, err := c.Marshal([]Secret{{"x"}}); !errors.Is(err, codec.ErrUnsupported) {
		t.Fatalf("before registering: %v", err)
	}
	must(codec.Register(r, secretBytes, secretFrom))
	if data, err := c.Marshal([]Secret{{"x"}}); err != nil || string(data) != `["eA=="]` {
		t.Errorf("after registering: %s, %v", data, err)
	}
}

// TestRegisterOverridesBuiltin replaces the built-in encoding of time.Time
// and caches errors through a coder registered for an interface type.
func TestRegisterOverridesBuiltin(t *testing.T) {
	r := codec.NewRegistry()
	must(codec.Register(r,
		func(t time.Time) (int64, error) { return t.Unix(), nil },
		func(n int64) (time.Time, error) { return time.Unix(n, 0).UTC(), nil }))
	must(codec.Register(r,
		func(err error) (*string, error) {
			if err == nil {
				return nil, nil
			}
			s := err.Error()
			return &s, nil
		},
		func(s *string) (error, error) {
			if s == nil {
				return nil, nil
			}
			return errors.New(*s), nil
		}))
	c := codec.NewJSON(&codec.JSONOptions{Registry: r})
	type result struct {
		At  time.Time
		Err error
		No  error
	}
	data, err := c.Marshal(result{At: time.Unix(1700000000, 0).UTC(), Err: errors.New("not found")})
	if err != nil || string(data) != `{"At":1700000000,"Err":"not found","No":null}` {
		t.Fatalf("Marshal = %s, %v", data, err)
	}
	var out result
	if err := c.Unmarshal(data, &out); err != nil || out.At.Unix() != 1700000000 || out.Err.Error() != "not found" || out.No != nil {
		t.Errorf("Unmarshal = %+v, %v", out, err)
	}
}

func TestRegisterType(t *testing.T) {
	r := codec.NewRegistry()
	c := codec.NewJSON(&codec.JSONOptions{Registry: r})
	v := []any{Point{1, 2}}
	if _, err := c.Marshal(v); !errors.Is(err, codec.ErrUnsupported) {
		t.Fatalf("unregistered: %v", err)
	}
	must(codec.RegisterType[Point](r))
	must(codec.RegisterType[Point](r)) // again: no-op
	must(codec.RegisterType[time.Time](r))
	data, err := c.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out []any
	if err := c.Unmarshal(data, &out); err != nil || len(out) != 1 || out[0] != (Point{1, 2}) {
		t.Errorf("Unmarshal(%s) = %#v, %v", data, out, err)
	}
	if err := codec.RegisterType[[]Point](r); err == nil {
		t.Error("RegisterType of an unnamed type succeeded")
	}
	if err := registerLocal(r); err != nil {
		t.Fatal(err)
	}
	type twin struct{ A, B int }
	if err := codec.RegisterType[twin](r); !errors.Is(err, codec.ErrRegistered) {
		t.Errorf("RegisterType of a second type with the same name: %v, want ErrRegistered", err)
	}
}

func registerLocal(r *codec.Registry) error {
	type twin struct{ A int }
	return codec.RegisterType[twin](r)
}

// TestDefaultRegistry registers through a nil *Registry into
// DefaultRegistry, which JSON and the zero JSONCodec use.
func TestDefaultRegistry(t *testing.T) {
	type onlyDefault struct{ N int }
	must(codec.RegisterType[onlyDefault](nil))
	var zero codec.JSONCodec
	for _, c := range []codec.Codec{codec.JSON, &zero, codec.NewJSON(nil), codec.NewJSON(&codec.JSONOptions{})} {
		var in any = onlyDefault{3}
		data, err := c.Marshal(&in)
		if err != nil {
			t.Fatal(err)
		}
		var out any
		if err := c.Unmarshal(data, &out); err != nil || out != in {
			t.Errorf("%T: %#v, %v", c, out, err)
		}
	}
}

// TestConcurrentUse encodes and decodes from many goroutines while types
// are registered, for the race detector.
func TestConcurrentUse(t *testing.T) {
	r := codec.NewRegistry()
	must(codec.Register(r, secretBytes, secretFrom))
	c := codec.NewJSON(&codec.JSONOptions{Registry: r})
	var wg sync.WaitGroup
	start := make(chan struct{})
	for g := range 8 {
		wg.Go(func() {
			<-start
			for i := range 200 {
				in := Holder{L: []Secret{}, Any: map[string]any{"g": g, "i": i}}
				data, err := c.Marshal(in)
				if err != nil {
					t.Error(err)
					return
				}
				var out Holder
				if err := c.Unmarshal(data, &out); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		<-start
		if err := codec.Register(r, Deque.repr, dequeFrom); err != nil {
			t.Error(err)
		}
		if err := codec.RegisterType[Point](r); err != nil {
			t.Error(err)
		}
	})
	close(start)
	wg.Wait()
}
