package rediscache_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/cachetest"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
	"github.com/redis/rueidis"
)

func seedConformance(t *testing.T, url string) {
	cachetest.RunHarness(t, cachetest.Harness{
		New:           func(t *testing.T) cachetoolz.Backend { return newBackend(t, url, nil) },
		NoGenerations: true,
	})
}

func TestSeedConformanceStandalone(t *testing.T) {
	srv := testserver.Redis(t)
	seedConformance(t, srv.URL()+"?layout=seed")
}

func TestSeedConformanceCluster(t *testing.T) {
	c := testserver.NewRedisCluster(t)
	seedConformance(t, clusterURL(c)+"&layout=seed")
}

// TestSeedKeyLayout checks the keys, values and TTLs that the seed layout
// writes, and that it writes nothing else.
func TestSeedKeyLayout(t *testing.T) {
	srv := testserver.RedisWith(t, testserver.RedisOptions{}) // its own: it checks every key
	b := newBackend(t, srv.URL(), &rediscache.Options{Layout: rediscache.LayoutSeed, Prefix: "ignored:"})
	raw := rawClient(t, srv.Addr())
	if !b.PlainValues() {
		t.Fatal("PlainValues() = false in the seed layout")
	}
	_, gen, err := b.Get(bg, "seedlayout", "abc")
	if err != cachetoolz.ErrNotFound {
		t.Fatalf("Get of a fresh key: %v, want ErrNotFound", err)
	}
	must(t, b.Set(bg, "seedlayout", "abc", []byte(`{"a": 1}`), 90*time.Second, gen))
	must(t, b.Set(bg, "seedlayout", "short", []byte(`1`), 1500*time.Millisecond, gen+7)) // gen is ignored
	must(t, b.Set(bg, "seedlayout", "forever", []byte(`2`), 0, gen))
	if got := keysMatching(t, raw, "*"); fmt.Sprint(got) != "[seedlayout:abc seedlayout:forever seedlayout:short]" {
		t.Fatalf("keys = %q, want the three namespace:key keys only", got)
	}
	if v, err := raw.Do(bg, raw.B().Get().Key("seedlayout:abc").Build()).ToString(); err != nil || v != `{"a": 1}` {
		t.Fatalf("GET seedlayout:abc = %q, %v; want the value as given", v, err)
	}
	for key, want := range map[string]int64{"seedlayout:abc": 90, "seedlayout:short": 2, "seedlayout:forever": -1} {
		if ttl, err := raw.Do(bg, raw.B().Ttl().Key(key).Build()).AsInt64(); err != nil || ttl != want {
			t.Fatalf("TTL %s = %d, %v; want %d", key, ttl, err, want)
		}
	}
	// What another program wrote is read as it is, with the same
	// generation as every Get.
	must(t, raw.Do(bg, raw.B().Set().Key("seedlayout:py").Value("[1, 2]").ExSeconds(60).Build()).Error())
	v, gen2, err := b.Get(bg, "seedlayout", "py")
	if err != nil || string(v) != "[1, 2]" || gen2 != gen {
		t.Fatalf("Get of a foreign entry = %q, %d, %v; want [1, 2], %d", v, gen2, err, gen)
	}
	must(t, b.Clear(bg, "seedlayout"))
	if got := keysMatching(t, raw, "*"); len(got) != 0 {
		t.Fatalf("after Clear, keys = %q, want none", got)
	}
	// No inspector, no lock.
	if _, err := b.Namespaces(bg); err == nil {
		t.Fatal("Namespaces in the seed layout: no error")
	}
	st, err := b.TryLock(bg, "seedlayout", "abc", time.Second)
	if err != nil || st.Held != nil || st.Found || st.Left > 0 {
		t.Fatalf("TryLock in the seed layout = %+v, %v; want no lock", st, err)
	}
}

// TestSeedClearEscapesGlobs: a clear in the seed layout removes the keys of
// its namespace only, whatever glob characters the namespace holds, and
// removes them on every master of a Cluster, in several SCAN steps.
func TestSeedClearEscapesGlobs(t *testing.T) {
	c := testserver.NewRedisCluster(t)
	b := newBackend(t, clusterURL(c)+"&layout=seed", nil)
	// The cluster may be shared with other tests: every name starts with
	// a token of this run.
	tok := fmt.Sprintf("globs%d-", time.Now().UnixNano())
	names := []string{"user*", "users", "user?", "user", "user[s]", "us\\er", "u[a-z]er", "user:x"}
	for i := range names {
		names[i] = tok + names[i]
	}
	for _, ns := range names {
		for i := range 700 { // more than one SCAN step per master
			must(t, b.Set(bg, ns, fmt.Sprint(i), []byte(ns), time.Hour, 0))
		}
	}
	var cleared []string
	gone := func(m string) bool {
		for _, c := range cleared {
			if m == c || strings.HasPrefix(m, c+":") {
				return true
			}
		}
		return false
	}
	for _, ns := range names[:4] {
		must(t, b.Clear(bg, ns))
		cleared = append(cleared, ns)
		for _, m := range names {
			v, _, err := b.Get(bg, m, "5")
			if gone(m) && err != cachetoolz.ErrNotFound {
				t.Fatalf("after clearing %q, %q still hits: %q, %v", ns, m, v, err)
			}
			if !gone(m) && (err != nil || string(v) != m) {
				t.Fatalf("clearing %q touched %q: %q, %v", ns, m, v, err)
			}
		}
	}
	left := map[string]bool{}
	for _, n := range c.Nodes() {
		raw := rawNode(t, n.Addr())
		var cursor uint64
		for {
			e, err := raw.Do(bg, raw.B().Scan().Cursor(cursor).Match(tok+"*").Count(1000).Build()).AsScanEntry()
			must(t, err)
			for _, k := range e.Elements {
				left[k] = true // SCAN may return a key more than once
			}
			if e.Cursor == 0 {
				break
			}
			cursor = e.Cursor
		}
	}
	// Left: user[s], us\er, u[a-z]er (700 each); user:x went with user.
	if total := len(left); total != 3*700 {
		t.Fatalf("%d keys left on the masters, want %d", total, 3*700)
	}
}

func TestSeedLayoutURL(t *testing.T) {
	srv := testserver.Redis(t)
	for _, tc := range []struct {
		url    string
		opts   *rediscache.Options
		plain  bool
		errStr string
	}{
		{srv.URL(), nil, false, ""},
		{srv.URL() + "?layout=seed", nil, true, ""},
		{srv.URL() + "?layout=default", nil, false, ""},
		{srv.URL(), &rediscache.Options{Layout: rediscache.LayoutSeed}, true, ""},
		{srv.URL() + "?layout=seed", &rediscache.Options{Layout: rediscache.LayoutSeed}, true, ""},
		{srv.URL() + "?layout=default", &rediscache.Options{Layout: rediscache.LayoutSeed}, false, "contradicts"},
		{srv.URL() + "?layout=python", nil, false, "want default or seed"},
	} {
		b := newChecked(t, tc.url, tc.opts, tc.errStr)
		if b == nil {
			continue
		}
		if b.PlainValues() != tc.plain {
			t.Errorf("New(%s).PlainValues() = %v, want %v", tc.url, !tc.plain, tc.plain)
		}
		_ = b.Close()
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var _ rueidis.Client

// TestSeedThroughCache: a wrap with Options.Lock works in the seed layout,
// without a lock: the function runs once, its result is stored as the
// codec wrote it, and the next call hits.
func TestSeedThroughCache(t *testing.T) {
	srv := testserver.RedisWith(t, testserver.RedisOptions{}) // its own: it checks every key
	b := newBackend(t, srv.URL()+"?layout=seed", nil)
	raw := rawClient(t, srv.Addr())
	c := cachetoolz.Must(cachetoolz.New(b, nil))
	doubler(t, c, &cachetoolz.Options{Namespace: "locked", Lock: true, TTL: time.Minute,
		Keys: cachetoolz.KeyFunc(idKey)})
	if v, err := raw.Do(bg, raw.B().Get().Key("locked:id21").Build()).ToString(); err != nil || v != "42" {
		t.Fatalf("GET locked:id21 = %q, %v; want 42, the codec's output alone", v, err)
	}
	if got := keysMatching(t, raw, "*"); len(got) != 1 {
		t.Fatalf("keys = %q, want the entry only (no lock keys)", got)
	}
}

// The seed layout joins namespace:key for a cache that remembers keys, and
// a remembered call's hit reads that key: it finds what another program
// wrote there. The default layout joins nothing, and GetJoined is Get.
func TestSeedJoinedKeys(t *testing.T) {
	srv := testserver.Redis(t)
	def := newBackend(t, srv.URL(), nil)
	if j, ok := def.JoinKey(def, "ns", "k"); ok || j != "" {
		t.Fatalf("JoinKey in the default layout = %q, %v; want none", j, ok)
	}
	_, gen, _ := def.Get(bg, "joindef", "k")
	must(t, def.Set(bg, "joindef", "k", []byte("1"), time.Minute, gen))
	if v, _, err := def.GetJoined(bg, "joindef", "k", ""); err != nil || string(v) != "1" {
		t.Fatalf("GetJoined in the default layout = %q, %v; want Get's 1", v, err)
	}

	b := newBackend(t, srv.URL()+"?layout=seed", nil)
	raw := rawClient(t, srv.Addr())
	ns := "joined*[ns]"
	j, ok := b.JoinKey(b, ns, "k")
	if !ok || j != ns+":k" {
		t.Fatalf("JoinKey in the seed layout = %q, %v; want %q", j, ok, ns+":k")
	}
	if _, _, err := b.GetJoined(bg, ns, "k", j); err != cachetoolz.ErrNotFound {
		t.Fatalf("GetJoined of a fresh key: %v, want ErrNotFound", err)
	}
	c := cachetoolz.Must(cachetoolz.New(b, nil))
	get, runs := doubler(t, c, &cachetoolz.Options{Namespace: ns, TTL: time.Minute, Keys: cachetoolz.PureKeyFunc(idKey)})
	if v, _, err := b.GetJoined(bg, ns, "id21", ns+":id21"); err != nil || string(v) != "42" {
		t.Fatalf("GetJoined = %q, %v; want 42", v, err)
	}
	must(t, raw.Do(bg, raw.B().Set().Key(ns+":id21").Value("7").Build()).Error())
	if v, err := get(bg, 21); err != nil || v != 7 || *runs != 1 {
		t.Fatalf("get(21) after another program wrote 7 = %d, %v (%d runs); want 7 from Redis", v, err, *runs)
	}
	must(t, b.Clear(bg, ns))
	if v, err := get(bg, 21); err != nil || v != 42 || *runs != 2 {
		t.Fatalf("get(21) after a clear = %d, %v (%d runs); want 42 from a second run", v, err, *runs)
	}
}

// idKey is the key "id" followed by the call's one argument.
func idKey(_ bool, _ cachetoolz.Function, args []any) (string, error) {
	return fmt.Sprint("id", args[0]), nil
}

// doubler wraps, on c with opts, a function that doubles its argument and
// counts its runs, checks that two calls with 21 get 42 from one run, and
// returns the wrapped function and the count.
func doubler(t *testing.T, c *cachetoolz.Cache, opts *cachetoolz.Options) (func(context.Context, int) (int, error), *int) {
	t.Helper()
	runs := new(int)
	get := cachetoolz.Must(cachetoolz.Wrap1(c, func(_ context.Context, id int) (int, error) {
		*runs++
		return id * 2, nil
	}, opts))
	for range 2 {
		if v, err := get(bg, 21); err != nil || v != 42 {
			t.Fatalf("get(21) = %d, %v", v, err)
		}
	}
	if *runs != 1 {
		t.Fatalf("%d runs, want 1", *runs)
	}
	return get, runs
}

// tenant embeds a backend to change its Get and Set: every namespace gets
// a prefix. It inherits JoinKey and GetJoined, which know nothing of it.
type tenant struct {
	*rediscache.Backend
	prefix string
}

func (t tenant) Get(ctx context.Context, namespace, key string) ([]byte, uint64, error) {
	return t.Backend.Get(ctx, t.prefix+namespace, key)
}

func (t tenant) Set(ctx context.Context, namespace, key string, v []byte, ttl time.Duration, gen uint64) error {
	return t.Backend.Set(ctx, t.prefix+namespace, key, v, ttl, gen)
}

// A cache on a type that embeds the backend and changes its Get reads
// with that Get: JoinKey reports false for it, so a remembered call never
// reads the entry of the key the embedded backend would join.
func TestSeedJoinedKeysNotInherited(t *testing.T) {
	srv := testserver.Redis(t)
	b := newBackend(t, srv.URL()+"?layout=seed", nil)
	raw := rawClient(t, srv.Addr())
	must(t, raw.Do(bg, raw.B().Set().Key("tenantns:id21").Value("7").Build()).Error())
	te := tenant{b, "tenantA/"}
	if j, ok := b.JoinKey(te, "tenantns", "id21"); ok {
		t.Fatalf("JoinKey for a cache on an embedding type = %q, true; want false", j)
	}
	c := cachetoolz.Must(cachetoolz.New(te, nil))
	doubler(t, c, &cachetoolz.Options{Namespace: "tenantns", TTL: time.Minute, Keys: cachetoolz.PureKeyFunc(idKey)})
	if v, err := raw.Do(bg, raw.B().Get().Key("tenantA/tenantns:id21").Build()).ToString(); err != nil || v != "42" {
		t.Fatalf("GET tenantA/tenantns:id21 = %q, %v; want 42", v, err)
	}
}

// GetJoined is Get's twin: after Close it fails with ErrClosed, and a
// server that does not answer fails it after Options.Timeout.
func TestSeedGetJoinedClosedAndTimeout(t *testing.T) {
	srv := testserver.RedisWith(t, testserver.RedisOptions{}) // its own: it pauses the server
	raw := rawClient(t, srv.Addr())
	shared := rediscache.NewFromClient(raw, &rediscache.Options{Layout: rediscache.LayoutSeed})
	must(t, shared.Set(bg, "gj", "k", []byte("1"), time.Minute, 1))
	j, _ := shared.JoinKey(shared, "gj", "k")
	must(t, shared.Close())
	if v, _, err := shared.GetJoined(bg, "gj", "k", j); !errors.Is(err, cachetoolz.ErrClosed) {
		t.Fatalf("GetJoined after Close = %q, %v; want ErrClosed", v, err)
	}

	b := newBackend(t, srv.URL()+"?layout=seed", &rediscache.Options{Timeout: 100 * time.Millisecond})
	if v, _, err := b.GetJoined(bg, "gj", "k", j); err != nil || string(v) != "1" {
		t.Fatalf("GetJoined = %q, %v; want 1", v, err)
	}
	must(t, raw.Do(bg, raw.B().Arbitrary("CLIENT", "PAUSE", "1000", "ALL").Build()).Error())
	start := time.Now()
	_, _, err := b.GetJoined(context.Background(), "gj", "k", j)
	if d := time.Since(start); err == nil || d > 700*time.Millisecond {
		t.Fatalf("GetJoined of a paused server: %v after %v; want an error after about 100ms", err, d)
	}
}
