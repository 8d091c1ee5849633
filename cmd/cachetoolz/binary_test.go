package main

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cachetoolz/cachetoolz/internal/testserver"
)

// TestBinary builds the command and runs it as operators do: exit
// statuses, one-line errors, no stack traces.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	bin := filepath.Join(t.TempDir(), "cachetoolz")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	exe := func(stdin string, args ...string) result {
		t.Helper()
		cmd := exec.Command(bin, args...)
		var out, errOut bytes.Buffer
		cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(stdin), &out, &errOut
		err := cmd.Run()
		code := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return result{code, out.String(), errOut.String()}
	}

	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"stats", "--help"}, {"inspect", "-h"}, {"clear", "-h"}, {"bench", "-h"}} {
		if r := exe("", args...); r.code != 0 || !strings.Contains(r.stderr, "Usage: cachetoolz") {
			t.Errorf("%q: exit %d, stderr %q; want 0 and the usage", args, r.code, r.stderr)
		}
	}
	for _, args := range [][]string{{}, {"nope"}, {"stats", "-nope"}, {"inspect"}, {"clear"}, {"bench", "-concurrency", "0"}} {
		if r := exe("", args...); r.code != 2 || r.stdout != "" || r.stderr == "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and a message on stderr", args, r.code, r.stdout, r.stderr)
		}
	}
	checkFailure(t, nil, exe("", "stats", "-url", "bogus://x"), 1, "unsupported backend URL bogus://x")
	checkFailure(t, nil, exe("", "stats", "-url", "redis://127.0.0.1:1"), 1, "connection refused")
	if r := exe("", "stats"); r.code != 0 || r.stdout != "memory holds no entries\n" {
		t.Errorf("stats on memory: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}

	srv := testserver.Redis(t)
	fill(t, newRedis(t, srv.URL()), "ns", 2, 0)
	if r := exe("", "stats", "-url", srv.URL()); r.code != 0 || !strings.Contains(r.stdout, "ns  ") {
		t.Errorf("stats: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// No standard input: nothing to confirm with.
	checkFailure(t, nil, exe("", "clear", "-url", srv.URL(), "ns"), 1, "aborted, nothing cleared")
	if r := exe("yes\n", "clear", "-url", srv.URL(), "ns"); r.code != 0 || !strings.Contains(r.stdout, "cleared ns (1/1)") {
		t.Errorf("clear: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	checkFailure(t, nil, exe("", "inspect", "-url", srv.URL(), "ns"), 1, "unknown namespace ns")
}
