package benchmarks

import (
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// benchLogger returns a logger for a cache under test. It keeps the records
// out of the benchmark's output, where they would split a result line, and
// when the benchmark function returns it logs how many there were and the
// first one, so that BENCHMARKS.md lists them.
func benchLogger(b *testing.B) *slog.Logger {
	s := &logSink{}
	b.Cleanup(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.n > 0 {
			b.Logf("the cache logged %d records; the first: %s", s.n, s.first)
		}
	})
	return slog.New(slog.NewTextHandler(s, nil))
}

// logSink counts the records a text handler writes, one per Write, and keeps
// the first.
type logSink struct {
	mu    sync.Mutex
	n     int
	first string
}

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n == 0 {
		s.first = strings.TrimSpace(string(p))
	}
	s.n++
	return len(p), nil
}
