// Package report turns the output of go test -bench into BENCHMARKS.md: it
// parses the result lines, takes the median of repeated runs, and writes one
// table per backend with each row's ratio to the limit and to the fastest
// peer.
package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Result is one line of go test -bench output.
type Result struct {
	// Name is the benchmark's name without the "Benchmark" prefix and
	// without the -GOMAXPROCS suffix, e.g. "Memory/hit/otter-raw".
	Name string
	// Procs is the GOMAXPROCS suffix of the line, 1 when it had none.
	Procs int
	// Iterations is the b.N of the run.
	Iterations int
	// Metrics maps each unit ("ns/op", "B/op", "allocs/op", custom units)
	// to its value.
	Metrics map[string]float64
}

// Output is everything Parse reads from go test -bench output.
type Output struct {
	// Config holds the "key: value" header lines (goos, goarch, pkg, cpu);
	// for a key that appears more than once, the first value.
	Config map[string]string
	// Results are the result lines in the order they appeared.
	Results []Result
	// Logs are the lines benchmarks logged without failing (under a
	// "--- BENCH:" header), in order.
	Logs []Log
	// Failures are the lines of failed benchmarks (under a "--- FAIL:"
	// header), in order; a failure with no message has an empty Text.
	Failures []Log
}

// Log is one line a benchmark logged.
type Log struct {
	// Name is the benchmark's name as in Result.Name.
	Name string
	// Text is the logged line, without its indentation.
	Text string
}

// Parse reads go test -bench output. Lines that are neither a result nor a
// header (PASS, ok, logs) are skipped; a line that starts like a result but
// cannot be read is an error, so that a figure never goes missing silently.
func Parse(r io.Reader) (Output, error) {
	out := Output{Config: map[string]string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	var (
		line    int
		pending string // a benchmark whose figures may follow other output
		section *[]Log // where indented lines go, after --- BENCH or --- FAIL
		owner   string // the benchmark of section
	)
	for sc.Scan() {
		line++
		text := sc.Text()
		if h, name, ok := header(text); ok {
			pending = ""
			owner, _ = splitProcs(name)
			if h == "FAIL" {
				section = &out.Failures
				out.Failures = append(out.Failures, Log{Name: owner})
			} else {
				section = &out.Logs
			}
			continue
		}
		if section != nil && (strings.HasPrefix(text, "    ") || strings.HasPrefix(text, "\t")) {
			entry := Log{Name: owner, Text: strings.TrimSpace(text)}
			if n := len(*section); section == &out.Failures && n > 0 && (*section)[n-1].Name == owner && (*section)[n-1].Text == "" {
				(*section)[n-1] = entry
			} else {
				*section = append(*section, entry)
			}
			continue
		}
		section = nil
		if strings.HasPrefix(text, "Benchmark") {
			res, ok, err := parseResult(text)
			if err != nil {
				return Output{}, fmt.Errorf("report: line %d: %w", line, err)
			}
			if ok {
				out.Results = append(out.Results, res)
				pending = ""
			} else {
				pending = strings.Fields(text)[0]
			}
			continue
		}
		if pending != "" {
			// Output the benchmark printed itself split its name from its
			// figures: go test prints the name, then runs it.
			if res, ok, err := parseResult(pending + " " + text); err == nil && ok {
				out.Results = append(out.Results, res)
				pending = ""
				continue
			}
		}
		if k, v, ok := strings.Cut(text, ": "); ok && isConfigKey(k) {
			if _, seen := out.Config[k]; !seen {
				out.Config[k] = strings.TrimSpace(v)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return Output{}, fmt.Errorf("report: reading benchmark output: %w", err)
	}
	return out, nil
}

// header reads a "--- BENCH: name" or "--- FAIL: name" line, which may
// follow a benchmark's name on the same line when the benchmark failed.
func header(text string) (kind, name string, ok bool) {
	for _, kind := range []string{"BENCH", "FAIL"} {
		marker := "--- " + kind + ": Benchmark"
		if i := strings.Index(text, marker); i >= 0 {
			rest := strings.Fields(text[i+len(marker):])
			if len(rest) == 0 {
				return "", "", false
			}
			return kind, rest[0], true
		}
	}
	return "", "", false
}

// isConfigKey reports whether k is a header key as go test prints them: a
// lower-case word with no spaces.
func isConfigKey(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' && r != '_' {
			return false
		}
	}
	return true
}

// parseResult reads one "BenchmarkName-N  iters  v unit  v unit..." line.
// ok is false for a line that names a benchmark without figures (a
// benchmark's own log output, or a parent of sub-benchmarks).
func parseResult(text string) (res Result, ok bool, err error) {
	fields := strings.Fields(text)
	if len(fields) < 2 {
		return Result{}, false, nil
	}
	iters, err := strconv.Atoi(fields[1])
	if err != nil {
		return Result{}, false, nil
	}
	if len(fields) < 4 || len(fields)%2 != 0 {
		return Result{}, false, fmt.Errorf("malformed result %q", text)
	}
	name, procs := splitProcs(strings.TrimPrefix(fields[0], "Benchmark"))
	res = Result{Name: name, Procs: procs, Iterations: iters, Metrics: map[string]float64{}}
	for i := 2; i < len(fields); i += 2 {
		v, err := strconv.ParseFloat(fields[i], 64)
		if err != nil {
			return Result{}, false, fmt.Errorf("value %q of %q: %w", fields[i], text, err)
		}
		res.Metrics[fields[i+1]] = v
	}
	return res, true, nil
}

// splitProcs splits the -GOMAXPROCS suffix off a benchmark name.
func splitProcs(name string) (string, int) {
	i := strings.LastIndexByte(name, '-')
	if i < 0 {
		return name, 1
	}
	n, err := strconv.Atoi(name[i+1:])
	if err != nil || n <= 0 {
		return name, 1
	}
	return name[:i], n
}
