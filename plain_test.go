package cachetoolz_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/memory"
)

// plainBackend is a byte-storing backend that may report plain values.
type plainBackend struct {
	cachetoolz.Backend
	plain bool
}

func (p plainBackend) PlainValues() bool { return p.plain }

func TestPlainBackendStoresCodecOutputOnly(t *testing.T) {
	type user struct {
		ID   int
		Name string
	}
	ctx := context.Background()
	for _, plain := range []bool{false, true} {
		be := plainBackend{Backend: memory.Must(memory.New(&memory.Options{Isolate: true})), plain: plain}
		c := cachetoolz.Must(cachetoolz.New(be, nil))
		keys := cachetoolz.KeyFunc(func(_ bool, _ cachetoolz.Function, args []any) (string, error) {
			return "k" + args[0].(string), nil
		})
		runs := 0
		get := cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, id string) (user, error) {
			runs++
			return user{ID: len(id), Name: id}, nil
		}, &cachetoolz.Options{Namespace: "users", Keys: keys}))
		if u, err := get(ctx, "ab"); err != nil || u != (user{2, "ab"}) {
			t.Fatalf("plain=%v: first call = %+v, %v", plain, u, err)
		}
		raw, gen, err := be.Get(ctx, "users", "kab")
		if err != nil {
			t.Fatalf("plain=%v: backend Get: %v", plain, err)
		}
		const body = `{"ID":2,"Name":"ab"}`
		if plain && string(raw) != body {
			t.Fatalf("plain backend holds %q, want the codec's output %q", raw, body)
		}
		if !plain && (len(raw) != 9+len(body) || string(raw[9:]) != body) {
			t.Fatalf("backend holds %q, want a 9-byte header and %q", raw, body)
		}
		// An entry another program wrote, in the codec's format alone, is
		// served by a plain wrapper and refused by the others.
		if err := be.Set(ctx, "users", "kzz", []byte(`{"ID":7,"Name":"py"}`), 0, gen); err != nil {
			t.Fatal(err)
		}
		u, err := get(ctx, "zz")
		if err != nil {
			t.Fatal(err)
		}
		if want := (user{7, "py"}); plain && (u != want || runs != 1) {
			t.Fatalf("plain: foreign entry gave %+v after %d runs, want %+v after 1", u, runs, want)
		}
		if want := (user{2, "zz"}); !plain && (u != want || runs != 2 || c.Stats()["users"].Mismatches != 1) {
			t.Fatalf("header: foreign entry gave %+v after %d runs, stats %+v; want %+v, a run and a mismatch", u, runs, c.Stats()["users"], want)
		}
		// An entry that does not decode into the result type is a mismatch
		// and a miss in both.
		if err := be.Set(ctx, "users", "kyy", []byte(`{"Other":1}`), 0, gen); err != nil {
			t.Fatal(err)
		}
		if u, err := get(ctx, "yy"); err != nil || u != (user{2, "yy"}) {
			t.Fatalf("plain=%v: undecodable entry gave %+v, %v; want the function's result", plain, u, err)
		}
		_, err = cachetoolz.Wrap0(c, func(context.Context) (int, error) { return 1, nil }, &cachetoolz.Options{Version: "2"})
		if plain && (err == nil || !strings.Contains(err.Error(), "Version")) {
			t.Fatalf("plain: wrap with a Version: err = %v, want an error naming Version", err)
		}
		if !plain && err != nil {
			t.Fatalf("wrap with a Version: %v", err)
		}
		// Freshness that needs metadata in the entry has no room in a plain
		// one; the load timeouts need none.
		for _, o := range []cachetoolz.Options{{EarlyRefresh: 1, TTL: time.Minute}, {MaxStale: time.Minute, TTL: time.Minute}} {
			_, err = cachetoolz.Wrap0(c, func(context.Context) (int, error) { return 1, nil }, &o)
			if plain && (err == nil || !strings.Contains(err.Error(), "plain values")) {
				t.Fatalf("plain: wrap with %+v: err = %v, want a refusal", o, err)
			}
			if !plain && err != nil {
				t.Fatalf("wrap with %+v: %v", o, err)
			}
		}
		if _, err = cachetoolz.Wrap0(c, func(context.Context) (int, error) { return 1, nil }, &cachetoolz.Options{SoftTimeout: time.Second, HardTimeout: 2 * time.Second}); err != nil {
			t.Fatalf("plain=%v: wrap with load timeouts: %v", plain, err)
		}
	}
}
