package rediscache

import "github.com/redis/rueidis"

// setScript stores an entry if its generation is still current, indexes it
// under that generation, and trims up to two expired members of the index.
//
// KEYS: generation, entry, index of ARGV[1].
// ARGV: generation the caller loaded under, entry ("<gen>:" + value),
// time to live in milliseconds (0: none), key (index member).
// Returns 1 if stored, 0 if the generation was stale.
var setScript = rueidis.NewLuaScript(`
local cur = redis.call('GET', KEYS[1]) or '0'
if cur ~= ARGV[1] then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[3])
if ttl > 0 then
	redis.call('SET', KEYS[2], ARGV[2], 'PX', ttl)
	redis.call('ZADD', KEYS[3], now + ttl, ARGV[4])
else
	redis.call('SET', KEYS[2], ARGV[2])
	redis.call('ZADD', KEYS[3], '+inf', ARGV[4])
end
local old = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, 2)
if #old > 0 then redis.call('ZREM', KEYS[3], unpack(old)) end
return 1
`)

// clearScript moves a namespace to a new generation, larger than the old one
// and than the server's clock in microseconds, and records the old one as
// waiting to be reclaimed.
//
// KEYS: generation, pending set.
// Returns the new generation as a string.
var clearScript = rueidis.NewLuaScript(`
local cur = redis.call('GET', KEYS[1]) or '0'
local t = redis.call('TIME')
local nxt = tonumber(cur) + 1
local clock = tonumber(t[1]) * 1000000 + tonumber(t[2])
if clock > nxt then nxt = clock end
local s = string.format('%.0f', nxt)
redis.call('SET', KEYS[1], s)
redis.call('SADD', KEYS[2], cur)
return s
`)

// reclaimScript removes up to ARGV[3] keys of one generation waiting in the
// pending set, unlinking each key that does not hold the current
// generation; when that generation's index is empty it leaves the pending
// set.
//
// KEYS: generation, pending set.
// ARGV: entry key prefix, index key prefix, batch size.
// Returns the number of index members handled, or -1 when nothing is
// pending.
var reclaimScript = rueidis.NewLuaScript(`
local gen = redis.call('SRANDMEMBER', KEYS[2])
if not gen then return -1 end
local cur = redis.call('GET', KEYS[1]) or '0'
if gen == cur then
	redis.call('SREM', KEYS[2], gen)
	return 0
end
local idx = ARGV[2] .. gen
local popped = redis.call('ZPOPMIN', idx, tonumber(ARGV[3]))
local live = cur .. ':'
local dead = {}
for i = 1, #popped, 2 do
	local key = ARGV[1] .. popped[i]
	if redis.call('GETRANGE', key, 0, #live - 1) ~= live then
		dead[#dead + 1] = key
	end
end
if #dead > 0 then redis.call('UNLINK', unpack(dead)) end
local n = #popped / 2
if n < tonumber(ARGV[3]) then redis.call('SREM', KEYS[2], gen) end
return n
`)
