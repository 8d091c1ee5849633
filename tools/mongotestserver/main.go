// Command mongotestserver serves the MongoDB wire protocol on a loopback
// address for cachetoolz's tests. It embeds FerretDB with its SQLite handler,
// so the tests need no MongoDB installation.
//
// Usage:
//
//	mongotestserver -listen 127.0.0.1:0 -dir DIR -addr-file FILE
//
// It listens on the given address (port 0 picks a free port), keeps its data
// in DIR (created when missing; reusing a DIR keeps the data across
// restarts), and once it accepts connections writes the actual host:port to
// FILE. SIGTERM or SIGINT stops it cleanly. It is a test tool, not a
// database: it refuses addresses that are not loopback.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "mongotestserver:", err)
		os.Exit(1)
	}
}

func run() error {
	listen := flag.String("listen", "127.0.0.1:0", "loopback `host:port` to listen on; port 0 picks a free one")
	dir := flag.String("dir", "", "data `directory` (required; created when missing)")
	addrFile := flag.String("addr-file", "", "`file` that receives the actual host:port once the server accepts connections")
	verbose := flag.Bool("v", false, "log every connection and command (default: warnings only)")
	flag.Parse()

	if *dir == "" {
		return errors.New("-dir is required")
	}
	if err := checkLoopback(*listen); err != nil {
		return err
	}
	absDir, err := filepath.Abs(*dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(absDir, 0o755); err != nil {
		return err
	}

	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	// WAL without an fsync per commit: a killed server keeps every write
	// (only an operating-system crash could lose the last ones), and writes
	// are not bound by the disk's flush latency.
	sqlite := &url.URL{Scheme: "file", Path: absDir + "/", RawQuery: "_pragma=synchronous(normal)"}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: sqlite.String(),
	})
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	// New has bound the listening socket, so the kernel already queues
	// connections, and Run accepts them: the address is final and usable.
	u, err := url.Parse(f.MongoDBURI())
	if err != nil {
		stop()
		<-done
		return err
	}
	if *addrFile != "" {
		if err := writeAtomic(*addrFile, u.Host); err != nil {
			stop()
			<-done
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "mongotestserver: serving mongodb://%s/ from %s\n", u.Host, absDir)

	return <-done
}

// checkLoopback rejects listen addresses that are not loopback IPs or
// "localhost".
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-listen %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-listen %q: not a loopback address", addr)
	}
	return nil
}

// writeAtomic writes s to path through a temporary file and a rename, so a
// reader never sees a partial address.
func writeAtomic(path, s string) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(s), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
