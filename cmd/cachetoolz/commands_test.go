package main

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/memory"
)

// hostile is a namespace whose name must be shown escaped.
const hostile = "beta{*} \x01"

// testCommands runs stats, inspect, clear and bench against the backend
// that flags name, which b reaches too. sized says whether the backend
// reports the size of a namespace.
func testCommands(t *testing.T, mem *memory.Backend, b cachetoolz.Backend, sized bool, flags ...string) {
	with := func(args ...string) []string { return append(args, flags...) }
	fill(t, b, "alpha", 5, 0)
	fill(t, b, hostile, 3, time.Hour)

	t.Run("stats", func(t *testing.T) {
		c := cli{t, mem}
		out := c.ok(with("stats")...).stdout
		size, total := "?", "?"
		if sized {
			size, total = "35 B", "56 B" // "value-0".."value-4", then 3 more
		}
		for _, want := range []*regexp.Regexp{
			regexp.MustCompile(`(?m)^NAMESPACE +ENTRIES +SIZE$`),
			regexp.MustCompile(`(?m)^alpha +5 +` + regexp.QuoteMeta(size) + `$`),
			regexp.MustCompile(`(?m)^"beta\{\*\} \\x01" +3 +`),
			regexp.MustCompile(`(?m)^\(2 namespaces\) +8 +` + regexp.QuoteMeta(total) + `$`),
		} {
			if !want.MatchString(out) {
				t.Errorf("stats output does not match %s:\n%s", want, out)
			}
		}
		var got struct {
			Namespaces []struct {
				Namespace string
				Entries   *int64
				Bytes     *int64
			}
		}
		js := c.ok(with("stats", "-json")...).stdout
		if err := json.Unmarshal([]byte(js), &got); err != nil {
			t.Fatalf("stats -json: %v\n%s", err, js)
		}
		if len(got.Namespaces) != 2 || got.Namespaces[0].Namespace != "alpha" || got.Namespaces[1].Namespace != hostile ||
			*got.Namespaces[0].Entries != 5 || (got.Namespaces[0].Bytes != nil) != sized {
			t.Errorf("stats -json:\n%s", js)
		}
	})

	t.Run("inspect", func(t *testing.T) {
		c := cli{t, mem}
		// Page by page, following the cursor the command prints.
		cursorRE := regexp.MustCompile(`-cursor (\S+)`)
		var keys []string
		args := with("inspect", "-limit", "2")
		for page := 0; ; page++ {
			if page > 5 {
				t.Fatal("paging never ends")
			}
			r := c.ok(append(args, "alpha")...)
			rows := strings.Split(strings.TrimSpace(r.stdout), "\n")
			if rows[0] != "KEY   TTL  SIZE" && !strings.HasPrefix(rows[0], "KEY") {
				t.Fatalf("inspect page %d:\n%s", page, r.stdout)
			}
			if len(rows) > 3 {
				t.Fatalf("inspect -limit 2 printed %d rows:\n%s", len(rows)-1, r.stdout)
			}
			for _, row := range rows[1:] {
				f := strings.Fields(row)
				if len(f) != 3 || f[1] != "never" || f[2] != "7" {
					t.Errorf("row %q, want key, never, 7", row)
				}
				keys = append(keys, f[0])
			}
			m := cursorRE.FindStringSubmatch(r.stderr)
			if m == nil {
				break
			}
			args = with("inspect", "-limit", "2", "-cursor", m[1])
		}
		slices.Sort(keys)
		if want := []string{"key0", "key1", "key2", "key3", "key4"}; !slices.Equal(keys, want) {
			t.Errorf("pages held %q, want %q", keys, want)
		}

		r := c.ok(with("inspect", "-all", "-limit", "1", hostile)...)
		rows := strings.Split(strings.TrimSpace(r.stdout), "\n")
		if len(rows) != 6 || r.stderr != "" { // three pages of a header and a row
			t.Errorf("inspect -all -limit 1: stdout\n%s\nstderr %q", r.stdout, r.stderr)
		}
		for _, row := range rows {
			if row == rows[0] {
				continue
			}
			if f := strings.Fields(row); f[0] != "KEY" && (f[1] != "1h0m0s" && f[1] != "59m59s" || !strings.HasPrefix(f[0], "key")) {
				t.Errorf("row %q: want a key and a TTL of about an hour", row)
			}
		}
		if r := c.ok(with("inspect", "-quoted", strconv.Quote(hostile))...); strings.Count(r.stdout, "\n") != 4 {
			t.Errorf("inspect -quoted %q:\n%s", strconv.Quote(hostile), r.stdout)
		}
		c.fails("", 2, "not a Go-quoted string", with("inspect", "-quoted", `"bad`)...)
		c.fails("", 1, "unknown namespace nothing-here", with("inspect", "nothing-here")...)
		c.fails("", 2, "-cursor", with("inspect", "-cursor", "!!", "alpha")...)
	})

	t.Run("clear", func(t *testing.T) {
		c := cli{t, mem}
		c.fails("", 1, "aborted, nothing cleared", with("clear", "alpha")...)
		c.fails("n\n", 1, "aborted, nothing cleared", with("clear", "alpha")...)
		c.ok(with("inspect", "alpha")...) // still there
		c.fails("", 1, "unknown namespace nothing-here", with("clear", "--yes", "alpha", "nothing-here")...)
		c.ok(with("inspect", "alpha")...) // nothing cleared before the check failed
		c.ok(with("clear", "-yes", "-force", "nothing-here")...)

		r := c.run("y\n", with("clear", "alpha", hostile)...)
		if r.code != 0 || !strings.Contains(r.stdout, "cleared alpha (1/2)") || !strings.Contains(r.stdout, `cleared "beta{*} \x01" (2/2)`) ||
			!strings.Contains(r.stderr, "[y/N]") {
			t.Fatalf("clear: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
		}
		c.fails("", 1, "unknown namespace alpha", with("inspect", "alpha")...)
		if out := c.ok(with("stats")...).stdout; !strings.Contains(out, "holds no entries") {
			t.Errorf("stats after clearing everything:\n%s", out)
		}
	})

	t.Run("bench", func(t *testing.T) {
		c := cli{t, mem}
		r := c.ok(with("bench", "-ops", "300", "-keys", "50", "-concurrency", "4", "-size", "16")...)
		for _, want := range []*regexp.Regexp{
			regexp.MustCompile(`(?m)^PHASE +CALLS +CALLS/S +HITS +P50 +P90 +P99 +MAX$`),
			regexp.MustCompile(`(?m)^miss +300 +\d+ +0% +\S+ +\S+ +\S+ +\S+$`),
			regexp.MustCompile(`(?m)^hit +300 +\d+ +100% +\S+ +\S+ +\S+ +\S+$`),
			regexp.MustCompile(`cache stats: 300 hits, 300 misses, 300 loads, 0 backend errors`),
		} {
			if !want.MatchString(r.stdout) {
				t.Errorf("bench output does not match %s:\n%s", want, r.stdout)
			}
		}
		if !regexp.MustCompile(`(?m)^hit +300 calls, .*, done$`).MatchString(r.stderr) ||
			!regexp.MustCompile(`(?m)^cleared namespace cachetoolz-bench-[0-9a-f]{8}$`).MatchString(r.stderr) {
			t.Errorf("bench progress:\n%s", r.stderr)
		}
		if out := c.ok(with("stats")...).stdout; !strings.Contains(out, "holds no entries") {
			t.Errorf("bench left entries behind:\n%s", out)
		}
	})
}

func TestMemory(t *testing.T) {
	mem := newMemory(t)
	testCommands(t, mem, mem, false)
}
