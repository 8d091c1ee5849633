package main

import (
	"fmt"
	"io"
	"time"
)

// progress shows a long task's state on w: one line rewritten in place
// when w is a terminal, plain lines at a slower pace otherwise (logs).
type progress struct {
	w      io.Writer
	tty    bool
	ticker *time.Ticker
	shown  bool
}

// Intervals between progress updates.
const (
	ttyInterval   = 200 * time.Millisecond
	plainInterval = time.Second
)

func newProgress(w io.Writer) *progress {
	p := &progress{w: w, tty: isTerminal(w)}
	interval := plainInterval
	if p.tty {
		interval = ttyInterval
	}
	p.ticker = time.NewTicker(interval)
	return p
}

// tick delivers a value when the next update is due.
func (p *progress) tick() <-chan time.Time { return p.ticker.C }

// show writes the current state.
func (p *progress) show(line string) {
	p.shown = true
	if p.tty {
		fmt.Fprintf(p.w, "\r%s\x1b[K", line)
		return
	}
	fmt.Fprintln(p.w, line)
}

// end stops the updates and ends the line in place, if any.
func (p *progress) end() {
	p.ticker.Stop()
	if p.tty && p.shown {
		fmt.Fprintln(p.w)
	}
}
