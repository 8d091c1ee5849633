package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/cachetoolz/cachetoolz"
)

func runStats(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "stats", "")
	bf := addBackendFlags(fs)
	asJSON := fs.Bool("json", false, "write JSON instead of a table")
	every := fs.Duration("watch", 0, "refresh the view at this interval (at least 100ms) until interrupted")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("%w: stats takes no arguments", errUsage)
	}
	if *every != 0 && *every < minWatch {
		return fmt.Errorf("%w: -watch must be at least %v", errUsage, minWatch)
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
	v := statsView{in: in, url: b.url, json: *asJSON}
	if *every == 0 {
		var out bytes.Buffer
		if err := v.render(ctx, &out, time.Time{}); err != nil {
			return err
		}
		_, err := e.stdout.Write(out.Bytes())
		return err
	}
	return watch(ctx, e, *every, v, func(err error) error { return scrub(err, e.secrets) })
}

// statsView is what stats shows.
type statsView struct {
	in   cachetoolz.Inspector
	url  string // password hidden
	json bool
}

// render writes the view to w. A non-zero at is the time of a refresh,
// which JSON shows.
func (v statsView) render(ctx context.Context, w io.Writer, at time.Time) error {
	infos, err := v.in.Namespaces(ctx)
	if err != nil {
		return err
	}

	if v.json {
		type row struct {
			Namespace string `json:"namespace"`
			Entries   *int64 `json:"entries"` // null: unknown
			Bytes     *int64 `json:"bytes"`   // null: unknown
		}
		rows := make([]row, len(infos))
		for i, info := range infos {
			rows[i] = row{Namespace: info.Name}
			if info.Entries >= 0 {
				rows[i].Entries = &info.Entries
			}
			if info.Bytes >= 0 {
				rows[i].Bytes = &info.Bytes
			}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Backend    string `json:"backend"`
			Time       string `json:"time,omitempty"`
			Namespaces []row  `json:"namespaces"`
		}{v.url, jsonTime(at), rows})
	}

	if len(infos) == 0 {
		fmt.Fprintf(w, "%s holds no entries\n", v.url)
		return nil
	}
	rows := [][]string{{"NAMESPACE", "ENTRIES", "SIZE"}}
	var entries, bytes int64
	for _, info := range infos {
		rows = append(rows, []string{quoteName(info.Name), formatCount(info.Entries), formatBytes(info.Bytes)})
		entries = sumKnown(entries, info.Entries)
		bytes = sumKnown(bytes, info.Bytes)
	}
	rows = append(rows, []string{fmt.Sprintf("(%d namespaces)", len(infos)), formatCount(entries), formatBytes(bytes)})
	table(w, map[int]bool{1: true, 2: true}, rows)
	return nil
}

// jsonTime formats t for JSON, or "" for the zero time.
func jsonTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// sumKnown adds n to total; either unknown (negative) makes it unknown.
func sumKnown(total, n int64) int64 {
	if total < 0 || n < 0 {
		return -1
	}
	return total + n
}
