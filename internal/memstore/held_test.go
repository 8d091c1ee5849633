package memstore

import (
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// goid returns the calling goroutine's number.
func goid() int64 {
	var b [64]byte
	f := strings.Fields(string(b[:runtime.Stack(b[:], false)]))
	id, _ := strconv.ParseInt(f[1], 10, 64)
	return id
}

// keyFor returns the first key from "k<from>" on whose store runs the held
// tasks if picked is set, and one whose store does not otherwise.
func keyFor(s *Store, n *Namespace, picked bool, from int) (string, int) {
	for i := from; ; i++ {
		k := "k" + strconv.Itoa(i)
		if (s.digest(n.id, k)&heldMask == 0) == picked {
			return k, i + 1
		}
	}
}

// wrapHeld makes the held task of the given kind record the goroutine that
// runs it, and fails if none is held.
func wrapHeld(t *testing.T, s *Store, kind int, ranOn *atomic.Int64) {
	t.Helper()
	s.heldMu.Lock()
	defer s.heldMu.Unlock()
	fn := s.held[kind]
	if fn == nil {
		t.Fatal("no task held")
	}
	s.held[kind] = func() {
		ranOn.Store(goid())
		fn()
	}
}

// holding returns a store whose lone store of k, a key not picked to run
// the held tasks, left otter's pass held; its namespace; and where keyFor
// goes on from. The caller closes the store. It runs in a bubble, where
// the maintenance goroutine's timer fires only when the test sleeps.
func holding(t *testing.T) (s *Store, n *Namespace, k string, next int) {
	t.Helper()
	s = New(Config{MaxEntries: 10})
	n = s.Namespace("n")
	k, next = keyFor(s, n, false, 0)
	put(s, n, k, 0)
	synctest.Wait()
	return s, n, k, next
}

// probeHeld makes the held pass record the goroutine that runs it, and
// returns the record: 0 until it runs.
func probeHeld(t *testing.T, s *Store) *atomic.Int64 {
	t.Helper()
	ranOn := new(atomic.Int64)
	wrapHeld(t, s, heldPass, ranOn)
	return ranOn
}

// ranOnTheGoroutine fails unless the held pass that ranOn probes has run
// (when says when it should have), on another goroutine than the test's,
// and nothing is held any more.
func ranOnTheGoroutine(t *testing.T, s *Store, ranOn *atomic.Int64, when string) {
	t.Helper()
	switch got := ranOn.Load(); got {
	case 0:
		t.Fatalf("the held pass did not run %s", when)
	case goid():
		t.Fatalf("the held pass ran %s on the test's goroutine", when)
	}
	if s.heldSeq.Load() != 0 {
		t.Fatalf("a task is still held %s", when)
	}
}

// A pass otter asks for during a store is held until a picked store runs
// it, on the store's own goroutine; the stores before it leave it held.
func TestPickedStoreRunsTheHeldPass(t *testing.T) {
	synctest.Test(t, func(t *testing.T) { // time stands still: the goroutine's timer never fires
		s, n, _, next := holding(t)
		defer s.Close()
		ranOn := probeHeld(t, s)
		var k string
		for range 5 {
			k, next = keyFor(s, n, false, next)
			put(s, n, k, 0)
		}
		synctest.Wait()
		if ranOn.Load() != 0 {
			t.Fatal("the held pass ran before a picked store came")
		}
		k, _ = keyFor(s, n, true, next)
		put(s, n, k, 0)
		if got, me := ranOn.Load(), goid(); got != me {
			t.Fatalf("the held pass ran on goroutine %d, not on the picked store's, %d", got, me)
		}
		if s.heldSeq.Load() != 0 {
			t.Fatal("a task is still held after the picked store")
		}
	})
}

// With no picked store, the maintenance goroutine runs the held pass
// heldDelay after it was held, not sooner.
func TestGoroutineRunsTheHeldPassAfterHeldDelay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, _, _, _ := holding(t)
		defer s.Close()
		ranOn := probeHeld(t, s)
		time.Sleep(heldDelay - time.Nanosecond)
		synctest.Wait()
		if ranOn.Load() != 0 {
			t.Fatal("the held pass ran before heldDelay")
		}
		time.Sleep(time.Nanosecond)
		synctest.Wait()
		ranOnTheGoroutine(t, s, ranOn, "at heldDelay")
	})
}

// A pass asked for by a read goes to the maintenance goroutine at once.
func TestReadAsksForAPassAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, n, k, _ := holding(t)
		defer s.Close()
		time.Sleep(heldDelay) // the goroutine runs the held pass: otter may ask for another
		synctest.Wait()
		if s.heldSeq.Load() != 0 {
			t.Fatal("the held pass did not run")
		}
		started, gate := make(chan struct{}), make(chan struct{})
		s.tasks <- func() { close(started); <-gate } // the goroutine's next tasks wait in its queue
		<-started
		for i := 0; i < 10000 && len(s.tasks) == 0; i++ {
			if _, _, ok := n.GetString(k); !ok {
				t.Fatal("miss")
			}
		}
		queued, held := len(s.tasks), s.heldSeq.Load()
		close(gate)
		if held != 0 {
			t.Fatal("a pass asked for by reads was held")
		}
		if queued != 1 {
			t.Fatalf("reads filling otter's read buffer queued %d passes for the goroutine, want 1", queued)
		}
	})
}

// The settle the tier asks for during a pass a picked store runs is run
// by that store, after the pass.
func TestSettleFollowsAStoreRunPass(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const bound = 1000
		s := New(Config{MaxEntries: bound})
		defer s.Close()
		var mine, others atomic.Int64
		me := goid()
		settle := s.tier.settleFn
		s.tier.settleFn = func() {
			if goid() == me {
				mine.Add(1)
			} else {
				others.Add(1)
			}
			settle()
		}
		n := s.Namespace("n")
		next := 0
		for range 3 * bound {
			var k string
			k, next = keyFor(s, n, next%4 == 0, next) // a picked store in four, for a full tier
			put(s, n, k, 0)
			if s.digest(n.id, k)&heldMask == 0 {
				s.heldMu.Lock()
				left := s.held[heldSettle] != nil
				s.heldMu.Unlock()
				if left {
					t.Fatal("a picked store left the settle held")
				}
				if got, w := s.tier.held.Load(), s.tier.share.Load(); got > w {
					t.Fatalf("after a picked store, the tier holds %d entries, over its share of %d", got, w)
				}
			}
		}
		if mine.Load() == 0 {
			t.Fatalf("no settle ran on the storing goroutine (%d on others)", others.Load())
		}
	})
}

// A task held at Close runs before Close returns, and none is held after.
func TestCloseRunsTheHeldPass(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, _, _, _ := holding(t)
		ranOn := probeHeld(t, s)
		s.Close()
		if ranOn.Load() == 0 {
			t.Fatal("the pass held at Close did not run")
		}
		ran := false
		s.storing.Add(1)
		s.execute(func() { ran = true })
		s.storing.Add(-1)
		if !ran || s.heldSeq.Load() != 0 {
			t.Fatal("a task asked for after Close was held, not run")
		}
	}) // the bubble fails the test if a goroutine of the store outlives it
}

// A held task runs exactly once, whoever of picked stores racing each
// other and the goroutine's timer takes it.
func TestHeldTaskRunsOnce(t *testing.T) {
	for range 20 {
		s := New(Config{MaxEntries: 10})
		n := s.Namespace("n")
		var runs atomic.Int64
		s.storing.Add(1)
		s.execute(func() { runs.Add(1) })
		s.storing.Add(-1)
		if s.heldSeq.Load() == 0 {
			t.Fatal("a task asked for during a store was not held")
		}
		var wg sync.WaitGroup
		for g := range 2 {
			wg.Go(func() {
				next := g * 1000
				for range 3 {
					var k string
					k, next = keyFor(s, n, true, next)
					put(s, n, k, 0)
				}
			})
		}
		wg.Wait()
		s.Close()
		if got := runs.Load(); got != 1 {
			t.Fatalf("the held task ran %d times", got)
		}
	}
}

// A hit in otter hands the held pass to the maintenance goroutine at once
// (a held pass leaves otter's read buffer undrained); a miss leaves it
// held.
func TestHitReleasesTheHeldPass(t *testing.T) {
	for _, counted := range []bool{false, true} {
		t.Run("counted="+strconv.FormatBool(counted), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { // time stands still: the goroutine's timer never fires
				s, n, k, _ := holding(t)
				defer s.Close()
				get := func(k string) bool {
					if counted {
						_, _, _, ok := n.GetCounted([]byte(k))
						return ok
					}
					_, _, ok := n.Get([]byte(k))
					return ok
				}
				ranOn := probeHeld(t, s)
				if get("absent") {
					t.Fatal("a key never stored was found")
				}
				synctest.Wait()
				if ranOn.Load() != 0 || s.heldSeq.Load() == 0 {
					t.Fatal("a miss released the held pass")
				}
				if !get(k) {
					t.Fatalf("%s was not found", k)
				}
				synctest.Wait()
				ranOnTheGoroutine(t, s, ranOn, "after a hit")
			})
		})
	}
}

// A store made while another goroutine stores holds nothing: its pass goes
// to the maintenance goroutine.
func TestConcurrentStoresHoldNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) { // time stands still: the goroutine's timer never fires
		s, n, _, next := holding(t)
		defer s.Close()
		if s.heldSeq.Load() == 0 {
			t.Fatal("a lone store held nothing")
		}
		time.Sleep(heldDelay) // the goroutine runs what is held
		synctest.Wait()
		s.storing.Add(1) // another goroutine's store, in progress
		defer s.storing.Add(-1)
		for range 5 {
			var k string
			k, next = keyFor(s, n, false, next)
			put(s, n, k, 0)
			if s.heldSeq.Load() != 0 {
				t.Fatal("a store made while another was in progress held a task")
			}
		}
	})
}

// waitingForLock reports whether a goroutine running fn (a function's name
// as a stack shows it) is blocked locking a sync.Mutex.
func waitingForLock(fn string) bool {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "[sync.Mutex.Lock") && strings.Contains(g, fn) {
			return true
		}
	}
	return false
}

// A hold reads closed and holds its task under heldMu, and Close does not
// take heldMu: a hold that found the store open may hold its task after
// Close marked the store closed. The goroutine's stop path must then still
// run it, not return because it read nothing held without heldMu.
func TestCloseRunsATaskHeldAsItCloses(t *testing.T) {
	s := New(Config{MaxEntries: 10})
	var ran atomic.Bool
	s.heldMu.Lock() // a hold in progress, that found the store open
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		s.Close()
	}()
	// The goroutine reaches its stop path: it waits there for heldMu, or
	// (reading without it) finds nothing held and returns.
	returned := func() bool {
		select {
		case <-s.done:
			return true
		default:
			return false
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for !waitingForLock("(*Store).maintain") && !returned() {
		if time.Now().After(deadline) {
			t.Fatal("the maintenance goroutine neither returned nor waited for heldMu")
		}
		time.Sleep(time.Millisecond) // between two looks at its state
	}
	s.held[heldPass] = func() { ran.Store(true) }
	s.holds++
	s.heldSeq.Store(s.holds)
	s.heldMu.Unlock()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return")
	}
	if !ran.Load() || s.heldSeq.Load() != 0 {
		t.Fatal("a task held as the store closed was never run")
	}
}
