package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cachetoolz/cachetoolz"
)

// quoteName returns a key or namespace safe to print: as it is when it is
// non-empty printable UTF-8 without spaces or quotes, else Go-quoted, so
// that control bytes, invalid UTF-8 and look-alike blanks show as escapes.
func quoteName(s string) string {
	if s == "" || !utf8.ValidString(s) {
		return strconv.Quote(s)
	}
	for _, r := range s {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) || r == '"' || r == '\\' {
			return strconv.Quote(s)
		}
	}
	return s
}

// formatTTL returns a TTL for a table.
func formatTTL(d time.Duration) string {
	switch {
	case d == cachetoolz.NoExpiry:
		return "never"
	case d <= 0:
		return "expired"
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}

// formatCount returns a count, or "?" when the backend cannot tell.
func formatCount(n int64) string {
	if n < 0 {
		return "?"
	}
	return strconv.FormatInt(n, 10)
}

// formatBytes returns a size in bytes with a binary unit, or "?".
func formatBytes(n int64) string {
	if n < 0 {
		return "?"
	}
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	v, unit := float64(n), "KiB"
	for _, u := range []string{"KiB", "MiB", "GiB", "TiB"} {
		v, unit = v/1024, u
		if v < 1024 {
			break
		}
	}
	return fmt.Sprintf("%.1f %s", v, unit)
}

// formatLatency returns a latency rounded for a table.
func formatLatency(d time.Duration) string {
	switch {
	case d < time.Microsecond:
		return d.String()
	case d < time.Millisecond:
		return d.Round(10 * time.Nanosecond).String()
	case d < time.Second:
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// table writes rows of cells aligned in columns, numbers to the right:
// columns whose index is in right are right-aligned.
func table(w io.Writer, right map[int]bool, rows [][]string) {
	widths := map[int]int{}
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for _, row := range rows {
		line := ""
		for i, c := range row {
			pad := widths[i] - utf8.RuneCountInString(c)
			if i > 0 {
				line += "  "
			}
			if right[i] {
				line += spaces(pad) + c
			} else if i < len(row)-1 {
				line += c + spaces(pad)
			} else {
				line += c
			}
		}
		fmt.Fprintln(w, line)
	}
}

func spaces(n int) string {
	b := make([]byte, max(n, 0))
	for i := range b {
		b[i] = ' '
	}
	return string(b)
}

// unquoteAll replaces each Go-quoted string of names by its value; a name
// that is not quoted stays as it is.
func unquoteAll(names []string) error {
	for i, n := range names {
		if !strings.HasPrefix(n, `"`) {
			continue
		}
		v, err := strconv.Unquote(n)
		if err != nil {
			return fmt.Errorf("%w: -quoted: %s is not a Go-quoted string", errUsage, n)
		}
		names[i] = v
	}
	return nil
}
