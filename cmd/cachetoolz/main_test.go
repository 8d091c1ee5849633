package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), &env{stdout: &out, stderr: &errOut, stdin: strings.NewReader("")}, args)
	return code, out.String(), errOut.String()
}

func TestDemo(t *testing.T) {
	code, out, errOut := runCLI(t, "demo", "-delay", "20ms", "-ttl", "100ms")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	for _, want := range []string{
		"first call: miss", "same argument: hit", "after the TTL: miss", "after the clear: miss, new price",
		"price  199", "users counted (still cached)       1001",
		"products        2      4      4      0", // 6 calls: 2 hits, 4 misses
		"users           1      1      1      0",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"nope"}, {"demo", "-delay", "x"}, {"demo", "extra"}} {
		code, out, errOut := runCLI(t, args...)
		if code != 2 || out != "" || errOut == "" || strings.Contains(errOut, "goroutine") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and a message on stderr", args, code, out, errOut)
		}
	}
	for _, args := range [][]string{{"stats", "extra"}, {"inspect"}, {"inspect", "a", "b"}, {"inspect", "-limit", "0", "a"},
		{"clear"}, {"bench", "x"}, {"bench", "-duration", "0"}, {"bench", "-keys", "0"}, {"stats", "-timeout", "0s"}} {
		code, out, errOut := runCLI(t, args...)
		if code != 2 || out != "" || !strings.HasPrefix(errOut, "cachetoolz "+args[0]+": usage: ") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and one line on stderr", args, code, out, errOut)
		}
	}
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}, {"demo", "-h"}, {"stats", "-h"}, {"inspect", "--help"}, {"clear", "-h"}, {"bench", "-h"}} {
		if code, _, errOut := runCLI(t, args...); code != 0 || !strings.Contains(errOut, "Usage: cachetoolz") {
			t.Errorf("%q: exit %d, want 0 and the usage", args, code)
		}
	}
}

func TestFlagsAfterArguments(t *testing.T) {
	mem := newMemory(t)
	fill(t, mem, "-dash", 1, 0)
	c := cli{t, mem}
	if r := c.ok("inspect", "-limit", "5", "--", "-dash"); !strings.Contains(r.stdout, "key0") {
		t.Errorf("inspect -- -dash:\n%s", r.stdout)
	}
	if r := c.ok("clear", "-yes", "--", "-dash"); !strings.Contains(r.stdout, "cleared -dash") {
		t.Errorf("clear -yes -- -dash: %+v", r)
	}
	_ = c.fails("", 1, "unknown namespace -dash", "inspect", "--", "-dash")
}
