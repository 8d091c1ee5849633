package rediscache_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rediscache "github.com/cachetoolz/cachetoolz/redis"
	"github.com/redis/rueidis"
)

// The tests in this file run the wrapped function of one cold key in
// several processes at once: the test binary started again as a child,
// told what to do by the environment. Each child prints "ready", waits for
// a line on its standard input, calls the function from its goroutines at
// once, and prints "done" with what they got. The function counts its runs
// in Redis, with INCR, since no process sees the others' runs.

// Environment of a child process.
const (
	childURLEnv   = "CACHETOOLZ_LOCKPROC_URL"   // the server; set only in children
	childModeEnv  = "CACHETOOLZ_LOCKPROC_MODE"  // "lock", "nolock", or "stall" (the first run never returns)
	childTTLEnv   = "CACHETOOLZ_LOCKPROC_TTL"   // Options.LockTTL
	childLoadEnv  = "CACHETOOLZ_LOCKPROC_LOAD"  // how long a run of the function takes
	childCallsEnv = "CACHETOOLZ_LOCKPROC_CALLS" // goroutines calling the function
)

// runsKey counts the runs of the function, in the test's own server.
const runsKey = "lockproc:runs"

func TestMain(m *testing.M) {
	if url := os.Getenv(trackChildEnv); url != "" {
		if err := trackChild(url); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if url := os.Getenv(childURLEnv); url != "" {
		if err := lockChild(url); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// lockChild is the body of a child process.
func lockChild(url string) error {
	mode := os.Getenv(childModeEnv)
	ttl, err := time.ParseDuration(os.Getenv(childTTLEnv))
	if err != nil {
		return err
	}
	load, err := time.ParseDuration(os.Getenv(childLoadEnv))
	if err != nil {
		return err
	}
	calls, err := strconv.Atoi(os.Getenv(childCallsEnv))
	if err != nil {
		return err
	}
	b, err := rediscache.New(url, nil)
	if err != nil {
		return err
	}
	defer b.Close()
	co, err := rueidis.ParseURL(url)
	if err != nil {
		return err
	}
	co.DisableCache = true
	raw, err := rueidis.NewClient(co)
	if err != nil {
		return err
	}
	defer raw.Close()
	// A Get or TryLock that times out makes a call run its function
	// without the lock, by design; on a machine loaded enough to delay
	// eight processes' first round trips past the default Timeout, that
	// would be measured instead of the lock. So the bound is generous here.
	c, err := cachetoolz.New(b, &cachetoolz.Config{Timeout: 5 * time.Second})
	if err != nil {
		return err
	}
	f, err := cachetoolz.Wrap1(c, func(ctx context.Context, key string) (string, error) {
		n, err := raw.Do(ctx, raw.B().Incr().Key(runsKey).Build()).AsInt64()
		if err != nil {
			return "", err
		}
		if mode == "stall" && n == 1 {
			fmt.Println("holding")
			select {} // until the test kills this process
		}
		time.Sleep(load) // the work the function does
		return fmt.Sprintf("%s from run %d", key, n), nil
	}, &cachetoolz.Options{Name: "lockproc", Namespace: "lockproc", Lock: mode != "nolock", LockTTL: ttl})
	if err != nil {
		return err
	}

	// A process that has served before: its connections are open and the
	// server knows the scripts. Only the key is cold.
	warm := "warmup-" + strconv.Itoa(os.Getpid())
	if _, _, err := b.Get(context.Background(), warm, "k"); !errors.Is(err, cachetoolz.ErrNotFound) {
		return err
	}
	st, err := b.TryLock(context.Background(), warm, "k", ttl)
	if err != nil {
		return err
	}
	if err := st.Held.Release(context.Background()); err != nil {
		return err
	}

	start := make(chan struct{})
	results := make([]string, calls)
	errs := make([]error, calls)
	var wg sync.WaitGroup
	for i := range calls {
		wg.Go(func() {
			<-start
			results[i], errs[i] = f(context.Background(), "key")
		})
	}
	fmt.Println("ready")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		return err
	}
	close(start)
	wg.Wait()
	distinct := map[string]bool{}
	for i := range calls {
		if errs[i] != nil {
			return errs[i]
		}
		distinct[results[i]] = true
	}
	fmt.Printf("done %d %d\n", calls, len(distinct))
	return nil
}

// child is a child process as the test sees it.
type child struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan line // its standard output, line by line, closed at its end
}

// line is a line a child printed, and when the test read it.
type line struct {
	text string
	at   time.Time
}

// startChildren starts n children on srv in mode and waits until each is
// ready.
func startChildren(t *testing.T, srv *testserver.RedisServer, n, calls int, mode string, ttl, load time.Duration) []*child {
	t.Helper()
	children := make([]*child, n)
	for i := range children {
		cmd, stdin, stdout := spawn(t,
			childURLEnv+"="+srv.URL(),
			childModeEnv+"="+mode,
			childTTLEnv+"="+ttl.String(),
			childLoadEnv+"="+load.String(),
			childCallsEnv+"="+strconv.Itoa(calls))
		ch := &child{cmd: cmd, stdin: stdin, lines: make(chan line, 16)}
		go func() {
			defer close(ch.lines)
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				ch.lines <- line{sc.Text(), time.Now()}
			}
		}()
		children[i] = ch
	}
	for i, ch := range children {
		if l, ok := <-ch.lines; !ok || l.text != "ready" {
			t.Fatalf("child %d said %q, want ready", i, l.text)
		}
	}
	return children
}

// spawn starts the test binary again, as a child with env added to its
// environment, and returns it with its standard input and output. The child
// is killed when the test ends.
func spawn(t *testing.T, env ...string) (*exec.Cmd, io.WriteCloser, io.Reader) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = stdin.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd, stdin, stdout
}

// release lets every child call its function.
func release(t *testing.T, children []*child) {
	t.Helper()
	for _, ch := range children {
		if _, err := io.WriteString(ch.stdin, "go\n"); err != nil {
			t.Fatal(err)
		}
	}
}

// runs reads how many times the function ran, in every process together.
func runs(t *testing.T, raw rueidis.Client) int64 {
	t.Helper()
	n, err := raw.Do(bg, raw.B().Get().Key(runsKey).Build()).AsInt64()
	if err != nil && !rueidis.IsRedisNil(err) {
		t.Fatal(err)
	}
	return n
}

// expectDone reads a child's last line, which must say that every call
// succeeded with one result, or two.
func expectDone(t *testing.T, i int, ch *child, calls int) line {
	t.Helper()
	l, ok := <-ch.lines
	var n, distinct int
	if _, err := fmt.Sscanf(l.text, "done %d %d", &n, &distinct); !ok || err != nil || n != calls || distinct < 1 || distinct > 2 {
		t.Fatalf("child %d said %q, want done %d 1 (or 2)", i, l.text, calls)
	}
	return l
}

const (
	procs         = 8
	callsPerProc  = 50
	procLoad      = 300 * time.Millisecond
	procLockTTL   = time.Second
	killTolerance = 500 * time.Millisecond // process and scheduling delays beyond the bound
)

// Eight processes of fifty goroutines each miss on one cold key at once:
// with Options.Lock, the function runs once or twice in all; without, once
// in each process.
func TestLockAcrossProcesses(t *testing.T) {
	for _, mode := range []string{"lock", "nolock"} {
		t.Run(mode, func(t *testing.T) {
			srv := testserver.Redis(t)
			raw := rawClient(t, srv.Addr())
			children := startChildren(t, srv, procs, callsPerProc, mode, procLockTTL, procLoad)
			release(t, children)
			for i, ch := range children {
				expectDone(t, i, ch, callsPerProc)
			}
			n := runs(t, raw)
			t.Logf("%s: %d processes x %d goroutines ran the function %d times", mode, procs, callsPerProc, n)
			switch {
			case mode == "lock" && n > 2:
				t.Errorf("with the lock the function ran %d times, want at most 2", n)
			case mode == "nolock" && n <= 2:
				t.Errorf("without the lock the function ran %d times, want more than 2 (the test would prove nothing)", n)
			}
		})
	}
}

// The process that holds the lock is killed in the middle of its load: the
// others take the lock over once it expires, and every one of them has its
// answer within the lock's time to live plus one load.
func TestLockHolderKilled(t *testing.T) {
	srv := testserver.Redis(t)
	raw := rawClient(t, srv.Addr())
	children := startChildren(t, srv, procs, callsPerProc, "stall", procLockTTL, procLoad)
	release(t, children)

	// Whichever child prints "holding" runs the first load: kill it.
	type said struct {
		i int
		l line
	}
	first := make(chan said, len(children))
	for i, ch := range children {
		go func() {
			if l, ok := <-ch.lines; ok {
				first <- said{i, l}
			} else {
				first <- said{i, line{"(exited)", time.Now()}}
			}
		}()
	}
	var killed int
	var killedAt time.Time
	var done []said
	for range children {
		s := <-first
		if s.l.text == "holding" {
			if killedAt != (time.Time{}) {
				t.Fatalf("child %d holds the first load too", s.i)
			}
			if err := children[s.i].cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed, killedAt = s.i, time.Now()
			continue
		}
		done = append(done, s)
	}
	if killedAt == (time.Time{}) {
		t.Fatal("no child held the first load")
	}
	var last time.Duration
	for _, s := range done {
		var n, distinct int
		if _, err := fmt.Sscanf(s.l.text, "done %d %d", &n, &distinct); err != nil || n != callsPerProc || distinct != 1 {
			t.Fatalf("child %d said %q, want done %d 1", s.i, s.l.text, callsPerProc)
		}
		if s.l.at.Before(killedAt) {
			t.Fatalf("child %d was done before the holder was killed", s.i)
		}
		last = max(last, s.l.at.Sub(killedAt))
	}
	n := runs(t, raw)
	t.Logf("holder (child %d) killed; the %d others were done %v later; the function ran %d times", killed, len(done), last, n)
	if bound := procLockTTL + procLoad + killTolerance; last > bound {
		t.Errorf("the others were done %v after the kill, want at most the lock TTL plus one load (%v, with %v to spare)", last, procLockTTL+procLoad, killTolerance)
	}
	if n != 2 {
		t.Errorf("the function ran %d times, want 2: the killed holder's run and one after it", n)
	}
}
