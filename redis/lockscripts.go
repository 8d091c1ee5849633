package rediscache

import "github.com/redis/rueidis"

// The load lock of a key lives beside its entry, in the hash slot of the
// key's shard, under that shard's generation:
//
//	<base>l:<gen>:<key>   the lock: the holder's token, with a time to live
//	<base>w:<gen>:<key>   the wake-up stream: one entry added by each release
//
// A clear moves the generation, so locks and wake-ups of the generation
// before it are never seen again; they expire by themselves. The scripts
// build these names from the generation they read, which is why they reach
// keys that are not in KEYS: every one of them shares the hash tag of the
// shard's generation key, and so its slot.

// tryLockScript looks, under the namespace's current generation, at the entry
// and at the lock, and takes the lock if the entry is not stored and the
// lock is free. A namespace without a generation key gets one, as in
// birthScript. A lock key without a time to live is not one the backend
// wrote (every lock has one): it is taken over, like a free one.
//
// KEYS: generation, entry.
// ARGV: lock key prefix, wake-up key prefix, key, token, time to live in
// milliseconds.
// Returns {0} when the generation is damaged (nothing can be locked), {1, gen, value} when the entry is stored, {2, gen} when the lock
// is now the caller's, and {3, gen, left, last} when another holds it for
// left more milliseconds, last being the ID of the last wake-up seen.
var tryLockScript = rueidis.NewLuaScript(validGen + `
local raw = redis.pcall('GET', KEYS[1])
if raw == false then
	local t = redis.call('TIME')
	raw = string.format('%.0f', tonumber(t[1]) * 1000000 + tonumber(t[2]))
	redis.call('SET', KEYS[1], raw)
end
if type(raw) ~= 'string' or validGen(raw) == nil then return {0} end
local live = raw .. ':'
local e = redis.pcall('GET', KEYS[2])
if type(e) == 'string' and string.sub(e, 1, #live) == live then
	return {1, raw, string.sub(e, #live + 1)}
end
local lk = ARGV[1] .. raw .. ':' .. ARGV[3]
if redis.pcall('GET', lk) == ARGV[4] then return {2, raw} end
local left = redis.call('PTTL', lk)
if left > 0 then
	local wk = ARGV[2] .. raw .. ':' .. ARGV[3]
	local last = redis.pcall('XREVRANGE', wk, '+', '-', 'COUNT', 1)
	local id = '0-0'
	if last['err'] then
		redis.call('DEL', wk)
	elseif last[1] then
		id = last[1][1]
	end
	return {3, raw, left, id}
end
redis.call('SET', lk, ARGV[4], 'PX', ARGV[5])
return {2, raw}
`)

// extendLockScript gives a lock more time if the caller still holds it.
//
// KEYS: lock.
// ARGV: token, time to live in milliseconds.
// Returns 1 if extended, 0 if the lock is no longer the caller's.
var extendLockScript = rueidis.NewLuaScript(`
if redis.pcall('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`)

// releaseLockScript deletes a lock if the caller still holds it, and adds a
// wake-up to the stream, which every waiter is blocked on, in either case:
// a holder whose lock was taken over may still have stored the result the
// new holder's waiters want. The stream keeps one entry, and lives as long
// as a lock.
//
// KEYS: lock, wake-up stream.
// ARGV: token, time to live in milliseconds.
// Returns 1 if the lock was deleted, 0 if it was no longer the caller's.
var releaseLockScript = rueidis.NewLuaScript(`
local held = 0
if redis.pcall('GET', KEYS[1]) == ARGV[1] then
	redis.call('DEL', KEYS[1])
	held = 1
end
if redis.pcall('XADD', KEYS[2], 'MAXLEN', '1', '*', 'r', '1')['err'] then
	redis.call('DEL', KEYS[2])
	redis.call('XADD', KEYS[2], 'MAXLEN', '1', '*', 'r', '1')
end
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return held
`)
