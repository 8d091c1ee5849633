package report

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

func parseFile(t *testing.T, name string) Output {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out, err := Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func rowNamed(t *testing.T, rows []Row, scenario, library string) Row {
	t.Helper()
	for _, r := range rows {
		if r.Scenario == scenario && r.Library == library {
			return r
		}
	}
	t.Fatalf("no row %s/%s", scenario, library)
	return Row{}
}

// memory.txt is captured go test -bench output: 3 runs of 12 benchmarks.
func TestParseCaptured(t *testing.T) {
	out := parseFile(t, "testdata/memory.txt")
	if got := len(out.Results); got != 36 {
		t.Fatalf("parsed %d results, want 36", got)
	}
	if out.Config["cpu"] != "AMD EPYC" || out.Config["goos"] != "linux" || out.Config["goarch"] != "amd64" {
		t.Errorf("config = %v", out.Config)
	}
	first := out.Results[0]
	if first.Name != "Memory/hit/otter-raw" || first.Procs != 2 || first.Iterations != 20000 {
		t.Errorf("first result = %+v", first)
	}
	if first.Metrics["ns/op"] != 120.0 || first.Metrics["B/op"] != 0 || first.Metrics["allocs/op"] != 0 {
		t.Errorf("first metrics = %v", first.Metrics)
	}
	last := out.Results[35]
	if last.Name != "Memory/miss-parallel/sturdyc" || last.Metrics["B/op"] != 452 || last.Metrics["allocs/op"] != 5 {
		t.Errorf("last result = %+v", last)
	}
}

func TestSummarizeMedians(t *testing.T) {
	rows := Summarize(parseFile(t, "testdata/memory.txt").Results)
	if len(rows) != 12 {
		t.Fatalf("%d rows, want 12", len(rows))
	}
	for _, c := range []struct {
		scenario, library string
		ns                float64
	}{
		{"hit", "otter-raw", 103.4},
		{"hit", "otter-loader", 207.9},
		{"hit", "sturdyc", 239.4},
		{"miss", "otter-raw", 1693},
		{"miss", "otter-loader", 5108},
		{"miss-parallel", "sturdyc", 2068},
	} {
		r := rowNamed(t, rows, c.scenario, c.library)
		if r.Runs != 3 || r.Backend != "Memory" {
			t.Errorf("%s/%s: runs %d, backend %q", c.scenario, c.library, r.Runs, r.Backend)
		}
		if r.Median["ns/op"] != c.ns {
			t.Errorf("%s/%s: median %v ns/op, want %v", c.scenario, c.library, r.Median["ns/op"], c.ns)
		}
	}
	if got := rowNamed(t, rows, "miss-parallel", "sturdyc").Median["B/op"]; got != 450 {
		t.Errorf("median B/op = %v, want 450", got)
	}
	if rows[0].Library != "otter-raw" || rows[3].Scenario != "hit-parallel" {
		t.Errorf("rows out of run order: %+v, %+v", rows[0], rows[3])
	}
}

func TestMedianEven(t *testing.T) {
	if got := median([]float64{4, 1, 3, 2}); got != 2.5 {
		t.Errorf("median = %v, want 2.5", got)
	}
}

func TestRoles(t *testing.T) {
	for _, c := range []struct {
		lib              string
		limit, own, peer bool
	}{
		{"otter-raw", true, false, false},
		{"cachetoolz", false, true, false},
		{"cachetoolz-ttl", false, true, false},
		{"sturdyc", false, false, true},
	} {
		r := Row{Library: c.lib}
		if r.Limit() != c.limit || r.Own() != c.own || r.Peer() != c.peer {
			t.Errorf("%s: limit %v own %v peer %v", c.lib, r.Limit(), r.Own(), r.Peer())
		}
	}
}

func writeReport(t *testing.T, rows []Row, benchstat string) string {
	t.Helper()
	var buf bytes.Buffer
	err := Write(&buf, Report{
		Machine:   Machine{CPU: "Test CPU | 2 GHz", Cores: 2, GoVersion: "go1.26.8", OS: "linux", Arch: "amd64"},
		Date:      time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC),
		Command:   "scripts/bench -count 3",
		Rows:      rows,
		Benchstat: benchstat,
	})
	if err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestWriteRatios(t *testing.T) {
	md := writeReport(t, Summarize(parseFile(t, "testdata/memory.txt").Results), "")
	for _, want := range []string{
		"| CPU | Test CPU \\| 2 GHz |",
		"| GOMAXPROCS | 2 |",
		"| runs per benchmark | 3 |",
		"| date | 2026-11-25 13:00 UTC |",
		"scripts/bench -count 3\n",
		"## Memory\n",
		"| scenario | library | ns/op | B/op | allocs/op | × limit | × fastest peer |",
		// hit: the limit is 103.4, the fastest peer otter-loader at 207.9.
		"| hit | otter-raw (limit) | 103.4 | 0 | 0 | 1.00× | 0.50× |",
		"| hit | otter-loader | 207.9 | 0 | 0 | 2.01× | 1.00× |",
		"| hit | sturdyc | 239.4 | 50 | 2 | 2.32× | 1.15× |",
		// miss: the fastest peer is sturdyc at 2873.
		"| miss | otter-loader | 5108 | 505 | 5 | 3.02× | 1.78× |",
		"| miss | sturdyc | 2873 | 438 | 5 | 1.70× | 1.00× |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q\n%s", want, md)
		}
	}
	if strings.Contains(md, "## benchstat") || strings.Contains(md, "cachetoolz against") {
		t.Errorf("report has a section it has no data for:\n%s", md)
	}
}

// custom.txt is made up: it has a cachetoolz row, custom units, a log line,
// a parent benchmark's name line and a failure line.
func TestWriteCustomUnitsAndGaps(t *testing.T) {
	out := parseFile(t, "testdata/custom.txt")
	if len(out.Results) != 9 {
		t.Fatalf("parsed %d results, want 9", len(out.Results))
	}
	rows := Summarize(out.Results)
	clear := rowNamed(t, rows, "", "redis")
	if clear.Backend != "Clear" || clear.Median["ns/invisible"] != 110000 || clear.Median["ns/reclaimed"] != 700000000 {
		t.Errorf("clear row = %+v", clear)
	}
	md := writeReport(t, rows, "goos: linux\nsome benchstat table\n")
	for _, want := range []string{
		"## Redis\n",
		"| hit | raw-client-raw (limit) | 41000 | 400 | 10 | 1.00× | 0.66× |",
		"| hit | **cachetoolz** | 48000 | 600 | 12.5 | 1.17× | 0.77× |",
		"| hit | other-client-raw (raw) | 82000 | 400 | 10 | 2.00× | 1.32× |",
		"| hit | goredis-cache | 62000 | 900 | 20 | 1.51× | 1.00× |",
		"## Clear\n",
		"| scenario | library | ns/op | ns/invisible | ns/reclaimed |\n",
		"| — | redis | 800000000 | 110000 | 700000000 |\n",
		"## cachetoolz against the limit and the fastest peer",
		"| Redis | hit | cachetoolz | 48000 | 12.5 | raw-client-raw | 1.17× | goredis-cache | 0.77× |",
		"## benchstat\n",
		"some benchstat table\n```\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q\n%s", want, md)
		}
	}
	if i, j := strings.Index(md, "## Redis"), strings.Index(md, "## Clear"); i < 0 || j < i {
		t.Errorf("Redis section should come before Clear")
	}
}

func TestParseRejectsMalformed(t *testing.T) {
	_, err := Parse(strings.NewReader("BenchmarkX-2 \t 100 \t 12.5 ns/op \t 3\n"))
	if err == nil {
		t.Error("an odd number of fields was accepted")
	}
	_, err = Parse(strings.NewReader("BenchmarkX-2 \t 100 \t twelve ns/op\n"))
	if err == nil {
		t.Error("a value that is not a number was accepted")
	}
}

func TestSplitProcs(t *testing.T) {
	for _, c := range []struct {
		in    string
		name  string
		procs int
	}{
		{"Memory/hit/otter-raw-8", "Memory/hit/otter-raw", 8},
		{"Memory/hit/otter-raw", "Memory/hit/otter-raw", 1},
		{"X-0", "X-0", 1},
	} {
		if n, p := splitProcs(c.in); n != c.name || p != c.procs {
			t.Errorf("splitProcs(%q) = %q, %d", c.in, n, p)
		}
	}
}

func TestCPUModel(t *testing.T) {
	info := "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n"
	if got := CPUModel(info); got != "AMD EPYC 7B13" {
		t.Errorf("CPUModel = %q", got)
	}
	if got := CPUModel("processor : 0\n"); got != "" {
		t.Errorf("CPUModel without model name = %q", got)
	}
}

// interleaved.txt is captured output of a benchmark that writes to stderr
// while it runs (splitting its name from its figures), logs without failing,
// and fails.
func TestParseInterleavedLogsAndFailures(t *testing.T) {
	out := parseFile(t, "testdata/interleaved.txt")
	if len(out.Results) != 2 {
		t.Fatalf("parsed %d results, want 2: %+v", len(out.Results), out.Results)
	}
	for i, want := range []float64{1.120, 1.119} {
		if r := out.Results[i]; r.Name != "A/sub" || r.Iterations != 100000 || r.Metrics["ns/op"] != want {
			t.Errorf("result %d = %+v", i, r)
		}
	}
	if len(out.Logs) != 2 || out.Logs[0] != (Log{Name: "A/sub", Text: "x_test.go:7: a note 100000"}) {
		t.Errorf("logs = %+v", out.Logs)
	}
	wantFail := Log{Name: "A/par", Text: "x_test.go:11: fail at 100000"}
	if len(out.Failures) != 3 || out.Failures[0] != wantFail || out.Failures[1] != wantFail || out.Failures[2] != (Log{Name: "A"}) {
		t.Errorf("failures = %+v", out.Failures)
	}

	md := writeReportWith(t, Report{Rows: Summarize(out.Results), Logs: out.Logs, Failures: out.Failures})
	for _, want := range []string{
		"## Failures during the run\n",
		"- `A/par`:\n  - x_test.go:11: fail at 100000\n\n",
		"## Notes from the run\n",
		"- `A/sub`:\n  - x_test.go:7: a note 100000\n\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q\n%s", want, md)
		}
	}
	if strings.Contains(md, "- `A`") {
		t.Errorf("report lists the parent benchmark, which logged nothing:\n%s", md)
	}
	if strings.Index(md, "## Failures") > strings.Index(md, "## A") {
		t.Errorf("failures should come before the tables:\n%s", md)
	}
}

func TestWriteNoRatiosWithoutLimit(t *testing.T) {
	rows := Summarize([]Result{{Name: "MemoryHitRatio/cachetoolz", Procs: 2, Metrics: map[string]float64{"ns/op": 10, "ratio": 1.3}}})
	md := writeReportWith(t, Report{Rows: rows})
	if strings.Contains(md, "| × limit |") || strings.Contains(md, "cachetoolz against") {
		t.Errorf("ratio columns or gaps for a backend without a limit:\n%s", md)
	}
	if !strings.Contains(md, "| — | **cachetoolz** | 10 | 1.30 |\n") {
		t.Errorf("row missing:\n%s", md)
	}
}

func TestWriteFailureWithoutMessage(t *testing.T) {
	md := writeReportWith(t, Report{Failures: []Log{{Name: "Mongo/hit/x"}, {Name: "Mongo"}}})
	if !strings.Contains(md, "## Failures during the run") || !strings.Contains(md, "- `Mongo/hit/x` (no message)\n") {
		t.Errorf("a failure without message is not listed:\n%s", md)
	}
	if strings.Contains(md, "- `Mongo` ") {
		t.Errorf("the parent of a listed failure is listed:\n%s", md)
	}
}

func TestWriteLogsBounded(t *testing.T) {
	var logs []Log
	for i := range 5 {
		logs = append(logs, Log{Name: "X", Text: "line " + string(rune('a'+i))}, Log{Name: "X", Text: "line a"})
	}
	md := writeReportWith(t, Report{Logs: logs, Notes: "## Set-up\n\nby hand\n"})
	if !strings.Contains(md, "## Set-up\n\nby hand\n\n") {
		t.Errorf("notes missing:\n%s", md)
	}
	if !strings.Contains(md, "  - line a\n  - line b\n  - line c\n  - … and 2 more\n") {
		t.Errorf("logs not bounded and deduplicated:\n%s", md)
	}
}

func writeReportWith(t *testing.T, r Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}
