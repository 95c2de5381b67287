import { luaScript } from '../../redis/script';

/**
 * The booking scripts. Every change of places is one Lua call: the checks (no-show restriction,
 * one per person per item per day, active limits, capacity of the normal or green pool) and the
 * writes (counter, record, indexes, idempotency key) happen together or not at all. Keys are
 * passed in KEYS; the record hash keeps the keys' members it must remove later.
 *
 * Record hash `bk:rec:<ref>`: doc (the booking JSON), status, pool, v (version), booker, startsAt,
 * member (its member of the person-item-day set: "<ref>\t<booker>\t<slot>").
 */

// KEYS: slot, pday, person, booker, noshow, rec, idem, upcoming
// ARGV: ref, doc, member, sameSuffix, normalCap, greenCap, elderly, released, perItemPerDay,
//       maxActive, maxPerBooker, now, startsAt, noshowWithin, strikesLimit, restrictMs,
//       recTtl, slotTtl, idemTtl, indexTtl, booker, keepPastMs
export const RESERVE = luaScript(
  'Booking.reserve',
  `
local now = tonumber(ARGV[12])
local function strikes()
  redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', '(' .. (now - tonumber(ARGV[14])))
  return redis.call('ZCARD', KEYS[5])
end
local done = redis.call('GET', KEYS[7])
if done then return {'booked', done, 'retry', strikes()} end
local n = strikes()
if n >= tonumber(ARGV[15]) then
  local last = redis.call('ZRANGE', KEYS[5], -1, -1, 'WITHSCORES')
  local untilMs = tonumber(last[2]) + tonumber(ARGV[16])
  if now < untilMs then return {'refused', 'restricted', tostring(untilMs)} end
end
local members = redis.call('SMEMBERS', KEYS[2])
if #members >= tonumber(ARGV[9]) then
  for _, m in ipairs(members) do
    if string.sub(m, -string.len(ARGV[4])) == ARGV[4] then
      return {'booked', string.match(m, '^([^\\t]+)'), 'existing', n}
    end
  end
  return {'refused', 'same-item-day', string.match(members[1], '^([^\\t]+)')}
end
-- Past bookings stay listed for a while (我的办件); only those still ahead count.
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. (now - tonumber(ARGV[22])))
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. (now - tonumber(ARGV[22])))
if redis.call('ZCOUNT', KEYS[3], now, '+inf') >= tonumber(ARGV[10]) then return {'refused', 'max-active', ''} end
if redis.call('ZCOUNT', KEYS[4], now, '+inf') >= tonumber(ARGV[11]) then return {'refused', 'max-booker', ''} end
local taken = redis.call('HMGET', KEYS[1], 'n', 'g')
local tn, tg = tonumber(taken[1] or '0'), tonumber(taken[2] or '0')
local nc, gc = tonumber(ARGV[5]), tonumber(ARGV[6])
local pool
if ARGV[7] == '1' and tg < gc then pool = 'g'
elseif tn < nc then pool = 'n'
elseif ARGV[8] == '1' and tg < gc then pool = 'g'
else return {'full'} end
if redis.call('EXISTS', KEYS[6]) == 1 then return {'exists'} end
redis.call('HINCRBY', KEYS[1], pool, 1)
redis.call('EXPIRE', KEYS[1], ARGV[18])
redis.call('HSET', KEYS[6], 'doc', ARGV[2], 'status', 'booked', 'pool', pool == 'g' and 'green' or 'normal', 'v', 1, 'booker', ARGV[21], 'startsAt', ARGV[13], 'member', ARGV[3])
redis.call('EXPIRE', KEYS[6], ARGV[17])
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[18])
redis.call('ZADD', KEYS[3], ARGV[13], ARGV[1])
redis.call('EXPIRE', KEYS[3], ARGV[20])
redis.call('ZADD', KEYS[4], ARGV[13], ARGV[1])
redis.call('EXPIRE', KEYS[4], ARGV[20])
redis.call('ZADD', KEYS[8], ARGV[13], ARGV[1])
redis.call('SET', KEYS[7], ARGV[1], 'EX', ARGV[19])
return {'booked', ARGV[1], 'new', n}
`,
);

// KEYS: rec, slot, pday, person, booker, upcoming
// ARGV: ref, booker, expectedVersion, now, cancelBeforeMs
export const CANCEL = luaScript(
  'Booking.cancel',
  `
local r = redis.call('HMGET', KEYS[1], 'status', 'booker', 'v', 'startsAt', 'pool', 'member')
if r[1] ~= 'booked' or r[2] ~= ARGV[2] then return {'not-found'} end
if r[3] ~= ARGV[3] then return {'conflict'} end
local deadline = tonumber(r[4]) - tonumber(ARGV[5])
if tonumber(ARGV[4]) > deadline then return {'too-late', tostring(deadline)} end
local field = r[5] == 'green' and 'g' or 'n'
if tonumber(redis.call('HGET', KEYS[2], field) or '0') > 0 then redis.call('HINCRBY', KEYS[2], field, -1) end
redis.call('SREM', KEYS[3], r[6])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
redis.call('ZREM', KEYS[6], ARGV[1])
redis.call('HSET', KEYS[1], 'status', 'cancelled')
redis.call('HINCRBY', KEYS[1], 'v', 1)
return {'cancelled'}
`,
);

// KEYS: rec, oldSlot, newSlot, oldPday, newPday, person, booker, upcoming, idem
// ARGV: ref, booker, expectedVersion, now, cancelBeforeMs, doc, member, normalCap, greenCap,
//       elderly, released, perItemPerDay, startsAt, recTtl, slotTtl, idemTtl
export const RESCHEDULE = luaScript(
  'Booking.reschedule',
  `
local r = redis.call('HMGET', KEYS[1], 'status', 'booker', 'v', 'startsAt', 'pool', 'member')
if r[1] ~= 'booked' or r[2] ~= ARGV[2] then return {'not-found'} end
if r[3] ~= ARGV[3] then return {'conflict'} end
local deadline = tonumber(r[4]) - tonumber(ARGV[5])
if tonumber(ARGV[4]) > deadline then return {'too-late', tostring(deadline)} end
if KEYS[2] == KEYS[3] then return {'same'} end
if KEYS[4] ~= KEYS[5] and redis.call('SCARD', KEYS[5]) >= tonumber(ARGV[12]) then
  return {'refused', 'same-item-day', string.match(redis.call('SRANDMEMBER', KEYS[5]), '^([^\\t]+)')}
end
local taken = redis.call('HMGET', KEYS[3], 'n', 'g')
local tn, tg = tonumber(taken[1] or '0'), tonumber(taken[2] or '0')
local nc, gc = tonumber(ARGV[8]), tonumber(ARGV[9])
local pool
if ARGV[10] == '1' and tg < gc then pool = 'g'
elseif tn < nc then pool = 'n'
elseif ARGV[11] == '1' and tg < gc then pool = 'g'
else return {'full'} end
local old = r[5] == 'green' and 'g' or 'n'
if tonumber(redis.call('HGET', KEYS[2], old) or '0') > 0 then redis.call('HINCRBY', KEYS[2], old, -1) end
redis.call('HINCRBY', KEYS[3], pool, 1)
redis.call('EXPIRE', KEYS[3], ARGV[15])
redis.call('SREM', KEYS[4], r[6])
redis.call('SADD', KEYS[5], ARGV[7])
redis.call('EXPIRE', KEYS[5], ARGV[15])
redis.call('ZADD', KEYS[6], ARGV[13], ARGV[1])
redis.call('ZADD', KEYS[7], ARGV[13], ARGV[1])
redis.call('ZADD', KEYS[8], ARGV[13], ARGV[1])
local v = redis.call('HINCRBY', KEYS[1], 'v', 1)
redis.call('HSET', KEYS[1], 'doc', ARGV[6], 'pool', pool == 'g' and 'green' or 'normal', 'startsAt', ARGV[13], 'member', ARGV[7])
redis.call('EXPIRE', KEYS[1], ARGV[14])
redis.call('SET', KEYS[9], ARGV[1], 'EX', ARGV[16])
return {'booked', tostring(v)}
`,
);

// KEYS: rec, noshow. ARGV: ref, now, ttl
export const NO_SHOW = luaScript(
  'Booking.noShow',
  `
if redis.call('HGET', KEYS[1], 'status') ~= 'booked' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'no-show')
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[3])
return 1
`,
);

// KEYS: slot counters. Returns n1, g1, n2, g2, … (one snapshot).
export const TAKEN = luaScript(
  'Booking.taken',
  `
local out = {}
for i, key in ipairs(KEYS) do
  local t = redis.call('HMGET', key, 'n', 'g')
  out[2 * i - 1] = tonumber(t[1] or '0')
  out[2 * i] = tonumber(t[2] or '0')
end
return out
`,
);
