package benchmarks

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/internal/testserver"
	rc "github.com/cachetoolz/cachetoolz/redis"
	"github.com/redis/rueidis"
)

// Sizes of BenchmarkRedisClear: a namespace of clearNamespace entries in a
// database of clearDatabase keys in all.
const (
	clearNamespace = 100_000
	clearDatabase  = 1_000_000
)

// BenchmarkRedisClear clears a namespace of 100,000 entries in a database
// of 1,000,000 keys, on a fresh redis-server, and reports:
//
//   - ms-invisible: how long Clear takes; once it returns the namespace is
//     empty for every reader (checked);
//   - ms-reclaimed: from the start of Clear until the background reclaim
//     has removed every old entry, its index and its pending mark (DBSIZE
//     back to the other keys plus the namespace's generation key);
//   - us-avg-step: the average time Redis spent on one script call of the
//     clear and the reclaim (INFO commandstats, reset before the clear);
//   - ms-max-busy: the longest command of the reclaim as Redis itself timed
//     it (SLOWLOG, threshold 0.5 ms; 0 if none was that slow), a figure
//     that also counts any time the machine took the CPU from redis-server;
//   - us-max-ping: the worst round trip of a PING loop running alongside,
//     what another client of the same Redis saw.
//
// Setting up the 1,000,000 keys takes several seconds; run it with
// -benchtime 1x.
func BenchmarkRedisClear(b *testing.B) {
	for _, batch := range []int{256, 1024} {
		b.Run("batch="+strconv.Itoa(batch), func(b *testing.B) {
			b.StopTimer()
			srv := testserver.Redis(b)
			raw := rueidisClient(b, srv.URL())
			ctx := context.Background()
			var invisible, reclaimed, busy, ping, step time.Duration
			for range b.N {
				b.StopTimer()
				be := fillForClear(b, ctx, srv.URL(), raw, batch)
				setSlowlog(b, ctx, raw)
				stopPing, maxPing := pingLoop(ctx, raw)
				b.StartTimer()

				start := time.Now()
				if err := be.Clear(ctx, "users"); err != nil {
					b.Fatal(err)
				}
				inv := time.Since(start)
				b.StopTimer()
				for _, k := range []string{"0", "50000", "99999"} {
					if _, _, err := be.Get(ctx, "users", k); !errors.Is(err, cachetoolz.ErrNotFound) {
						b.Fatalf("Get(users, %s) after Clear: %v, want a miss", k, err)
					}
				}
				want := int64(clearDatabase - clearNamespace + 1)
				for {
					n, err := raw.Do(ctx, raw.B().Dbsize().Build()).AsInt64()
					if err != nil {
						b.Fatal(err)
					}
					if n == want {
						break
					}
					if time.Since(start) > time.Minute {
						b.Fatalf("DBSIZE %d a minute after Clear, want %d", n, want)
					}
					time.Sleep(time.Millisecond)
				}
				rec := time.Since(start)
				stopPing()
				invisible += inv
				reclaimed += rec
				busy = max(busy, slowest(b, ctx, raw))
				step += scriptStep(b, ctx, raw)
				ping = max(ping, *maxPing)
				_ = be.Close()
			}
			b.ReportMetric(float64(invisible.Microseconds())/1000/float64(b.N), "ms-invisible")
			b.ReportMetric(float64(reclaimed.Microseconds())/1000/float64(b.N), "ms-reclaimed")
			b.ReportMetric(float64(busy.Microseconds())/1000, "ms-max-busy")
			b.ReportMetric(float64(step.Microseconds())/float64(b.N), "us-avg-step")
			b.ReportMetric(float64(ping.Microseconds()), "us-max-ping")
		})
	}
}

// fillForClear empties the database, writes clearDatabase-clearNamespace
// plain keys, then clearNamespace entries of namespace "users" through a new
// backend, which it returns.
func fillForClear(b *testing.B, ctx context.Context, url string, raw rueidis.Client, batch int) *rc.Backend {
	b.Helper()
	if err := raw.Do(ctx, raw.B().Flushall().Build()).Error(); err != nil {
		b.Fatal(err)
	}
	value := "x" + string(make([]byte, 63))
	cmds := make(rueidis.Commands, 0, 10_000)
	for i := range clearDatabase - clearNamespace {
		cmds = append(cmds, raw.B().Set().Key("other:"+strconv.Itoa(i)).Value(value).Build())
		if len(cmds) == cap(cmds) {
			for _, r := range raw.DoMulti(ctx, cmds...) {
				if err := r.Error(); err != nil {
					b.Fatal(err)
				}
			}
			cmds = cmds[:0]
		}
	}
	be, err := rc.New(url, &rc.Options{ReclaimBatch: batch})
	if err != nil {
		b.Fatal(err)
	}
	_, gen, err := be.Get(ctx, "users", "probe")
	if !errors.Is(err, cachetoolz.ErrNotFound) {
		b.Fatal(err)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= clearNamespace {
					return
				}
				if err := be.Set(ctx, "users", strconv.FormatInt(i, 10), []byte(value), 0, gen); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	n, err := raw.Do(ctx, raw.B().Dbsize().Build()).AsInt64()
	if err != nil || n != clearDatabase+1 { // the entries and their index
		b.Fatalf("DBSIZE after filling = %d, %v; want %d", n, err, clearDatabase+1)
	}
	return be
}

// setSlowlog makes Redis log every command slower than 0.5 ms, afresh.
func setSlowlog(b *testing.B, ctx context.Context, raw rueidis.Client) {
	b.Helper()
	for _, c := range []rueidis.Completed{
		raw.B().ConfigSet().ParameterValue().ParameterValue("slowlog-log-slower-than", "500").Build(),
		raw.B().SlowlogReset().Build(),
		raw.B().ConfigResetstat().Build(),
	} {
		if err := raw.Do(ctx, c).Error(); err != nil {
			b.Fatal(err)
		}
	}
}

// scriptStep returns the average time of a script call since the last
// CONFIG RESETSTAT, from INFO commandstats.
func scriptStep(b *testing.B, ctx context.Context, raw rueidis.Client) time.Duration {
	b.Helper()
	info, err := raw.Do(ctx, raw.B().Info().Section("commandstats").Build()).ToString()
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(info, "\n") {
		if !strings.HasPrefix(line, "cmdstat_evalsha:") {
			continue
		}
		for _, field := range strings.Split(strings.TrimSpace(line[len("cmdstat_evalsha:"):]), ",") {
			if v, ok := strings.CutPrefix(field, "usec_per_call="); ok {
				us, err := strconv.ParseFloat(v, 64)
				if err != nil {
					b.Fatal(err)
				}
				return time.Duration(us * float64(time.Microsecond))
			}
		}
	}
	b.Fatalf("no cmdstat_evalsha in INFO commandstats:\n%s", info)
	return 0
}

// slowest returns the longest duration in the slow log.
func slowest(b *testing.B, ctx context.Context, raw rueidis.Client) time.Duration {
	b.Helper()
	entries, err := raw.Do(ctx, raw.B().SlowlogGet().Count(1000).Build()).ToArray()
	if err != nil {
		b.Fatal(err)
	}
	var worst time.Duration
	for _, e := range entries {
		fields, err := e.ToArray()
		if err != nil || len(fields) < 4 {
			b.Fatalf("slowlog entry: %v", err)
		}
		us, err := fields[2].AsInt64()
		if err != nil {
			b.Fatal(err)
		}
		worst = max(worst, time.Duration(us)*time.Microsecond)
		if cmd, err := fields[3].ToArray(); err == nil && len(cmd) > 0 {
			name, _ := cmd[0].ToString()
			b.Logf("slow log: %s took %v", name, time.Duration(us)*time.Microsecond)
		}
	}
	return worst
}

// pingLoop sends PINGs one after another until stopped, and records the
// slowest round trip.
func pingLoop(ctx context.Context, raw rueidis.Client) (stop func(), worst *time.Duration) {
	worst = new(time.Duration)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case <-done:
				return
			default:
			}
			start := time.Now()
			if err := raw.Do(ctx, raw.B().Ping().Build()).Error(); err != nil {
				panic(fmt.Sprint("PING during reclaim: ", err))
			}
			*worst = max(*worst, time.Since(start))
		}
	}()
	return func() { close(done); <-finished }, worst
}
