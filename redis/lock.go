package rediscache

import (
	"context"
	"crypto/rand"
	"fmt"
	"strconv"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/redis/rueidis"
)

var _ cachetoolz.Locker = (*Backend)(nil)

// TryLock implements [cachetoolz.Locker] with one script: it reads the
// namespace's generation and the entry, and takes the key's lock with a
// fresh random token and a time to live of ttl (millisecond precision, at
// least one) when the entry is not stored and the lock is free. A lock is
// free when its key is absent, or has no time to live (the backend never
// writes one without).
func (b *Backend) TryLock(ctx context.Context, namespace, key string, ttl time.Duration) (cachetoolz.LockState, error) {
	var st cachetoolz.LockState
	if b.closed.Load() {
		return st, b.closedErr("lock", namespace)
	}
	if b.s.layout == LayoutSeed {
		return st, nil // no lock: the caller loads without one
	}
	ctx, cancel := b.ctx(ctx)
	defer cancel()
	client, err := b.conn()
	if err != nil {
		return st, b.wrap("lock", namespace, err)
	}
	k := b.keysOf(namespace, key)
	token := rand.Text()
	ms := strconv.FormatInt(lockMillis(ttl), 10)
	keys := []string{k.gen(), k.entry(key)}
	args := []string{k.lockPrefix(), k.wakePrefix(), key, token, ms}
	arr, err := tryLockScript.Exec(ctx, client, keys, args).ToArray()
	for i := 0; i < staleRetries && err != nil && staleConn(err); i++ { // a run with the same token finds the lock its own
		arr, err = tryLockScript.Exec(ctx, client, keys, args).ToArray()
	}
	if err != nil {
		return st, b.wrap("lock", namespace, err)
	}
	if len(arr) == 0 {
		return st, b.wrap("lock", namespace, errShortReply)
	}
	code, err := arr[0].AsInt64()
	if err != nil {
		return st, b.wrap("lock", namespace, err)
	}
	if code == 0 {
		return st, nil // no valid generation: nothing to lock
	}
	if len(arr) < 2 {
		return st, b.wrap("lock", namespace, errShortReply)
	}
	genStr, err := arr[1].ToString()
	if err != nil {
		return st, b.wrap("lock", namespace, err)
	}
	if st.Gen, err = strconv.ParseUint(genStr, 10, 64); err != nil {
		return st, b.wrap("lock", namespace, err)
	}
	switch {
	case code == 1 && len(arr) == 3:
		v, err := arr[2].ToString()
		if err != nil {
			return st, b.wrap("lock", namespace, err)
		}
		st.Found, st.Value = true, []byte(v)
	case code == 2:
		st.Held = &lock{b: b, namespace: namespace, key: k.lock(genStr, key), wake: k.wake(genStr, key), token: token}
	case code == 3 && len(arr) == 4:
		left, err := arr[2].AsInt64()
		if err != nil {
			return st, b.wrap("lock", namespace, err)
		}
		if st.Cursor, err = arr[3].ToString(); err != nil {
			return st, b.wrap("lock", namespace, err)
		}
		st.Left = time.Duration(left) * time.Millisecond
	default:
		return st, b.wrap("lock", namespace, fmt.Errorf("unexpected reply %d of %d elements", code, len(arr)))
	}
	return st, nil
}

// WaitLock implements [cachetoolz.Locker]: it blocks on the key's wake-up
// stream, with XREAD, for an entry newer than the last one TryLock saw,
// for up to d (rounded up to a millisecond). The blocking read takes a
// connection of its own from the client's pool while it waits.
func (b *Backend) WaitLock(ctx context.Context, namespace, key string, st cachetoolz.LockState, d time.Duration) error {
	if b.closed.Load() {
		return b.closedErr("lock wait", namespace)
	}
	if d <= 0 {
		return nil
	}
	ctx, cancel := b.ctx(ctx)
	defer cancel()
	client, err := b.blockingConn()
	if err != nil {
		return b.wrap("lock wait", namespace, err)
	}
	cursor := st.Cursor
	if cursor == "" {
		cursor = "0-0"
	}
	wake := b.keysOf(namespace, key).wake(strconv.FormatUint(st.Gen, 10), key)
	ms := max(1, (d + time.Millisecond - 1).Milliseconds()) // BLOCK 0 would wait for ever
	read := client.B().Xread().Count(1).Block(ms).Streams().Key(wake).Id(cursor).Build().Pin()
	err = client.Do(ctx, read).Error()
	for i := 0; i < staleRetries && err != nil && staleConn(err); i++ { // it only reads
		err = client.Do(ctx, read).Error()
	}
	if err != nil && !rueidis.IsRedisNil(err) { // nil: the wait timed out
		if ctx.Err() != nil {
			return fmt.Errorf("cachetoolz: redis: lock wait %q: %w", namespace, ctx.Err())
		}
		return b.wrap("lock wait", namespace, err)
	}
	return nil
}

// wakeMillis is how long a wake-up stream lives after its last release, in
// milliseconds: far longer than the time between a waiter's TryLock and its
// XREAD, in which the stream must not vanish. Waiters never need it to live
// longer, since TryLock hands them the ID of the last wake-up along with
// the lock it found held.
const wakeMillis = 10_000

// lockMillis is ttl in whole milliseconds, at least one.
func lockMillis(ttl time.Duration) int64 { return max(1, ttl.Milliseconds()) }

// lock is a load lock the backend took: its key, its wake-up stream, and
// the random token that tells its holder from any later one.
type lock struct {
	b         *Backend
	namespace string
	key, wake string
	token     string
}

// Extend implements [cachetoolz.Lock].
func (l *lock) Extend(ctx context.Context, ttl time.Duration) error {
	b := l.b
	if b.closed.Load() {
		return b.closedErr("lock extend", l.namespace)
	}
	ctx, cancel := b.ctx(ctx)
	defer cancel()
	client, err := b.conn()
	if err != nil {
		return b.wrap("lock extend", l.namespace, err)
	}
	keys := []string{l.key}
	args := []string{l.token, strconv.FormatInt(lockMillis(ttl), 10)}
	n, err := extendLockScript.Exec(ctx, client, keys, args).AsInt64()
	for i := 0; i < staleRetries && err != nil && staleConn(err); i++ { // extending twice is extending
		n, err = extendLockScript.Exec(ctx, client, keys, args).AsInt64()
	}
	if err != nil {
		return b.wrap("lock extend", l.namespace, err)
	}
	if n == 0 {
		return fmt.Errorf("cachetoolz: redis: lock extend %q: %w", l.namespace, cachetoolz.ErrLockLost)
	}
	return nil
}

// Release implements [cachetoolz.Lock]. Releasing a lock that is no longer
// the caller's is not an error: the waiters are woken all the same.
func (l *lock) Release(ctx context.Context) error {
	b := l.b
	if b.closed.Load() {
		return b.closedErr("lock release", l.namespace)
	}
	ctx, cancel := b.ctx(ctx)
	defer cancel()
	client, err := b.conn()
	if err != nil {
		return b.wrap("lock release", l.namespace, err)
	}
	keys := []string{l.key, l.wake}
	args := []string{l.token, strconv.FormatInt(wakeMillis, 10)}
	err = releaseLockScript.Exec(ctx, client, keys, args).Error()
	for i := 0; i < staleRetries && err != nil && staleConn(err); i++ { // a second release deletes nothing more
		err = releaseLockScript.Exec(ctx, client, keys, args).Error()
	}
	if err != nil {
		return b.wrap("lock release", l.namespace, err)
	}
	return nil
}
