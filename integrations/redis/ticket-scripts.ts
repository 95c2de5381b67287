import { luaScript } from './script';

// The Lua side of the FIFO ticket lock (see ticket-queue.ts for the model). The serving hash holds
// `n` (last ticket done), `at` (server time, ms, when ticket n + 1 became eligible or acquired),
// `h:<holder>` (the ticket each holder took) and `a:<ticket>` (tickets whose holder gave up while
// queued: passed over when their turn comes). Claim values: "run:<holder>" while an attempt runs
// the message, "done:<holder>" once its write is applied; anything but "run:…" means handled.

const COMMON = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function pass_abandoned(serving, n)
  while redis.call('HDEL', serving, 'a:' .. (n + 1)) == 1 do n = n + 1 end
  return n
end
local function running(claim)
  return claim and string.sub(claim, 1, 4) == 'run:'
end
`;

// KEYS: ticket, serving [, state [, claim]]. ARGV: ticket ("0" = take a new one), leaseMs, keyTtlMs, holder [, claimTtlSeconds].
// Returns { status, ticket, served [, state] }: 1 = yours to run (with GET state when KEYS[3] is given),
// 0 = wait, -1 = your turn was skipped, -2 = a duplicate: the claim says handled (when it is your
// turn, the turn is handed on in the same call).
// A repeat that finds "run:…" queues behind that attempt: if it finished, the repeat is a duplicate at
// its turn; if it died or gave up, the repeat takes the claim and runs the message.
export const ACQUIRE = luaScript(
  'ConversationLock.acquire',
  `${COMMON}
local t = tonumber(ARGV[1])
local lease = tonumber(ARGV[2])
local mine = 'run:' .. ARGV[4]
if KEYS[4] and t == 0 then
  local claim = redis.call('GET', KEYS[4])
  if claim and not running(claim) then return { -2, 0, 0 } end
  if not claim then redis.call('SET', KEYS[4], mine, 'EX', ARGV[5]) end
end
if t == 0 then
  t = redis.call('INCR', KEYS[1])
  redis.call('HSET', KEYS[2], 'h:' .. ARGV[4], t)
end
local now = now_ms()
local s = redis.call('HMGET', KEYS[2], 'n', 'at')
local n, at = tonumber(s[1]), tonumber(s[2])
local moved = n == nil
if moved then n, at = 0, now end
if n < t - 1 and now - at >= lease then
  n = n + 1
  moved = true
end
local passed = pass_abandoned(KEYS[2], n)
if passed ~= n or moved then
  n = passed
  redis.call('HSET', KEYS[2], 'n', n, 'at', now)
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
if n >= t then
  redis.call('HDEL', KEYS[2], 'h:' .. ARGV[4])
  if KEYS[4] and redis.call('GET', KEYS[4]) == mine then redis.call('DEL', KEYS[4]) end
  return { -1, t, n }
end
if n < t - 1 then return { 0, t, n } end
redis.call('HSET', KEYS[2], 'at', now)
if KEYS[4] then
  local claim = redis.call('GET', KEYS[4])
  if claim and not running(claim) then
    redis.call('HDEL', KEYS[2], 'h:' .. ARGV[4])
    n = pass_abandoned(KEYS[2], t)
    redis.call('HSET', KEYS[2], 'n', n, 'at', now)
    return { -2, t, n }
  end
  if claim and claim ~= mine then
    redis.call('SET', KEYS[4], mine, 'KEEPTTL')
  elseif not claim then
    redis.call('SET', KEYS[4], mine, 'EX', ARGV[5])
  end
end
if KEYS[3] then return { 1, t, n, redis.call('GET', KEYS[3]) } end
return { 1, t, n }
`,
);

// KEYS: ticket, serving [, state, claim [, record…]]. ARGV: ticket, keyTtlMs, holder, leaseMs,
// op ('save' | 'delete' | 'keep' | 'abort'), value, ttlSeconds [, record value, record ttlSeconds]….
// Applies the state write and creates the records (only if none exists) — only while this holder
// still holds the turn within its lease, measured on the server's clock — then hands the turn on.
// Returns 'committed' (also for a repeat of a commit that was applied: its reply was lost),
// 'aborted', 'lapsed' (the lease ran out: nothing applied), 'exists' (a record exists: nothing
// applied) or 'gone' (this holder holds nothing: released before, or given up).
export const RELEASE = luaScript(
  'ConversationLock.release',
  `${COMMON}
local t = tonumber(ARGV[1])
local holder = 'h:' .. ARGV[3]
local claim = KEYS[4] and redis.call('GET', KEYS[4])
if tonumber(redis.call('HGET', KEYS[2], holder)) ~= t then
  if claim == 'done:' .. ARGV[3] then return 'committed' end
  return 'gone'
end
redis.call('HDEL', KEYS[2], holder)
local now = now_ms()
local s = redis.call('HMGET', KEYS[2], 'n', 'at')
local n, at = tonumber(s[1]), tonumber(s[2])
local holds = n == t - 1
local outcome = 'committed'
if not holds or now - at >= tonumber(ARGV[4]) then
  outcome = 'lapsed'
elseif ARGV[5] == 'abort' then
  outcome = 'aborted'
else
  for i = 5, #KEYS do
    if redis.call('EXISTS', KEYS[i]) == 1 then outcome = 'exists' end
  end
end
if outcome == 'committed' then
  if ARGV[5] == 'save' then
    redis.call('SET', KEYS[3], ARGV[6], 'EX', ARGV[7])
  elseif ARGV[5] == 'delete' then
    redis.call('DEL', KEYS[3])
  end
  for i = 5, #KEYS do
    local a = 8 + (i - 5) * 2
    redis.call('SET', KEYS[i], ARGV[a], 'EX', ARGV[a + 1], 'NX')
  end
  if KEYS[4] then redis.call('SET', KEYS[4], 'done:' .. ARGV[3], 'XX', 'KEEPTTL') end
elseif claim == 'run:' .. ARGV[3] then
  redis.call('DEL', KEYS[4])
end
if holds then
  n = pass_abandoned(KEYS[2], t)
  redis.call('HSET', KEYS[2], 'n', n, 'at', now)
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return outcome
`,
);

// KEYS: ticket, serving [, claim]. ARGV: holder, keyTtlMs.
// A caller gave up on its acquire (no reply in time): if the acquire ran (now or later, as it is
// queued before this on the connection), its turn is handed on at once, or its queued ticket is
// marked to be passed over; its claim is dropped so the message may run again. Returns 1 when the
// holder had a ticket.
export const ABANDON = luaScript(
  'ConversationLock.abandon',
  `${COMMON}
local holder = 'h:' .. ARGV[1]
if KEYS[3] and redis.call('GET', KEYS[3]) == 'run:' .. ARGV[1] then redis.call('DEL', KEYS[3]) end
local t = tonumber(redis.call('HGET', KEYS[2], holder))
if t == nil then return 0 end
redis.call('HDEL', KEYS[2], holder)
local n = tonumber(redis.call('HGET', KEYS[2], 'n'))
if n == t - 1 then
  n = pass_abandoned(KEYS[2], t)
  redis.call('HSET', KEYS[2], 'n', n, 'at', now_ms())
elseif n ~= nil and n < t - 1 then
  redis.call('HSET', KEYS[2], 'a:' .. t, 1)
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1
`,
);
