package cachetoolz

import (
	"context"
	"errors"
	"time"
)

// ErrLockLost is returned by [Lock.Extend] when the caller no longer holds
// the lock: it expired, and perhaps another caller took it.
var ErrLockLost = errors.New("cachetoolz: lock lost")

// Locker is an optional interface of a [Backend] shared by several
// processes: it lets the wraps that set Options.Lock load each key once
// between the processes, not once in each. The Redis backend implements it;
// the memory backend needs none (a process already loads each key once),
// and the MongoDB backend has none.
//
// On a miss, a load calls TryLock. If the entry is stored by now, it is
// answered with it; if nobody holds the key's load lock, it takes the lock,
// runs the function, stores the result, and releases the lock, which wakes
// the waiters; if another holds it, it waits in WaitLock for at most the
// time the holder's lock has left, then calls TryLock again. The holder
// renews its lock while its function runs, so a long load keeps it and a
// dead holder loses it at most Options.LockTTL after its last renewal.
//
// The lock makes loads rarer; it is not a mutual exclusion that anything
// may rely on. What is guaranteed:
//
//   - The lock never fails a call (its own context still can). A call
//     whose TryLock or WaitLock fails (the backend is down or slow), that
//     has waited Options.LockWait, or whose namespace cannot be locked,
//     runs the function itself, as without the lock.
//   - The generation rule holds as without the lock: a result loaded before
//     a clear is never stored after it, a waiter never takes a result of a
//     generation that a clear has ended, and a call after a clear never
//     waits for a load that began before it, since locks and entries are
//     looked up under the namespace's current generation at each TryLock.
//   - A holder that dies, stops (its process frozen, say) or is cut off
//     from the backend delays the others by at most LockTTL from its last
//     renewal before one of them takes the lock over. A holder whose
//     function hangs keeps renewing until its Options.LoadTimeout ends the
//     load; Options.LockWait bounds the others' wait below that.
//
// What is not guaranteed:
//
//   - That the function runs once: it runs again when a holder's lock
//     expires before it stored (it died, or was cut off from the backend
//     longer than LockTTL), when the load failed (an error or a panic
//     stores nothing, so the next waiter takes the lock and runs the
//     function itself), when a caller stopped waiting after LockWait, and
//     when the backend failed.
//   - That only one holder runs at a time: a holder cut off from the
//     backend for longer than LockTTL still runs to its end while another
//     has taken the lock. Do not use the lock to protect anything but the
//     cost of a load.
//
// Implementations must be safe for concurrent use, keep locks apart by
// namespace, key and generation, and never let a caller release or extend
// a lock that another caller took after it.
type Locker interface {
	// TryLock looks, in one atomic step, at the entry under key in
	// namespace and at its load lock, both under the namespace's current
	// generation, and takes the lock for ttl if the entry is not stored
	// and nobody holds the lock. See LockState for what it reports. An
	// error means the backend could not answer.
	TryLock(ctx context.Context, namespace, key string, ttl time.Duration) (LockState, error)

	// WaitLock blocks until the lock that TryLock reported in st as held
	// by another is released, or d has passed, or ctx is done, whichever
	// comes first. It may return early: the caller calls TryLock again
	// either way. It returns an error only when the backend could not
	// answer, or ctx's error when ctx ended.
	WaitLock(ctx context.Context, namespace, key string, st LockState, d time.Duration) error
}

// LockState is what [Locker.TryLock] found. Exactly one of Held, Found and
// a positive Left is set, or none of them when the key cannot be locked
// now (its namespace has no valid generation, say): the caller then loads
// without a lock.
type LockState struct {
	// Gen is the namespace's generation that TryLock looked under: a
	// holder stores its result under it.
	Gen uint64

	// Held, when not nil, is the lock, which the caller now holds.
	Held Lock

	// Found reports that the entry was stored under Gen; Value is its
	// content, as Backend.Get would have returned it.
	Found bool
	Value []byte

	// Left, when positive, is how long the lock another caller holds has
	// left unless it is renewed.
	Left time.Duration

	// Cursor is the implementation's note for WaitLock, such as the last
	// wake-up it had seen for the lock.
	Cursor string
}

// Lock is a load lock held by the caller that took it.
type Lock interface {
	// Extend makes the lock last ttl from now, if the caller still holds
	// it; it returns ErrLockLost otherwise.
	Extend(ctx context.Context, ttl time.Duration) error

	// Release frees the lock if the caller still holds it (never a lock
	// another caller took after this one expired), and wakes the callers
	// waiting for it.
	Release(ctx context.Context) error
}
