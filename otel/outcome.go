package otel

import (
	"context"
	"errors"

	"github.com/cachetoolz/cachetoolz"
)

// outcome is how a load or a backend operation ended: the value of
// OutcomeKey.
type outcome int

// The outcomes.
const (
	outcomeOK       outcome = iota // success
	outcomeNotFound                // a get that found nothing: an answer, not a failure
	outcomeError                   // any other error
	outcomeTimeout                 // the operation or load ran out of time
	outcomeCanceled                // whoever waited for it left
	outcomeAborted                 // the function panicked or called runtime.Goexit
	numOutcomes
)

var outcomeNames = [numOutcomes]string{"ok", "not_found", "error", "timeout", "canceled", "aborted"}

func (o outcome) String() string { return outcomeNames[o] }

// classify returns the outcome that err stands for.
func classify(err error) outcome {
	switch {
	case err == nil:
		return outcomeOK
	case errors.Is(err, cachetoolz.ErrNotFound):
		return outcomeNotFound
	case errors.Is(err, cachetoolz.ErrAborted):
		return outcomeAborted
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return outcomeTimeout
	case errors.Is(err, context.Canceled):
		return outcomeCanceled
	}
	return outcomeError
}

// isTimeout tells whether err, or an error it wraps, says it is a timeout,
// as network errors do.
func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// failed tells whether the outcome counts as an error in the
// cachetoolz.load.errors and cachetoolz.backend.errors counters: a get that
// finds nothing is an answer, and work that was cancelled because nobody
// waited for it any more is not a failure of the function or the backend.
func (o outcome) failed() bool {
	switch o {
	case outcomeOK, outcomeNotFound, outcomeCanceled:
		return false
	}
	return true
}
