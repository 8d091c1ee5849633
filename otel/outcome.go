package otel

import (
	"context"
	"errors"

	"github.com/cachetoolz/cachetoolz"
)

// outcome is how a load or a backend operation ended: the value of
// OutcomeKey.
type outcome string

// The outcomes.
const (
	outcomeOK       outcome = "ok"        // success
	outcomeNotFound outcome = "not_found" // a get that found nothing: an answer, not a failure
	outcomeError    outcome = "error"     // any other error
	outcomeTimeout  outcome = "timeout"   // the operation or load ran out of time
	outcomeCanceled outcome = "canceled"  // whoever waited for it left
	outcomeAborted  outcome = "aborted"   // the function panicked or called runtime.Goexit
)

// classify returns the outcome that err stands for.
func classify(err error) outcome {
	var timeout interface{ Timeout() bool }
	switch {
	case err == nil:
		return outcomeOK
	case errors.Is(err, cachetoolz.ErrNotFound):
		return outcomeNotFound
	case errors.Is(err, cachetoolz.ErrAborted):
		return outcomeAborted
	case errors.Is(err, context.DeadlineExceeded),
		errors.As(err, &timeout) && timeout.Timeout():
		return outcomeTimeout
	case errors.Is(err, context.Canceled):
		return outcomeCanceled
	}
	return outcomeError
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
