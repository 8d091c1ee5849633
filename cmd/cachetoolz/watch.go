package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// minWatch is the shortest interval of -watch: each refresh walks the
// backend's namespaces.
const minWatch = 100 * time.Millisecond

// clearScreen moves a terminal's cursor home and clears the screen.
const clearScreen = "\x1b[H\x1b[2J"

// watch shows v now and again at every interval until ctx is done, which
// is the normal end: an interrupt. Each refresh is written at once. A table
// is headed by the interval and the time, and replaces the previous one on
// a terminal; JSON is a stream of documents, one per refresh, each with
// its time. A refresh that fails shows the error, passed through scrub, and
// the next one tries again: a live view is most useful while the backend
// is in trouble.
func watch(ctx context.Context, e *env, every time.Duration, v statsView, scrub func(error) error) error {
	ticks, stop := e.tick(every)
	defer stop()
	tty := isTerminal(e.stdout)
	for {
		at := e.clock()
		var body, out bytes.Buffer
		err := v.render(ctx, &body, at)
		if err != nil && ctx.Err() != nil {
			return nil
		}
		switch {
		case v.json && err != nil:
			_ = json.NewEncoder(&out).Encode(struct {
				Backend string `json:"backend"`
				Time    string `json:"time"`
				Error   string `json:"error"`
			}{v.url, jsonTime(at), oneLine(scrub(err))})
		case v.json:
			out.Write(body.Bytes())
		default:
			if tty {
				out.WriteString(clearScreen)
			}
			fmt.Fprintf(&out, "every %v, at %s\n\n", every, at.Format(time.DateTime))
			if err != nil {
				fmt.Fprintf(&out, "%s: %s\n", v.url, oneLine(scrub(err)))
			} else {
				out.Write(body.Bytes())
			}
		}
		if _, err := e.stdout.Write(out.Bytes()); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-ticks:
		}
	}
}

// tick returns the ticks of an interval and a function that stops them.
func (e *env) tick(every time.Duration) (<-chan time.Time, func()) {
	if e.ticker != nil {
		return e.ticker(every)
	}
	t := time.NewTicker(every)
	return t.C, t.Stop
}

// clock returns the time now.
func (e *env) clock() time.Time {
	if e.now != nil {
		return e.now()
	}
	return time.Now()
}
