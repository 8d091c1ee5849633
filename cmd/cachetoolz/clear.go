package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// reclaimer is a backend whose clears leave work behind (Redis): it can
// finish that work and tell how much is left.
type reclaimer interface {
	Reclaim(ctx context.Context, namespaces ...string) error
	Pending(ctx context.Context, namespace string) (int64, error)
}

// errAborted reports a clear the operator did not confirm.
var errAborted = errors.New("aborted, nothing cleared")

func runClear(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "clear", "NAMESPACE...")
	bf := addBackendFlags(fs)
	yes := fs.Bool("yes", false, "do not ask for confirmation")
	force := fs.Bool("force", false, "clear namespaces that hold no entries, or that the backend cannot list")
	wait := fs.Bool("wait", true, "wait until the old entries are reclaimed, where the backend reclaims in the background (Redis)")
	quotedArgs := fs.Bool("quoted", false, `namespaces are given Go-quoted, as stats shows them (such as "a\x00b"), for names a shell cannot pass`)
	names, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if *quotedArgs {
		if err := unquoteAll(names); err != nil {
			return err
		}
	}
	if len(names) == 0 {
		return fmt.Errorf("%w: clear takes one or more namespaces", errUsage)
	}
	b, err := bf.open(ctx, e)
	if err != nil {
		return err
	}
	defer b.close()

	if !*force {
		in, err := b.inspector()
		if err != nil {
			return fmt.Errorf("%w; add -force to clear anyway", err)
		}
		for _, ns := range names {
			page, _, err := nonEmptyPage(ctx, in, ns, "", 1)
			if err != nil {
				return err
			}
			if len(page) == 0 {
				return fmt.Errorf("unknown namespace %s: %s holds no entries in it (add -force to clear anyway)", quoteName(ns), b.url)
			}
		}
	}
	quoted := make([]string, len(names))
	for i, ns := range names {
		quoted[i] = quoteName(ns)
	}
	if !*yes {
		fmt.Fprintf(e.stderr, "Clear %d namespace(s) on %s: %s? [y/N] ", len(names), b.url, strings.Join(quoted, ", "))
		line, _ := bufio.NewReader(e.stdin).ReadString('\n')
		answer := strings.ToLower(strings.TrimSpace(line))
		if answer != "y" && answer != "yes" {
			fmt.Fprintln(e.stderr)
			return errAborted
		}
	}

	rec, _ := b.Backend.(reclaimer)
	for i, ns := range names {
		if err := b.Clear(ctx, ns); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "cleared %s (%d/%d): its entries are invisible now\n", quoted[i], i+1, len(names))
		if rec == nil {
			continue
		}
		if !*wait {
			fmt.Fprintf(e.stdout, "  old entries of %s are reclaimed in the background, by a later clear or by their expiry\n", quoted[i])
			continue
		}
		if err := reclaimWithProgress(ctx, e, rec, ns, quoted[i]); err != nil {
			return err
		}
	}
	return nil
}

// reclaimWithProgress reclaims the old entries of ns, showing how many are
// left on stderr: one line rewritten in place on a terminal, a line a
// second otherwise.
func reclaimWithProgress(ctx context.Context, e *env, rec reclaimer, ns, quoted string) error {
	left, err := rec.Pending(ctx, ns)
	if err != nil {
		return err
	}
	if left == 0 {
		fmt.Fprintf(e.stdout, "  nothing of %s left to reclaim\n", quoted)
		return nil
	}
	start := time.Now()
	p := newProgress(e.stderr)
	done := make(chan error, 1)
	go func() { done <- rec.Reclaim(ctx, ns) }()
	for {
		p.show(fmt.Sprintf("  reclaiming %s: %d old keys left, %v", quoted, left, time.Since(start).Round(100*time.Millisecond)))
		select {
		case err := <-done:
			p.end()
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "  reclaimed the old entries of %s in %v\n", quoted, time.Since(start).Round(time.Millisecond))
			return nil
		case <-p.tick():
		}
		if n, err := rec.Pending(ctx, ns); err == nil {
			left = n
		}
	}
}
