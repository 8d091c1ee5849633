package rediscache

import "github.com/redis/rueidis"

// The scripts treat whatever they find in a namespace's keys as possibly
// damaged: a generation key of another type or that does not hold a
// canonical decimal generation, a pending set or index of another type.
// Damage makes that namespace miss (nothing is stored under it) and is
// repaired by the next Clear; it never makes a script fail, which the cache
// would count as an outage of Redis.

// validGen is Lua shared by the scripts: it returns the generation read from
// the generation key (GET through redis.pcall) if it is a canonical decimal
// below 2^53, else nil.
const validGen = `
local function validGen(v)
	if type(v) ~= 'string' then return nil end
	local n = tonumber(v)
	if n == nil or n < 0 or n >= 9007199254740992 or string.format('%.0f', n) ~= v then return nil end
	return n
end
`

// sampleDead is how many random members of the index each Set checks, and
// removes when their entry is gone (evicted, expired, deleted). With k
// samples per Set, dead members settle at about 1/k of the index under
// steady eviction.
const sampleDead = "4"

// birthScript gives a namespace whose generation key is absent (a new
// namespace, or one whose key Redis evicted) a generation: the server's
// clock in microseconds, never a small number, so that entries of an
// earlier generation whose key was lost can never become current again.
// A generation key of another type is damage: it returns nil, and the
// namespace misses until a Clear.
//
// KEYS: generation.
// Returns the generation as a string, or nil.
var birthScript = rueidis.NewLuaScript(`
local raw = redis.pcall('GET', KEYS[1])
if type(raw) == 'table' then return false end
if raw ~= false then return raw end
local t = redis.call('TIME')
local s = string.format('%.0f', tonumber(t[1]) * 1000000 + tonumber(t[2]))
redis.call('SET', KEYS[1], s)
return s
`)

// setScript stores an entry if its generation is still current, indexes it
// under that generation, trims up to two expired members of the index, and
// removes the sampled members whose entry is gone. A generation key that is
// absent (evicted since the Get that reported the generation) or damaged
// stores nothing: an entry is only ever stored beside its generation.
//
// KEYS: generation, entry.
// ARGV: generation the caller loaded under, entry ("<gen>:" + value), time
// to live in milliseconds (0: none), key (index member), entry key prefix,
// index key prefix, sample size.
// The entry is read back once written, so that a caller with client
// tracking on (see Backend.Track) goes on tracking it: a write removes a
// key from the server's tracking table, the writer's entry included.
// Returns 1 if stored, 0 if the generation was stale or damaged.
var setScript = rueidis.NewLuaScript(`
local raw = redis.pcall('GET', KEYS[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if raw ~= ARGV[1] then -- absent, stale, or damaged (never equal to a decimal)
	return 0
end
local idx = ARGV[6] .. ARGV[1]
local ttl = tonumber(ARGV[3])
local score = '+inf'
if ttl > 0 then
	redis.call('SET', KEYS[2], ARGV[2], 'PX', ttl)
	score = now + ttl
else
	redis.call('SET', KEYS[2], ARGV[2])
end
redis.call('EXISTS', KEYS[2]) -- see Backend.Track: the writer goes on tracking it
local added = redis.pcall('ZADD', idx, score, ARGV[4])
if type(added) == 'table' then
	redis.call('DEL', idx)
	redis.call('ZADD', idx, score, ARGV[4])
end
local old = redis.call('ZRANGEBYSCORE', idx, '-inf', now, 'LIMIT', 0, 2)
local sample = redis.call('ZRANDMEMBER', idx, tonumber(ARGV[7]))
for i = 1, #sample do
	if redis.call('EXISTS', ARGV[5] .. sample[i]) == 0 then old[#old + 1] = sample[i] end
end
if #old > 0 then redis.call('ZREM', idx, unpack(old)) end
return 1
`)

// clearScript moves a namespace to a new generation, larger than the old one
// and than the server's clock in microseconds, and records the old one as
// waiting to be reclaimed. A damaged generation key is overwritten with the
// clock (the entries of the lost generation are then left to their time to
// live or to eviction), and a damaged pending set is replaced.
//
// KEYS: generation, pending set.
// Returns the new generation as a string.
var clearScript = newScript(validGen + `
local raw = redis.pcall('GET', KEYS[1])
local cur = 0
if raw ~= false then cur = validGen(raw) end
local t = redis.call('TIME')
local nxt = tonumber(t[1]) * 1000000 + tonumber(t[2])
if cur ~= nil and cur + 1 > nxt then nxt = cur + 1 end
local s = string.format('%.0f', nxt)
redis.call('SET', KEYS[1], s)
local kind = redis.call('TYPE', KEYS[2])['ok']
if kind ~= 'set' and kind ~= 'none' then redis.call('DEL', KEYS[2]) end
if cur ~= nil then redis.call('SADD', KEYS[2], string.format('%.0f', cur)) end
return s
`)

// reclaimScript removes up to ARGV[3] keys of one generation waiting in the
// pending set, unlinking each key that does not hold the current
// generation; when that generation's index is empty it leaves the pending
// set. Damaged keys are dropped: a pending set or an index of another type
// is deleted, and with a damaged generation no entry is live.
//
// KEYS: generation, pending set.
// ARGV: entry key prefix, index key prefix, batch size.
// Returns the number of index members handled, or -1 when nothing is
// pending.
var reclaimScript = rueidis.NewLuaScript(validGen + `
local gen = redis.pcall('SRANDMEMBER', KEYS[2])
if type(gen) == 'table' then
	redis.call('DEL', KEYS[2])
	return -1
end
if not gen then return -1 end
local raw = redis.pcall('GET', KEYS[1])
local cur = ''
if raw == false then cur = '0' elseif validGen(raw) ~= nil then cur = raw end
if gen == cur then
	redis.call('SREM', KEYS[2], gen)
	return 0
end
local idx = ARGV[2] .. gen
local popped = redis.pcall('ZPOPMIN', idx, tonumber(ARGV[3]))
if popped['err'] then
	redis.call('DEL', idx)
	redis.call('SREM', KEYS[2], gen)
	return 0
end
local live = cur .. ':'
local dead = {}
for i = 1, #popped, 2 do
	local key = ARGV[1] .. popped[i]
	if cur == '' or redis.pcall('GETRANGE', key, 0, #live - 1) ~= live then
		dead[#dead + 1] = key
	end
end
if #dead > 0 then redis.call('UNLINK', unpack(dead)) end
local n = #popped / 2
if n < tonumber(ARGV[3]) then redis.call('SREM', KEYS[2], gen) end
return n
`)
