package rediscache_test

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
)

// The tests in this file drive the Locker methods directly; lockload_test.go
// drives them through wrapped functions, and lockproc_test.go across
// processes.

// tryLock calls TryLock and fails the test on an error.
func tryLock(t *testing.T, b *rediscache.Backend, ns, key string, ttl time.Duration) cachetoolz.LockState {
	t.Helper()
	st, err := b.TryLock(bg, ns, key, ttl)
	if err != nil {
		t.Fatalf("TryLock: %v", err)
	}
	return st
}

// generation reads the current generation of ns through a Get.
func generation(t *testing.T, b *rediscache.Backend, ns string) uint64 {
	t.Helper()
	_, gen, err := b.Get(bg, ns, "probe")
	if err != nil && !errors.Is(err, cachetoolz.ErrNotFound) {
		t.Fatal(err)
	}
	return gen
}

func TestLockTakeWaitRelease(t *testing.T) {
	srv := testserver.Redis(t)
	b1 := newBackend(t, srv.URL(), nil)
	b2 := newBackend(t, srv.URL(), nil)
	gen := generation(t, b1, "ns")

	st1 := tryLock(t, b1, "ns", "k", time.Minute)
	if st1.Held == nil || st1.Gen != gen || st1.Found {
		t.Fatalf("first TryLock = %+v, want the lock under generation %d", st1, gen)
	}
	st2 := tryLock(t, b2, "ns", "k", time.Minute)
	if st2.Held != nil || st2.Found || st2.Left <= 0 || st2.Left > time.Minute || st2.Gen != gen {
		t.Fatalf("second TryLock = %+v, want the lock held by another for up to a minute", st2)
	}
	// Another key, and another namespace, have locks of their own.
	if st := tryLock(t, b2, "ns", "k2", time.Minute); st.Held == nil {
		t.Fatalf("TryLock of another key = %+v, want it held", st)
	}
	if st := tryLock(t, b2, "ns2", "k", time.Minute); st.Held == nil {
		t.Fatalf("TryLock in another namespace = %+v, want it held", st)
	}

	// The holder stores its result and releases: the waiter wakes long
	// before the minute the lock had left, and finds the result.
	woke := make(chan error, 1)
	start := time.Now()
	go func() { woke <- b2.WaitLock(bg, "ns", "k", st2, time.Minute) }()
	if err := b1.Set(bg, "ns", "k", []byte("result"), 0, st1.Gen); err != nil {
		t.Fatal(err)
	}
	if err := st1.Held.Release(bg); err != nil {
		t.Fatal(err)
	}
	if err := <-woke; err != nil {
		t.Fatalf("WaitLock: %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("WaitLock returned after %v, want it woken by the release", d)
	}
	st := tryLock(t, b2, "ns", "k", time.Minute)
	if !st.Found || string(st.Value) != "result" || st.Held != nil {
		t.Fatalf("TryLock after the release = %+v, want the stored result", st)
	}
}

// A waiter that looks after the release but waits with what it saw before
// returns at once: the wake-up it missed is in the stream.
func TestLockWakeUpBeforeWait(t *testing.T) {
	srv := testserver.Redis(t)
	b := newBackend(t, srv.URL(), nil)
	st1 := tryLock(t, b, "ns", "k", time.Minute)
	st2 := tryLock(t, b, "ns", "k", time.Minute)
	if st1.Held == nil || st2.Left <= 0 {
		t.Fatalf("TryLock = %+v then %+v, want held then busy", st1, st2)
	}
	if err := st1.Held.Release(bg); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := b.WaitLock(bg, "ns", "k", st2, time.Minute); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("WaitLock after the release took %v, want it to return at once", d)
	}
	// A later waiter on a later holder does not take that old wake-up
	// for its own: it waits for its time bound.
	st3 := tryLock(t, b, "ns", "k", time.Minute)
	st4 := tryLock(t, b, "ns", "k", time.Minute)
	if st3.Held == nil || st4.Left <= 0 {
		t.Fatalf("TryLock = %+v then %+v, want held then busy", st3, st4)
	}
	start = time.Now()
	if err := b.WaitLock(bg, "ns", "k", st4, 200*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Fatalf("WaitLock with no new wake-up returned after %v, want it to wait 200ms", d)
	}
}

// A holder whose lock expired and was taken by another neither releases
// nor extends the new holder's lock.
func TestLockReleaseIsSafe(t *testing.T) {
	srv := testserver.Redis(t)
	b1 := newBackend(t, srv.URL(), nil)
	b2 := newBackend(t, srv.URL(), nil)
	raw := rawClient(t, srv.Addr())
	old := tryLock(t, b1, "ns", "k", time.Minute)
	if old.Held == nil {
		t.Fatalf("TryLock = %+v, want held", old)
	}
	// The lock expires: deleted here rather than waited for.
	key := rediscache.LockKey(rediscache.DefaultPrefix, "ns", old.Gen, "k")
	if err := raw.Do(bg, raw.B().Del().Key(key).Build()).Error(); err != nil {
		t.Fatal(err)
	}
	cur := tryLock(t, b2, "ns", "k", time.Minute)
	if cur.Held == nil {
		t.Fatalf("TryLock after expiry = %+v, want held", cur)
	}
	if err := old.Held.Extend(bg, time.Minute); !errors.Is(err, cachetoolz.ErrLockLost) {
		t.Fatalf("Extend by the old holder = %v, want ErrLockLost", err)
	}
	if err := old.Held.Release(bg); err != nil {
		t.Fatalf("Release by the old holder = %v", err)
	}
	if st := tryLock(t, b1, "ns", "k", time.Minute); st.Held != nil || st.Left <= 0 {
		t.Fatalf("TryLock after the old holder's release = %+v, want the new holder's lock still held", st)
	}
	if err := cur.Held.Extend(bg, time.Minute); err != nil {
		t.Fatalf("Extend by the holder = %v", err)
	}
	if err := cur.Held.Release(bg); err != nil {
		t.Fatal(err)
	}
	if st := tryLock(t, b1, "ns", "k", time.Minute); st.Held == nil {
		t.Fatalf("TryLock after the holder's release = %+v, want it free", st)
	}
}

// A lock expires by itself: a waiter that waits for the time the holder's
// lock had left then takes it.
func TestLockExpires(t *testing.T) {
	srv := testserver.Redis(t)
	b := newBackend(t, srv.URL(), nil)
	const ttl = 300 * time.Millisecond
	held := tryLock(t, b, "ns", "k", ttl)
	busy := tryLock(t, b, "ns", "k", ttl)
	if held.Held == nil || busy.Left <= 0 || busy.Left > ttl {
		t.Fatalf("TryLock = %+v then %+v, want held then busy for at most %v", held, busy, ttl)
	}
	start := time.Now()
	for {
		if err := b.WaitLock(bg, "ns", "k", busy, busy.Left); err != nil {
			t.Fatal(err)
		}
		if busy = tryLock(t, b, "ns", "k", ttl); busy.Held != nil {
			break
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("lock still held %v after it should have expired", time.Since(start))
		}
	}
	if err := held.Held.Extend(bg, ttl); !errors.Is(err, cachetoolz.ErrLockLost) {
		t.Fatalf("Extend of an expired lock = %v, want ErrLockLost", err)
	}
}

// Locks live under the namespace's generation: after a clear, a caller
// neither waits for a lock taken before it nor finds a result stored
// before it, and the holder from before the clear stores nothing.
func TestLockGenerationRule(t *testing.T) {
	srv := testserver.Redis(t)
	b1 := newBackend(t, srv.URL(), nil)
	b2 := newBackend(t, srv.URL(), nil)
	generation(t, b1, "ns")
	if err := b1.Set(bg, "ns", "stored", []byte("old"), 0, generation(t, b1, "ns")); err != nil {
		t.Fatal(err)
	}
	before := tryLock(t, b1, "ns", "k", time.Minute)
	if before.Held == nil {
		t.Fatalf("TryLock = %+v, want held", before)
	}
	if st := tryLock(t, b2, "ns", "stored", time.Minute); !st.Found {
		t.Fatalf("TryLock of a stored key = %+v, want found", st)
	}
	if err := b2.Clear(bg, "ns"); err != nil {
		t.Fatal(err)
	}
	after := tryLock(t, b2, "ns", "k", time.Minute)
	if after.Held == nil || after.Gen == before.Gen {
		t.Fatalf("TryLock after a clear = %+v, want a lock of its own under a new generation (old %d)", after, before.Gen)
	}
	if st := tryLock(t, b2, "ns", "stored", time.Minute); st.Found || st.Held == nil {
		t.Fatalf("TryLock of a key stored before the clear = %+v, want it not found, and locked", st)
	}
	if err := b1.Set(bg, "ns", "k", []byte("stale"), 0, before.Gen); err != nil {
		t.Fatal(err)
	}
	if err := before.Held.Release(bg); err != nil {
		t.Fatal(err)
	}
	if err := b2.Set(bg, "ns", "k", []byte("fresh"), 0, after.Gen); err != nil {
		t.Fatal(err)
	}
	if err := after.Held.Release(bg); err != nil {
		t.Fatal(err)
	}
	if st := tryLock(t, b1, "ns", "k", time.Minute); !st.Found || string(st.Value) != "fresh" {
		t.Fatalf("TryLock at the end = %+v, want the result stored after the clear", st)
	}
}

// A lock key the backend did not write (no time to live) is taken over;
// a namespace with a damaged generation cannot be locked, and says so.
func TestLockDamage(t *testing.T) {
	srv := testserver.Redis(t)
	b := newBackend(t, srv.URL(), nil)
	raw := rawClient(t, srv.Addr())
	gen := generation(t, b, "ns")
	key := rediscache.LockKey(rediscache.DefaultPrefix, "ns", gen, "k")
	if err := raw.Do(bg, raw.B().Set().Key(key).Value("left by someone").Build()).Error(); err != nil {
		t.Fatal(err)
	}
	if st := tryLock(t, b, "ns", "k", time.Minute); st.Held == nil {
		t.Fatalf("TryLock over a lock without a time to live = %+v, want held", st)
	}
	genKey := rediscache.GenerationKey(rediscache.DefaultPrefix, "bad")
	if err := raw.Do(bg, raw.B().Set().Key(genKey).Value("not-a-generation").Build()).Error(); err != nil {
		t.Fatal(err)
	}
	if st := tryLock(t, b, "bad", "k", time.Minute); st.Held != nil || st.Found || st.Left != 0 {
		t.Fatalf("TryLock in a damaged namespace = %+v, want nothing", st)
	}
}

func TestLockClosed(t *testing.T) {
	srv := testserver.Redis(t)
	b := newBackend(t, srv.URL(), nil)
	st := tryLock(t, b, "ns", "k", time.Minute)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := b.TryLock(bg, "ns", "k", time.Minute); !errors.Is(err, cachetoolz.ErrClosed) {
		t.Errorf("TryLock after Close = %v, want ErrClosed", err)
	}
	if err := b.WaitLock(bg, "ns", "k", st, time.Second); !errors.Is(err, cachetoolz.ErrClosed) {
		t.Errorf("WaitLock after Close = %v, want ErrClosed", err)
	}
	if err := st.Held.Release(bg); !errors.Is(err, cachetoolz.ErrClosed) {
		t.Errorf("Release after Close = %v, want ErrClosed", err)
	}
}

// On a Cluster, each namespace's locks live on its slot, beside its
// generation: the scripts reach them on the node that owns the slot, and
// a waiter is woken there.
func TestLockCluster(t *testing.T) {
	c := testserver.NewRedisCluster(t)
	b1 := newBackend(t, clusterURL(c), nil)
	b2 := newBackend(t, clusterURL(c), nil)
	for i := range 12 { // spread over the masters
		ns := "cluster-" + strconv.Itoa(i)
		held := tryLock(t, b1, ns, "k", time.Minute)
		busy := tryLock(t, b2, ns, "k", time.Minute)
		if held.Held == nil || busy.Left <= 0 {
			t.Fatalf("%s: TryLock = %+v then %+v, want held then busy", ns, held, busy)
		}
		woke := make(chan error, 1)
		go func() { woke <- b2.WaitLock(bg, ns, "k", busy, time.Minute) }()
		if err := b1.Set(bg, ns, "k", []byte("v"), 0, held.Gen); err != nil {
			t.Fatal(err)
		}
		if err := held.Held.Release(bg); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if err := <-woke; err != nil {
			t.Fatalf("%s: WaitLock: %v", ns, err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("%s: WaitLock returned %v after the release", ns, d)
		}
		if st := tryLock(t, b2, ns, "k", time.Minute); !st.Found || string(st.Value) != "v" {
			t.Fatalf("%s: TryLock after the release = %+v, want the result", ns, st)
		}
	}
}
