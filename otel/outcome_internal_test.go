package otel

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/cachetoolz/cachetoolz"
)

type netTimeout struct{}

func (netTimeout) Error() string { return "i/o timeout" }
func (netTimeout) Timeout() bool { return true }

type notTimeout struct{ netTimeout }

func (notTimeout) Timeout() bool { return false }

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		err    error
		want   outcome
		failed bool
	}{
		{nil, outcomeOK, false},
		{fmt.Errorf("get: %w", cachetoolz.ErrNotFound), outcomeNotFound, false},
		{cachetoolz.ErrAborted, outcomeAborted, true},
		{fmt.Errorf("get: %w", context.DeadlineExceeded), outcomeTimeout, true},
		{fmt.Errorf("read: %w", netTimeout{}), outcomeTimeout, true},
		{notTimeout{}, outcomeError, true},
		{fmt.Errorf("get: %w", context.Canceled), outcomeCanceled, false},
		{errors.New("boom"), outcomeError, true},
	} {
		if got := classify(c.err); got != c.want || got.failed() != c.failed {
			t.Errorf("classify(%v) = %s (failed %v), want %s (failed %v)", c.err, got, got.failed(), c.want, c.failed)
		}
	}
}
