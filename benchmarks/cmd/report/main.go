// Command report writes BENCHMARKS.md from the output of go test -bench.
//
// Usage:
//
//	report -in bench.txt [-benchstat stat.txt] [-notes notes.md] -command CMD [-go VERSION] [-date RFC3339] [-out BENCHMARKS.md]
//
// It describes the machine it runs on (so run it where the benchmarks ran),
// takes the median of each benchmark's runs, and writes one table per
// backend; scripts/bench runs it after the benchmarks. When the output holds
// failed benchmarks it still writes the report, listing them, and exits 1.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/cachetoolz/cachetoolz/benchmarks/internal/report"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	in := fs.String("in", "", "file holding the go test -bench output (required)")
	stat := fs.String("benchstat", "", "file holding benchstat's output of the same run")
	notesFile := fs.String("notes", "", "Markdown file describing how each row is set up")
	command := fs.String("command", "", "the exact command that produced the figures (required)")
	goVersion := fs.String("go", runtime.Version(), "the Go version the benchmarks were built with")
	date := fs.String("date", "", "when the run started, RFC 3339 (default: now)")
	out := fs.String("out", "", "file to write (default: standard output)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" || *command == "" {
		return errors.New("report: -in and -command are required")
	}

	raw, err := os.ReadFile(*in)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	parsed, err := report.Parse(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	if len(parsed.Results) == 0 {
		return fmt.Errorf("report: no benchmark results in %s", *in)
	}

	when := time.Now()
	if *date != "" {
		if when, err = time.Parse(time.RFC3339, *date); err != nil {
			return fmt.Errorf("report: -date: %w", err)
		}
	}
	var benchstat string
	if *stat != "" {
		b, err := os.ReadFile(*stat)
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		benchstat = string(b)
	}

	var notes string
	if *notesFile != "" {
		b, err := os.ReadFile(*notesFile)
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		notes = string(b)
	}

	cpu := parsed.Config["cpu"]
	if info, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		if m := report.CPUModel(string(info)); m != "" {
			cpu = m
		}
	}
	rep := report.Report{
		Machine: report.Machine{
			CPU:       cpu,
			Cores:     runtime.NumCPU(),
			GoVersion: *goVersion,
			OS:        parsed.Config["goos"],
			Arch:      parsed.Config["goarch"],
		},
		Date:      when,
		Command:   *command,
		Rows:      report.Summarize(parsed.Results),
		Benchstat: benchstat,
		Failures:  parsed.Failures,
		Logs:      parsed.Logs,
		Notes:     notes,
	}

	var buf bytes.Buffer
	if err := report.Write(&buf, rep); err != nil {
		return err
	}
	if *out == "" {
		_, err = os.Stdout.Write(buf.Bytes())
	} else if err = os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		err = fmt.Errorf("report: %w", err)
	}
	if err == nil && len(parsed.Failures) > 0 {
		err = fmt.Errorf("report: written, but %d benchmark failure lines are in %s", len(parsed.Failures), *in)
	}
	return err
}
