package memstore

import (
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

// stressFor is how long a stress test runs: MEMSTORE_STRESS, a duration,
// for a longer run than the default second.
func stressFor(t *testing.T) time.Duration {
	v := os.Getenv("MEMSTORE_STRESS")
	if v == "" {
		return time.Second
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// waitOrDump waits for wg, and fails with every goroutine's stack if it
// does not end within d.
func waitOrDump(t *testing.T, wg *sync.WaitGroup, d time.Duration, what string) {
	t.Helper()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
		buf := make([]byte, 1<<22)
		buf = buf[:runtime.Stack(buf, true)]
		t.Fatalf("%s did not end within %v:\n%s", what, d, buf)
	}
}

// Many goroutines store, read, delete and clear on a small bound, some of
// them one store at a time (so that passes are held); afterwards, with no
// Reclaim, the store comes back within its bound and reclaims what
// expired by itself, and nothing stays held.
func TestHeldStress(t *testing.T) {
	d := stressFor(t)
	for _, bound := range []int{200, 20} { // with a tier, and without one
		t.Run(strconv.Itoa(bound), func(t *testing.T) {
			s := New(Config{MaxEntries: bound}) // otter's clean-up once a second: not what brings the store back
			names := []string{"a", "b", "c"}
			ns := make([]*Namespace, len(names))
			for i, name := range names {
				ns[i] = s.Namespace(name)
			}
			deadline := time.Now().Add(d / 2)
			var serial sync.Mutex // stores one at a time, so that passes are held
			var wg sync.WaitGroup
			for g := range 6 {
				wg.Go(func() {
					r := rand.New(rand.NewPCG(uint64(g), 1))
					for i := 0; time.Now().Before(deadline); i++ {
						n := ns[r.IntN(len(ns))]
						k := "k" + strconv.Itoa(r.IntN(4*bound))
						switch op := r.IntN(1000); {
						case op < 400:
							var ttl time.Duration
							if r.IntN(4) == 0 {
								ttl = time.Duration(1+r.IntN(3)) * time.Millisecond
							}
							if g < 3 {
								serial.Lock()
								for range 1 + r.IntN(64) {
									s.SetString(n, "s"+strconv.Itoa(r.IntN(8*bound)), 1, ttl, n.Generation())
								}
								serial.Unlock()
							} else {
								s.SetString(n, k, k, ttl, n.Generation())
							}
						case op < 700:
							if v, _, ok := n.GetString(k); ok && v != k && v != 1 {
								t.Errorf("%s holds %v", k, v)
							}
						case op < 900:
							n.GetCounted([]byte(k))
						case op < 995:
							s.Delete(n, k)
						default:
							s.Clear(n.Name())
						}
					}
				})
			}
			waitOrDump(t, &wg, d/2+30*time.Second, "the load")
			// A serial stream of stores of new keys, then quiet: the
			// passes they held run by themselves.
			n := ns[0]
			for i := range 20 * bound {
				s.SetString(n, "q"+strconv.Itoa(i), 1, 0, n.Generation())
				if i%7 == 0 {
					s.SetString(n, "t"+strconv.Itoa(i), 1, time.Millisecond, n.Generation())
				}
			}
			var ok bool
			// (Within less than otter's clean-up interval, which would run a
			// pass that nothing else ran.)
			for end := time.Now().Add(800 * time.Millisecond); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
				if ok = s.Len() <= bound && s.heldSeq.Load() == 0; ok {
					break
				}
			}
			if !ok {
				t.Fatalf("without a Reclaim, the store holds %d entries (bound %d), held %d", s.Len(), bound, s.heldSeq.Load())
			}
			s.heldMu.Lock()
			t.Logf("%d holds", s.holds)
			s.heldMu.Unlock()
			// The entries with a time to live expire by otter's passes alone.
			s.Clear(names...)
			for i := range bound / 2 {
				s.SetString(n, "e"+strconv.Itoa(i), 1, time.Millisecond, n.Generation())
			}
			for end := time.Now().Add(5 * time.Second); time.Now().Before(end) && s.Len() != 0; time.Sleep(10 * time.Millisecond) {
			}
			if got := s.Len(); got != 0 {
				t.Fatalf("%d expired entries were not reclaimed without a Reclaim", got)
			}
			s.Reclaim()
			var cw sync.WaitGroup
			cw.Go(func() { s.Close() })
			waitOrDump(t, &cw, 10*time.Second, "Close")
			if s.heldSeq.Load() != 0 {
				t.Fatal("a task is held after Close")
			}
		})
	}
}

// Stores and hits race Close: once all have returned, nothing is held.
func TestHeldCloseStress(t *testing.T) {
	d := stressFor(t)
	for end := time.Now().Add(d); time.Now().Before(end); {
		s := New(Config{MaxEntries: 200})
		n := s.Namespace("n")
		for i := range 50 {
			s.SetString(n, "h"+strconv.Itoa(i), 1, 0, n.Generation())
		}
		var wg sync.WaitGroup
		wg.Go(func() { // one store at a time: its passes are held
			for i := 0; !s.Closed(); i++ {
				s.SetString(n, "k"+strconv.Itoa(i), 1, 0, n.Generation())
			}
		})
		wg.Go(func() {
			for i := 0; !s.Closed(); i++ {
				n.GetString("h" + strconv.Itoa(i%50))
			}
		})
		time.Sleep(time.Duration(rand.IntN(2000)) * time.Microsecond)
		wg.Go(func() { s.Close() })
		waitOrDump(t, &wg, 10*time.Second, "the stores, reads and Close")
		if s.heldSeq.Load() != 0 {
			t.Fatal("a task is held after Close")
		}
	}
}
