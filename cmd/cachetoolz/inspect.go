package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/cachetoolz/cachetoolz"
)

func runInspect(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "inspect", "NAMESPACE")
	bf := addBackendFlags(fs)
	limit := fs.Int("limit", 50, "entries per page")
	cursor := fs.String("cursor", "", "continue after the page that printed this cursor")
	all := fs.Bool("all", false, "print every page without stopping")
	quotedArgs := fs.Bool("quoted", false, `namespaces are given Go-quoted, as stats shows them (such as "a\x00b"), for names a shell cannot pass`)
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if *quotedArgs {
		if err := unquoteAll(rest); err != nil {
			return err
		}
	}
	if len(rest) != 1 {
		return fmt.Errorf("%w: inspect takes one namespace", errUsage)
	}
	if *limit <= 0 {
		return fmt.Errorf("%w: -limit must be positive", errUsage)
	}
	ns := rest[0]
	pos := ""
	if *cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(*cursor)
		if err != nil || len(raw) == 0 {
			return fmt.Errorf("%w: -cursor %q is not a cursor this command printed", errUsage, *cursor)
		}
		pos = string(raw)
	}

	b, err := bf.open(ctx, e)
	if err != nil {
		return err
	}
	defer b.close()
	in, err := b.inspector()
	if err != nil {
		return err
	}
	interactive := !*all && isTerminal(e.stdout) && isTerminal(e.stdin)
	var answers *bufio.Reader
	if interactive {
		answers = bufio.NewReader(e.stdin)
	}
	shown := 0
	for {
		page, next, err := nonEmptyPage(ctx, in, ns, pos, *limit)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			if shown == 0 && *cursor == "" {
				return fmt.Errorf("unknown namespace %s: %s holds no entries in it", quoteName(ns), b.url)
			}
			if shown == 0 {
				fmt.Fprintln(e.stdout, "no more entries")
			}
			return nil
		}
		rows := [][]string{{"KEY", "TTL", "SIZE"}}
		for _, en := range page {
			rows = append(rows, []string{quoteName(en.Key), formatTTL(en.TTL), formatSize(en.Size)})
		}
		table(e.stdout, map[int]bool{1: true, 2: true}, rows)
		shown += len(page)
		if next == "" {
			return nil
		}
		pos = next
		switch {
		case *all:
			continue
		case interactive:
			fmt.Fprint(e.stderr, "-- more? [Enter: next page, q: quit] ")
			line, err := answers.ReadString('\n')
			if err != nil || strings.HasPrefix(strings.TrimSpace(strings.ToLower(line)), "q") {
				return nil
			}
		default:
			fmt.Fprintf(e.stderr, "more entries: add -cursor %s (or -all)\n", base64.RawURLEncoding.EncodeToString([]byte(next)))
			return nil
		}
	}
}

// nonEmptyPage returns the next page that holds entries, skipping the
// empty pages a backend may return when entries expired or changed.
func nonEmptyPage(ctx context.Context, in cachetoolz.Inspector, ns, cursor string, limit int) ([]cachetoolz.EntryInfo, string, error) {
	for range 10000 {
		page, next, err := in.Entries(ctx, ns, cursor, limit)
		if err != nil || len(page) > 0 || next == "" {
			return page, next, err
		}
		cursor = next
	}
	return nil, "", fmt.Errorf("namespace %s: too many empty pages", quoteName(ns))
}

// formatSize returns an entry's size in bytes, or "?".
func formatSize(n int64) string {
	if n < 0 {
		return "?"
	}
	return strconv.FormatInt(n, 10)
}
