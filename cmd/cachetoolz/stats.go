package main

import (
	"context"
	"encoding/json"
	"fmt"
)

func runStats(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "stats", "")
	bf := addBackendFlags(fs)
	asJSON := fs.Bool("json", false, "write JSON instead of a table")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("%w: stats takes no arguments", errUsage)
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
	infos, err := in.Namespaces(ctx)
	if err != nil {
		return err
	}

	if *asJSON {
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
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Backend    string `json:"backend"`
			Namespaces []row  `json:"namespaces"`
		}{b.url, rows})
	}

	if len(infos) == 0 {
		fmt.Fprintf(e.stdout, "%s holds no entries\n", b.url)
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
	table(e.stdout, map[int]bool{1: true, 2: true}, rows)
	return nil
}

// sumKnown adds n to total; either unknown (negative) makes it unknown.
func sumKnown(total, n int64) int64 {
	if total < 0 || n < 0 {
		return -1
	}
	return total + n
}
