package rediscache_test

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz/internal/testserver"
)

// tchild is a child process of the local-tier tests (see trackChild), as
// the test sees it.
type tchild struct {
	name    string
	stdin   io.Writer
	replies chan string  // its lines other than reports
	reports chan tReport // its reports
}

// tReport is a report line of a child: what the sink heard, and when.
type tReport struct {
	kind, ns string
	at       int64
}

// startTrackChildren starts the children A, B and C on url and waits until
// each is ready.
func startTrackChildren(t *testing.T, url string) [3]*tchild {
	t.Helper()
	var children [3]*tchild
	for i := range children {
		_, stdin, stdout := spawn(t, trackChildEnv+"="+url)
		ch := &tchild{name: string(rune('A' + i)), stdin: stdin,
			replies: make(chan string, 1<<16), reports: make(chan tReport, 1<<16)}
		go func() {
			defer close(ch.replies)
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				l := sc.Text()
				if w := strings.Fields(l); len(w) == 4 && w[0] == "report" {
					at, _ := strconv.ParseInt(w[3], 10, 64)
					select {
					case ch.reports <- tReport{w[1], w[2], at}:
					default:
					}
					continue
				}
				ch.replies <- l
			}
		}()
		children[i] = ch
	}
	for _, ch := range children {
		if l := ch.reply(t); l != "ready" {
			t.Fatalf("child %s said %q, want ready", ch.name, l)
		}
	}
	return children
}

// send writes a command line to the child.
func (c *tchild) send(t *testing.T, format string, args ...any) {
	t.Helper()
	if _, err := fmt.Fprintf(c.stdin, format+"\n", args...); err != nil {
		t.Fatalf("child %s: %v", c.name, err)
	}
}

// reply returns the child's next line other than a report; a generous
// bound catches a child that hangs.
func (c *tchild) reply(t *testing.T) string {
	t.Helper()
	select {
	case l, ok := <-c.replies:
		if !ok {
			t.Fatalf("child %s exited", c.name)
		}
		if strings.HasPrefix(l, "error") {
			t.Fatalf("child %s: %s", c.name, l)
		}
		return l
	case <-time.After(30 * time.Second):
		t.Fatalf("child %s said nothing for 30s", c.name)
	}
	return ""
}

// do sends a command (none if format is empty) and returns the words of
// the child's next reply, which must begin with want.
func (c *tchild) do(t *testing.T, want string, format string, args ...any) []string {
	t.Helper()
	if format != "" {
		c.send(t, format, args...)
	}
	l := c.reply(t)
	w := strings.Fields(l)
	if len(w) == 0 || w[0] != want {
		t.Fatalf("child %s answered %q to %q, want %s", c.name, l, fmt.Sprintf(format, args...), want)
	}
	return w
}

// await returns the time of the child's first report of kind in ns,
// passing over the others.
func (c *tchild) await(t *testing.T, kind, ns string) int64 {
	t.Helper()
	limit := time.After(30 * time.Second)
	for {
		select {
		case r := <-c.reports:
			if r.kind == kind && r.ns == ns {
				return r.at
			}
		case <-limit:
			t.Fatalf("child %s heard no %s of %s within 30s", c.name, kind, ns)
		}
	}
}

// drainReports forgets the reports the child made so far.
func (c *tchild) drainReports() {
	for {
		select {
		case <-c.reports:
		default:
			return
		}
	}
}

// percentile returns the p-th percentile (0 < p <= 100) of sorted ds.
func percentile(ds []time.Duration, p float64) time.Duration {
	i := int(float64(len(ds))*p/100+0.5) - 1
	return ds[min(max(i, 0), len(ds)-1)]
}

const latencyRounds = 200

// testInvalidationLatency: A overwrites (Refresh) or clears, in turn, an
// entry that B and C hold in their local tiers; B and C hear of it, and
// then answer with what A left. The time from A's operation returning to
// the report in B and C is the invalidation latency.
func testInvalidationLatency(t *testing.T, url string) {
	p := startTrackChildren(t, url)
	a, others := p[0], p[1:]
	lat := map[string][]time.Duration{}
	for i := range latencyRounds {
		ns := fmt.Sprint("lat-", i)
		v := a.do(t, "value", "call %s 1", ns)[1]
		for _, o := range others {
			for range 2 { // the second from the local tier
				if got := o.do(t, "value", "call %s 1", ns)[1]; got != v {
					t.Fatalf("round %d: %s read %s, want A's %s", i, o.name, got, v)
				}
			}
			o.drainReports()
		}
		kind, op := "changed", "overwrite"
		var done []string
		if i%2 == 0 {
			done = a.do(t, "done", "refresh %s 1", ns)
		} else {
			kind, op = "cleared", "clear"
			done = a.do(t, "done", "clear %s", ns)
		}
		at, err := strconv.ParseInt(done[2], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		began, err := strconv.ParseInt(done[3], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range others {
			heard := o.await(t, kind, ns)
			d := time.Duration(heard - at)
			lat[op] = append(lat[op], d)
			lat["all"] = append(lat["all"], d)
			lat["all, from A's call"] = append(lat["all, from A's call"], time.Duration(heard-began))
			got := o.do(t, "value", "call %s 1", ns)[1]
			switch {
			case op == "overwrite" && got != done[1]:
				t.Fatalf("round %d: after A's overwrite with %s, %s read %s", i, done[1], o.name, got)
			case op == "clear" && got == v:
				t.Fatalf("round %d: after A's clear, %s read the cleared %s", i, o.name, got)
			}
		}
	}
	// A report can reach B before A's call has returned: Redis sends the
	// push to B and the reply to A at once, and A's reply still has A's
	// client and cache to go through. Hence negative figures, and the
	// last line, measured from when A's call began.
	for _, op := range []string{"overwrite", "clear", "all", "all, from A's call"} {
		ds := lat[op]
		slices.Sort(ds)
		t.Logf("%s: %d reports, invalidation latency p50 %v p99 %v max %v",
			op, len(ds), percentile(ds, 50), percentile(ds, 99), ds[len(ds)-1])
	}
}

func TestInvalidationAcrossProcessesStandalone(t *testing.T) {
	testInvalidationLatency(t, testserver.Redis(t).URL())
}

func TestInvalidationAcrossProcessesCluster(t *testing.T) {
	testInvalidationLatency(t, clusterURL(testserver.NewRedisCluster(t)))
}

// testLoadBeforeClear: a load that B began before A's Clear never becomes
// visible after that Clear, in A, B or C, with local tiers on.
func testLoadBeforeClear(t *testing.T, url string) {
	p := startTrackChildren(t, url)
	a, b := p[0], p[1]
	for i := range 20 {
		ns := fmt.Sprint("cvl-", i)
		for _, c := range p { // each process holds some of ns locally
			c.do(t, "value", "call %s 2", ns)
			c.do(t, "value", "call %s 2", ns)
		}
		b.do(t, "loading", "hold %s 1", ns)
		a.do(t, "done", "clear %s", ns)
		b.send(t, "go")
		held := b.do(t, "value", "")[1]
		for _, c := range p {
			for range 2 { // the second from the local tier, if the first stored
				if got := c.do(t, "value", "call %s 1", ns)[1]; got == held {
					t.Fatalf("round %d: %s read %s, which B loaded before A's clear", i, c.name, got)
				}
			}
		}
	}
}

func TestLoadBeforeClearAcrossProcessesStandalone(t *testing.T) {
	testLoadBeforeClear(t, testserver.Redis(t).URL())
}

func TestLoadBeforeClearAcrossProcessesCluster(t *testing.T) {
	testLoadBeforeClear(t, clusterURL(testserver.NewRedisCluster(t)))
}

// staleBound is how long after a Clear returns a process may still answer
// with a value loaded before it: the time a report takes to reach the
// other processes (about a millisecond on loopback, see the latency test)
// or, when their connection closes, the time to notice it, with room for
// the scheduling stalls of a loaded test machine (a few hundred
// milliseconds have been seen with eight runnable processes per core). A
// report that never came would show as the rest of the run, or more.
const staleBound = time.Second

// Phases of TestStaleBoundKillRestart: how long the processes run before
// Redis is killed, while it is down, and after it is back.
const (
	chaosBefore = 500 * time.Millisecond
	chaosDown   = 300 * time.Millisecond
	chaosAfter  = 700 * time.Millisecond
)

// Three processes with local tiers call, and one of them clears, while
// Redis is killed and restarted (empty): no call answers with a value loaded before
// a Clear of its namespace if the call began more than staleBound after
// that Clear returned.
func TestStaleBoundKillRestart(t *testing.T) {
	srv := testserver.RedisWith(t, testserver.RedisOptions{})
	testStaleBound(t, srv.URL(), []*testserver.RedisServer{srv})
}

// The same on the 3-master Cluster, every master killed and restarted.
func TestStaleBoundKillRestartCluster(t *testing.T) {
	c := testserver.NewRedisCluster(t)
	if c.External() {
		t.Skip("needs a cluster it can kill")
	}
	testStaleBound(t, clusterURL(c), c.Nodes())
}

func testStaleBound(t *testing.T, url string, servers []*testserver.RedisServer) {
	p := startTrackChildren(t, url)
	// A clears; B and C only read, and so hold entries in their local
	// tiers that only A's clears, or the loss of their connections, end.
	for i, c := range p {
		every := 0
		if i == 0 {
			every = 25
		}
		c.do(t, "started", "chaos 3 6 %d", every)
	}
	time.Sleep(chaosBefore)
	for _, srv := range servers {
		if err := srv.Kill(); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(chaosDown)
	for _, srv := range servers {
		if err := srv.Restart(); err != nil {
			t.Fatal(err)
		}
	}
	restarted := time.Now().UnixNano()
	time.Sleep(chaosAfter)

	type span struct{ begin, end int64 }
	type read struct {
		ns            string
		start, loaded int64
	}
	clears := map[string][]span{}
	var reads []read
	for _, c := range p {
		c.send(t, "stop")
		for {
			l := c.reply(t)
			if l == "end" {
				break
			}
			w := strings.Fields(l)
			if len(w) != 4 {
				t.Fatalf("child %s: %q", c.name, l)
			}
			x, err1 := strconv.ParseInt(w[2], 10, 64)
			y, err2 := strconv.ParseInt(w[3], 10, 64)
			if err1 != nil || err2 != nil {
				t.Fatalf("child %s: %q", c.name, l)
			}
			switch w[0] {
			case "clear":
				clears[w[1]] = append(clears[w[1]], span{x, y})
			case "read":
				reads = append(reads, read{w[1], x, y})
			default:
				t.Fatalf("child %s: %q", c.name, l)
			}
		}
	}
	// For each namespace, the clears by beginning, and the earliest end of
	// the clears from each one on: a value loaded at L is stale, for a
	// call, from the earliest end of the clears that began after L.
	firstEnd := map[string][]int64{}
	nclears := 0
	for ns, cs := range clears {
		slices.SortFunc(cs, func(a, b span) int { return int(a.begin - b.begin) })
		ends := make([]int64, len(cs))
		for i := len(cs) - 1; i >= 0; i-- {
			ends[i] = cs[i].end
			if i+1 < len(cs) {
				ends[i] = min(ends[i], ends[i+1])
			}
		}
		firstEnd[ns] = ends
		nclears += len(cs)
	}
	var worst time.Duration
	var stale, after int
	for _, r := range reads {
		if r.start > restarted {
			after++
		}
		cs := clears[r.ns]
		i, _ := slices.BinarySearchFunc(cs, r.loaded, func(s span, l int64) int {
			if s.begin <= l {
				return -1
			}
			return 1
		})
		if i == len(cs) {
			continue
		}
		d := time.Duration(r.start - firstEnd[r.ns][i])
		if d <= 0 {
			continue
		}
		stale++
		worst = max(worst, d)
		if d > staleBound {
			t.Errorf("a call in %s began %v after a Clear had returned and answered with a value loaded before the Clear began", r.ns, d)
		}
	}
	t.Logf("%d calls (%d after the restart), %d clears; %d calls answered with a value cleared before they began, at most %v before (bound %v)",
		len(reads), after, nclears, stale, worst, staleBound)
	if after == 0 || nclears == 0 {
		t.Fatal("the processes did not work on both sides of the restart")
	}
}
