package rediscache_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
)

// TestDamagedGenerationIsThatNamespacesMiss damages one namespace's
// generation key: that namespace misses and stores nothing, without an
// error; every other namespace works; Reclaim copes; Clear repairs it with a
// valid, newer generation.
func TestDamagedGenerationIsThatNamespacesMiss(t *testing.T) {
	srv := testserver.Redis(t)
	raw := rawClient(t, srv.Addr())
	for _, damage := range damages {
		t.Run(damage.name, func(t *testing.T) {
			b := newBackend(t, srv.URL(), &rediscache.Options{Prefix: "dmg:"})
			bad, good := "bad-"+damage.name, "good-"+damage.name
			fill(t, b, bad, 10, 0)
			fill(t, b, good, 10, 0)
			if err := b.Clear(bg, bad); err != nil { // leaves a generation pending
				t.Fatal(err)
			}
			fill(t, b, bad, 10, 0)
			genKey := rediscache.GenerationKey("dmg:", bad)
			before, err := raw.Do(bg, raw.B().Get().Key(genKey).Build()).AsUint64()
			if err != nil {
				t.Fatal(err)
			}
			damage.do(t, raw, genKey)

			for range 3 {
				_, gen, err := b.Get(bg, bad, "1")
				if !errors.Is(err, cachetoolz.ErrNotFound) {
					t.Fatalf("Get in the damaged namespace: %v, want ErrNotFound", err)
				}
				if err := b.Set(bg, bad, "1", []byte("new"), 0, gen); err != nil {
					t.Fatalf("Set in the damaged namespace: %v, want nil", err)
				}
			}
			if _, _, err := b.Get(bg, bad, "1"); !errors.Is(err, cachetoolz.ErrNotFound) {
				t.Fatalf("Get after a Set in the damaged namespace: %v, want ErrNotFound (nothing stored)", err)
			}
			if v, _, err := b.Get(bg, good, "1"); err != nil || string(v) != good {
				t.Fatalf("Get in another namespace = %q, %v", v, err)
			}
			if err := b.Reclaim(bg, bad); err != nil {
				t.Fatalf("Reclaim of the damaged namespace: %v", err)
			}

			if err := b.Clear(bg, bad); err != nil {
				t.Fatalf("Clear of the damaged namespace: %v", err)
			}
			after, err := raw.Do(bg, raw.B().Get().Key(genKey).Build()).AsUint64()
			if err != nil {
				t.Fatalf("generation after Clear: %v", err)
			}
			if after <= before {
				t.Fatalf("generation after Clear = %d, want more than %d", after, before)
			}
			fill(t, b, bad, 10, 0)
			if v, _, err := b.Get(bg, bad, "9"); err != nil || string(v) != bad {
				t.Fatalf("Get after the repair = %q, %v", v, err)
			}
			if err := b.Reclaim(bg, bad); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestDamagedPendingSetIsRepaired: a pending set of another type makes
// neither Clear nor Reclaim fail.
func TestDamagedPendingSetIsRepaired(t *testing.T) {
	srv := testserver.Redis(t)
	raw := rawClient(t, srv.Addr())
	b := newBackend(t, srv.URL(), &rediscache.Options{Prefix: "dmgp:"})
	fill(t, b, "ns", 5, 0)
	if err := raw.Do(bg, raw.B().Set().Key("dmgp:{ns}:p").Value("garbage").Build()).Error(); err != nil {
		t.Fatal(err)
	}
	if err := b.Reclaim(bg, "ns"); err != nil {
		t.Fatalf("Reclaim with a damaged pending set: %v", err)
	}
	if err := raw.Do(bg, raw.B().Set().Key("dmgp:{ns}:p").Value("garbage").Build()).Error(); err != nil {
		t.Fatal(err)
	}
	if err := b.Clear(bg, "ns"); err != nil {
		t.Fatalf("Clear with a damaged pending set: %v", err)
	}
	if err := b.Reclaim(bg, "ns"); err != nil {
		t.Fatal(err)
	}
	if n := count(t, raw, "dmgp:{ns}:k:*"); n != 0 {
		t.Fatalf("%d entries left after Clear and Reclaim, want 0", n)
	}
}

// TestDamagedGenerationKeepsCacheOn: through a Cache, a namespace whose
// generation is damaged runs its calls uncached, and the failures never
// reach the other namespaces: they keep their hits.
func TestDamagedGenerationKeepsCacheOn(t *testing.T) {
	srv := testserver.Redis(t)
	raw := rawClient(t, srv.Addr())
	b := newBackend(t, srv.URL(), &rediscache.Options{Prefix: "dmgc:"})
	// A timeout no loaded test machine reaches: the only errors that could
	// count are the damage's.
	c, err := cachetoolz.New(b, &cachetoolz.Config{FailureThreshold: 1, Cooldown: time.Hour, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	fn := func(_ context.Context, id int) (string, error) { return strconv.Itoa(id), nil }
	badFn, err := cachetoolz.Wrap1(c, fn, &cachetoolz.Options{Name: "bad", Namespace: "bad"})
	if err != nil {
		t.Fatal(err)
	}
	goodFn, err := cachetoolz.Wrap1(c, fn, &cachetoolz.Options{Name: "good", Namespace: "good"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 { // both namespaces hold entries
		for _, f := range []func(context.Context, int) (string, error){badFn, goodFn} {
			if _, err := f(bg, i); err != nil {
				t.Fatal(err)
			}
		}
	}
	damages[0].do(t, raw, rediscache.GenerationKey("dmgc:", "bad"))
	for i := range 10 {
		if got, err := badFn(bg, i); err != nil || got != strconv.Itoa(i) {
			t.Fatalf("bad(%d) = %q, %v", i, got, err)
		}
	}
	hits := c.Stats()["good"].Hits
	for i := range 10 {
		if got, err := goodFn(bg, i); err != nil || got != strconv.Itoa(i) {
			t.Fatalf("good(%d) = %q, %v", i, got, err)
		}
	}
	if got := c.Stats()["good"].Hits - hits; got != 10 {
		t.Fatalf("good namespace: %d hits of 10 after another namespace's damage, want 10", got)
	}
	if e := c.Stats()["bad"].Errors; e != 0 {
		t.Fatalf("damaged namespace counted %d errors, want 0 (a miss is not an outage)", e)
	}
}

// TestDamagedGenerationInspector: listing namespaces skips a damaged one
// rather than failing for all.
func TestDamagedGenerationInspector(t *testing.T) {
	srv := testserver.Redis(t)
	raw := rawClient(t, srv.Addr())
	for _, damage := range damages {
		t.Run(damage.name, func(t *testing.T) {
			prefix := "dmgi" + damage.name + ":"
			b := newBackend(t, srv.URL(), &rediscache.Options{Prefix: prefix})
			fill(t, b, "bad", 3, 0)
			fill(t, b, "good", 5, 0)
			damage.do(t, raw, rediscache.GenerationKey(prefix, "bad"))
			infos, err := b.Namespaces(bg)
			if err != nil {
				t.Fatalf("Namespaces with one damaged namespace: %v", err)
			}
			if len(infos) != 1 || infos[0].Name != "good" || infos[0].Entries != 5 {
				t.Fatalf("Namespaces = %+v, want only good with 5 entries", infos)
			}
		})
	}
}
