package cachetoolz

import (
	"context"
	"errors"
)

// Observer is told about the work a cache does besides answering hits: runs
// of wrapped functions, and backend operations. It is the hook for metrics
// and traces; the module github.com/cachetoolz/cachetoolz/otel turns it into
// OpenTelemetry instruments and spans.
//
// Hits, misses and the other per-call counters are not events: they are in
// Stats, which a metrics exporter reads when it is scraped. So a hit costs
// the same with an observer as without, and a cache with no observer pays
// one nil check per backend operation or run.
//
// The methods are called on the goroutine doing the work, concurrently, and
// must return quickly.
type Observer interface {
	// StartLoad is called when a run of a wrapped function begins. It
	// returns the context the function runs under (one that carries a
	// span, say; it must be derived from ctx) and a function that is called
	// once when the run has ended, with the function's error: nil on
	// success, ErrAborted if it panicked or called runtime.Goexit.
	StartLoad(ctx context.Context, l Load) (context.Context, func(err error))

	// StartOp is called before each backend operation. It returns the
	// context the operation runs under (derived from ctx) and a function
	// that is called once when the operation has ended, with its error: a
	// Get that misses ends with an error that matches ErrNotFound, which is
	// an answer, not a failure.
	StartOp(ctx context.Context, o Op) (context.Context, func(err error))
}

// Load describes a run of a wrapped function to an Observer.
type Load struct {
	// Namespace is the wrapped function's namespace.
	Namespace string
	// Function is the function's identity (Options.Name, or its qualified
	// name).
	Function string
}

// Op describes a backend operation to an Observer.
type Op struct {
	// Kind is the operation: OpGet, OpSet, OpClear, OpDelete, OpLock or
	// OpLockWait.
	Kind OpKind
	// Namespace is the namespace it works on. A clear of several
	// namespaces at once is reported as one operation per namespace.
	Namespace string
}

// OpKind names a kind of backend operation.
type OpKind string

// The kinds of backend operation.
const (
	OpGet   OpKind = "get"
	OpSet   OpKind = "set"
	OpClear OpKind = "clear"
	// OpDelete is the removal of one entry (the Forget control).
	OpDelete OpKind = "delete"
	// OpLock is a step on a load lock (Options.Lock): trying to take it,
	// renewing it, or releasing it.
	OpLock OpKind = "lock"
	// OpLockWait is a wait for a load lock that another process holds.
	OpLockWait OpKind = "lock_wait"
)

// ErrAborted is what an Observer's load end function receives when the
// function panicked or called runtime.Goexit; the callers get the panic
// itself, as a *PanicError.
var ErrAborted = errors.New("cachetoolz: the function panicked or called runtime.Goexit")

// startOp tells the observer, if any, that a backend operation begins,
// and returns the function that tells it the operation's end, for endOp:
// nil when there is no observer.
func (c *Cache) startOp(ctx context.Context, kind OpKind, namespace string) (_ context.Context, end func(error)) {
	if c.cfg.Observer != nil {
		ctx, end = c.observeOp(ctx, kind, namespace)
	}
	return ctx, end
}

// observeOp is startOp when there is an observer. It is never inlined, so
// that startOp is, and an operation without an observer makes no call.
//
//go:noinline
func (c *Cache) observeOp(ctx context.Context, kind OpKind, namespace string) (context.Context, func(error)) {
	return c.cfg.Observer.StartOp(ctx, Op{Kind: kind, Namespace: namespace})
}

// endOp tells the observer, through end (what startOp returned, if not
// nil), that an operation ended with err.
func endOp(end func(error), err error) {
	if end != nil {
		end(err)
	}
}

// observeLoad runs fn(ctx, args) under the observer's load events, if
// there is an observer.
func observeLoad[T, R any](w *wrapper[R], ctx context.Context, fn func(context.Context, T) (R, error), args T) (R, error) {
	obs := w.c.cfg.Observer
	if obs == nil {
		return fn(ctx, args)
	}
	fctx, end := obs.StartLoad(ctx, Load{Namespace: w.ns.name, Function: w.fn.Name})
	ended := false
	defer func() {
		if !ended {
			end(ErrAborted)
		}
	}()
	r, err := fn(fctx, args)
	ended = true
	end(err)
	return r, err
}
