// Command cachetoolz is the operators' tool for cachetoolz caches.
//
// Usage:
//
//	cachetoolz <command> [flags] [arguments]
//
// The commands are:
//
//	stats      list the namespaces of a backend, with entry counts and sizes
//	inspect    list the entries of one namespace (key, time to live, size), a page at a time
//	clear      clear namespaces, after a confirmation
//	bench      measure hit and miss latencies and throughput against a backend
//	demo       show the cache at work on the in-memory backend, no server needed
//
// Every command but demo takes the backend as a URL:
//
//	-url memory                        a new in-memory backend (the default; empty)
//	-url redis://[user:pass@]host:port[/db]
//	-url rediss://…                    Redis over TLS
//	-url unix:///path/to/redis.sock
//	-url mongodb://host:port           with -db NAME (default "cachetoolz")
//	-url mongodb+srv://…
//
// and -timeout (default 5s) bounds the wait for the server. The URL's
// password, and the values of query parameters that carry credentials (by
// their name, such as password, token or tlsCertificateKeyFilePassword, or
// by their value, such as authMechanismProperties=AWS_SESSION_TOKEN:…),
// never show in what the command prints, its errors and the drivers'
// included.
//
// stats prints a table, or JSON with -json. On Redis it walks the keyspace
// with SCAN, matching only the cache's index keys: a command for operators,
// not for a hot path. With -watch INTERVAL (at least 100ms) it refreshes
// the view at that interval until interrupted: a table headed by the time,
// redrawn in place on a terminal, or a stream of JSON documents, each with
// its "time". A refresh that fails shows the error, and the next one tries
// again.
//
// inspect NAMESPACE prints -limit entries (default 50). When there are more,
// it prints a -cursor value that continues the listing; -all prints every
// page; on a terminal it offers the next page interactively. Keys that are
// not plain printable text are shown Go-quoted.
//
// clear NAMESPACE... asks for confirmation on standard input unless -yes
// (or --yes) is given; any answer but "y" aborts. A namespace that holds no
// entries is an error unless -force. Cleared entries are invisible at once;
// on Redis the command then reclaims their keys, showing how many are left,
// unless -wait=false leaves that to the background.
//
// bench wraps a function with cachetoolz.Wrap1 on a cache over the backend
// and calls it from -concurrency goroutines, first with new arguments only
// (the miss phase), then with -keys arguments already cached (the hit
// phase), each for -duration or -ops calls, with -size-byte values. It shows
// progress on standard error and prints the throughput and the p50, p90,
// p99 and largest latency of each phase. It works in a namespace of its own,
// "cachetoolz-bench-" and random hex digits, cleared at the end.
//
// Run "cachetoolz <command> -h" for a command's flags. Errors are printed on
// one line to standard error, with exit status 1; a usage error exits with
// status 2, and -h with status 0.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"time"

	"github.com/cachetoolz/cachetoolz/memory"
)

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what a command may touch, so that tests can run commands in process.
type env struct {
	stdout, stderr io.Writer
	stdin          io.Reader

	// memory, when set, is the backend "-url memory" names, shared between
	// runs and left open; otherwise each run makes its own.
	memory *memory.Backend

	// secrets are the credentials of the URLs on the command line, which
	// no message shows.
	secrets []string

	// ticker and now, when set, stand for time.NewTicker and time.Now.
	ticker func(time.Duration) (<-chan time.Time, func())
	now    func() time.Time
}

// errLine returns err's message on one line, its credentials hidden.
func (e *env) errLine(err error) string {
	return oneLine(scrub(err, e.secrets))
}

var commands = map[string]command{
	"stats":   {"list the namespaces of a backend, with entry counts and sizes", runStats},
	"inspect": {"list the entries of one namespace (key, time to live, size), a page at a time", runInspect},
	"clear":   {"clear namespaces, after a confirmation", runClear},
	"bench":   {"measure hit and miss latencies and throughput against a backend", runBench},
	"demo":    {"show the cache at work on the in-memory backend, no server needed", runDemo},
}

// errUsage marks an error in the command line; main exits with status 2.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, &env{stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin}, os.Args[1:]))
}

// run runs the command line args and returns the exit status.
func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "cachetoolz: unknown command %q\n", args[0])
		usage(e.stderr)
		return 2
	}
	e.secrets = secrets(urlArgs(args[1:])...)
	err := cmd.run(ctx, e, args[1:])
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(e.stderr, "cachetoolz %s: %s\n", args[0], e.errLine(err))
		return 2
	default:
		fmt.Fprintf(e.stderr, "cachetoolz %s: %s\n", args[0], e.errLine(err))
		return 1
	}
}

// oneLine returns err's message on one line: some drivers' messages span
// several.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: cachetoolz <command> [flags] [arguments]")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-8s %s\n", name, commands[name].summary)
	}
	fmt.Fprintln(w, "\nRun \"cachetoolz <command> -h\" for a command's flags.")
}

// newFlags returns a flag set that reports errors instead of exiting.
func newFlags(e *env, name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, strings.TrimSpace(fmt.Sprintf("Usage: cachetoolz %s [flags] %s", name, args)))
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args, turning flag errors into usage errors.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return nil
}

// parseArgs parses args with flags before, between or after the
// arguments, which it returns; after "--" everything is an argument.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var out []string
	for {
		if err := parse(fs, args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return out, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(out, rest...), nil
		}
		out = append(out, rest[0])
		args = rest[1:]
	}
}
