package cachetoolz

import (
	"context"
	"errors"
	"sync/atomic"
)

// ErrTimeout is wrapped by the error a call returns when its load passed
// Options.HardTimeout and no stale value could stand in for it.
var ErrTimeout = errors.New("cachetoolz: load timed out")

// Control changes what one call does with the cache; see WithControl.
type Control uint8

// The controls a call can be given with WithControl.
const (
	// Bypass runs the function without reading or writing the cache.
	Bypass Control = iota + 1
	// Refresh runs the function even if its result is cached, and stores
	// the result: it forces the refresh of the call's entry. Concurrent
	// calls with the same arguments share the run.
	Refresh
	// Forget removes the call's entry from the cache, and returns the zero
	// result and the error of the removal, without running the function.
	// A load of the same entry in flight at that moment may still store its
	// result. The backend must be the memory backend or implement Deleter;
	// otherwise the call fails with an error that wraps
	// errors.ErrUnsupported.
	Forget
)

// controlsUsed tells whether WithControl was ever given a control: until
// then, calls do not look for one in their context.
var controlsUsed atomic.Bool

type controlKey struct{}

// WithControl returns a context under which a call of a wrapped function
// does what ctl says instead of the usual lookup: Bypass, Refresh, Forget.
// Only wrappers whose function takes a context (WrapN and WrapNNoErr) see
// it; WrapNNoCtx and WrapNPlain call with context.Background(), so their
// calls cannot be controlled. The control applies to every wrapped call
// made with the context, and reaches the function's own calls through its
// context too: give a function's callees a context without it when that
// is not wanted.
//
// Until a program first calls WithControl, calls do not look for a
// control; from then on, every call of every wrapper whose function takes
// a context looks its context up for one (one Value lookup, which costs a
// few nanoseconds per layer of the context).
func WithControl(ctx context.Context, ctl Control) context.Context {
	controlsUsed.Store(true)
	return context.WithValue(ctx, controlKey{}, ctl)
}

// controlOf returns the control ctx carries, or zero.
func controlOf(ctx context.Context) Control {
	ctl, _ := ctx.Value(controlKey{}).(Control)
	return ctl
}

// CallInfo tells how a call was answered, for calls made under a context
// from WithCallInfo. A call fills it only when it has something to report,
// so give each call a zero CallInfo of its own.
type CallInfo struct {
	// Stale is set when the call was answered with a stale value (see
	// Options.MaxStale) instead of a fresh load.
	Stale bool
	// Err is why the stale value was served: the load's error (a
	// *PanicError for a panic, one wrapping ErrTimeout for a timeout), or
	// the error of an earlier load of the key within Options.StaleRetry.
	Err error
}

type callInfoKey struct{}

// WithCallInfo returns a context under which a call of a wrapped function
// reports into info how it was answered. As with WithControl, only
// wrappers whose function takes a context see it.
func WithCallInfo(ctx context.Context, info *CallInfo) context.Context {
	return context.WithValue(ctx, callInfoKey{}, info)
}

// callInfoOf returns the CallInfo ctx carries, or nil.
func callInfoOf(ctx context.Context) *CallInfo {
	info, _ := ctx.Value(callInfoKey{}).(*CallInfo)
	return info
}
