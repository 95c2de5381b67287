import type { Logger } from '../../bot/logger';
import { assertReady, type RedisClient } from './client';
import { luaScript } from './script';

// KEYS: ticket, serving [, state [, claim]]. ARGV: ticket ("0" = take a new one), leaseMs, keyTtlMs [, claimTtlSeconds].
// Returns { status, ticket, served [, state] }: 1 = yours to run (with GET state when KEYS[3] is given),
// 0 = wait, -1 = your turn was skipped, -2 = a duplicate: the claim holds anything but "run" (when it
// is your turn, the turn is handed on in the same call).
// The claim is "run" from the first attempt's acquire until its release marks it "done". A repeat that
// finds "run" queues behind that attempt: if it finished, the repeat is a duplicate at its turn; if it
// died, its lease lapses and the repeat runs the message instead.
const ACQUIRE = luaScript('ConversationLock.acquire', `
local t = tonumber(ARGV[1])
if KEYS[4] and t == 0 then
  local claim = redis.call('GET', KEYS[4])
  if claim and claim ~= 'run' then return { -2, 0, 0 } end
  if not claim then redis.call('SET', KEYS[4], 'run', 'EX', ARGV[4]) end
end
if t == 0 then t = redis.call('INCR', KEYS[1]) end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local s = redis.call('HMGET', KEYS[2], 'n', 'at')
local n, at = tonumber(s[1]), tonumber(s[2])
if n == nil then
  n, at = 0, now
  redis.call('HSET', KEYS[2], 'n', 0, 'at', now)
end
if n < t - 1 and now - at >= tonumber(ARGV[2]) then
  n = n + 1
  redis.call('HSET', KEYS[2], 'n', n, 'at', now)
end
local status = 0
if n == t - 1 then
  status = 1
  redis.call('HSET', KEYS[2], 'at', now)
elseif n >= t then
  status = -1
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
local claim = KEYS[4] and redis.call('GET', KEYS[4])
if status == 1 and claim and claim ~= 'run' then
  redis.call('HSET', KEYS[2], 'n', t, 'at', now)
  return { -2, t, n }
end
if status == 1 and KEYS[3] then return { status, t, n, redis.call('GET', KEYS[3]) } end
return { status, t, n }
`);

// KEYS: ticket, serving [, state [, claim]]. ARGV: ticket, keyTtlMs [, 'save' | 'delete' | 'keep', value, ttlSeconds].
// Marks the claim "done" (the message was handled, even by a turn that outlived its lease); then,
// only while this ticket still holds the turn, applies the state write and advances serving.
const RELEASE = luaScript('ConversationLock.release', `
if KEYS[4] then redis.call('SET', KEYS[4], 'done', 'XX', 'KEEPTTL') end
if tonumber(redis.call('HGET', KEYS[2], 'n')) ~= tonumber(ARGV[1]) - 1 then return 0 end
if ARGV[3] == 'save' then
  redis.call('SET', KEYS[3], ARGV[4], 'EX', ARGV[5])
elseif ARGV[3] == 'delete' then
  redis.call('DEL', KEYS[3])
end
local time = redis.call('TIME')
redis.call('HSET', KEYS[2], 'n', ARGV[1], 'at', tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1
`);

export interface TicketQueueOptions {
  logger: Logger;
  leaseMs: number;
  keyTtlMs: number;
  maxPollMs: number;
}

/** The lock keys of one queue; `state` and `claim` ride along with acquire and release. */
export interface QueueKeys {
  name: string;
  ticket: string;
  serving: string;
  state?: string;
  claim?: { key: string; ttlSeconds: number };
}

/** Thrown when the lock lease lapsed before this call got its turn (the process stalled). */
export class LockTurnSkippedError extends Error {
  override name = 'LockTurnSkippedError';
}

/**
 * The FIFO ticket lock behind `RedisConversationLock` and `RedisConversationStore`.
 *
 * - `<ticket>` (string counter): acquire INCRs it; the reply is this call's ticket t.
 * - `<serving>` (hash `n`, `at`): `n` is the last ticket done, `at` the server time (ms) when the
 *   current holder (ticket n+1) became eligible or acquired.
 * - Ticket t runs when n = t − 1. Acquire is one Lua call (claim + INCR + read + maybe claim the
 *   turn + read the state), so an uncontended turn costs one round trip to begin and one to end.
 * - Waiters re-run the script with their ticket, backing off 1 → 2 → … → `maxPollMs` ms (polling,
 *   not pub/sub: no second connection per instance, and a conversation's queue is rarely deep).
 *   A release in this process wakes the local waiter holding the next ticket at once; other
 *   instances see it on their next poll.
 * - Dead holder: when `at` is older than `leaseMs`, the polling script advances n by one
 *   (compare-and-set inside Lua, so two waiters cannot both skip). A holder that comes back late
 *   finds n moved on: its release, and the state write riding on it, are dropped and logged.
 *   Leases are not renewed, so `leaseMs` is also the longest a turn may hold its conversation.
 * - Every script refreshes both lock keys' TTL together (`keyTtlMs`), so an idle conversation's
 *   keys vanish and a fresh pair restarts at ticket 1, serving 0.
 * - Server time (Redis TIME) is used for leases, so instance clocks may disagree.
 */
export class TicketQueue {
  readonly #client: RedisClient;
  readonly #options: TicketQueueOptions;
  /** Per queue and ticket: wake-up callbacks of this process's waiters, called on a local release. */
  readonly #waiters = new Map<string, Map<number, () => void>>();

  constructor(client: RedisClient, options: TicketQueueOptions) {
    if (options.keyTtlMs <= options.leaseMs) throw new RangeError('TicketQueue: keyTtlMs must exceed leaseMs');
    this.#client = client;
    this.#options = options;
  }

  /** Waits for this call's turn. 'duplicate' when the claim says the message was handled already. */
  async acquire(q: QueueKeys, operation: string): Promise<'duplicate' | { ticket: number; state: string | null }> {
    assertReady(this.#client, operation);
    const lockKeys = [q.ticket, q.serving];
    if (q.claim && !q.state) throw new Error('TicketQueue.acquire(): a claim rides only with a state key');
    const keys = q.claim ? [...lockKeys, q.state!, q.claim.key] : q.state ? [...lockKeys, q.state] : lockKeys;
    const lease = String(this.#options.leaseMs);
    const ttl = String(this.#options.keyTtlMs);
    const args = q.claim ? ['0', lease, ttl, String(q.claim.ttlSeconds)] : ['0', lease, ttl];
    // Issued before any await: calls made in order take tickets in order.
    let reply = parseAcquire(await ACQUIRE.run(this.#client, keys, args));
    const { ticket } = reply;
    let pause = 1;
    while (reply.status === 0) {
      await this.#sleep(q.name, ticket, pause);
      pause = Math.min(pause * 2, this.#options.maxPollMs);
      reply = parseAcquire(await ACQUIRE.run(this.#client, keys, [String(ticket), lease, ttl]));
    }
    if (reply.status === -2) {
      // A duplicate that waited its turn handed it on inside the script: wake a local next ticket.
      if (ticket > 0) this.#wakeNext(q.name, ticket);
      return 'duplicate';
    }
    if (reply.status === -1) {
      throw new LockTurnSkippedError(`${operation}: ticket ${ticket} of "${q.name}" was skipped after the ${this.#options.leaseMs} ms lease`);
    }
    return { ticket, state: reply.state };
  }

  /**
   * Hands the queue to the next ticket, applying `write` to `q.state` in the same step. Never
   * throws: a failed release is logged and the lease lets the queue move on.
   */
  async release(q: QueueKeys, ticket: number, write: string[] = []): Promise<void> {
    const keys = q.claim ? [q.ticket, q.serving, q.state!, q.claim.key] : q.state ? [q.ticket, q.serving, q.state] : [q.ticket, q.serving];
    try {
      const advanced = await RELEASE.run(this.#client, keys, [String(ticket), String(this.#options.keyTtlMs), ...write]);
      if (advanced !== 1) {
        this.#options.logger.warn({ key: q.name, ticket, leaseMs: this.#options.leaseMs, droppedWrite: write[0] ?? 'none' }, 'RedisConversationLock: lease lapsed before release; the next turn already started');
      }
    } catch (err) {
      this.#options.logger.error({ err, key: q.name, ticket }, 'RedisConversationLock: release failed; the queue waits for the lease');
    }
    this.#wakeNext(q.name, ticket);
  }

  /** The next ticket may be waiting in this process: let it poll now instead of after its pause. */
  #wakeNext(name: string, ticket: number): void {
    this.#waiters.get(name)?.get(ticket + 1)?.();
  }

  /** Sleeps `ms`, or less when the local release of ticket − 1 wakes us. */
  #sleep(name: string, ticket: number, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let waiters = this.#waiters.get(name);
      if (waiters === undefined) this.#waiters.set(name, (waiters = new Map()));
      const byTicket = waiters;
      const wake = (): void => {
        clearTimeout(timer);
        byTicket.delete(ticket);
        if (byTicket.size === 0 && this.#waiters.get(name) === byTicket) this.#waiters.delete(name);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      byTicket.set(ticket, wake);
    });
  }
}

function parseAcquire(reply: unknown): { status: number; ticket: number; state: string | null } {
  const numbers = Array.isArray(reply) && typeof reply[0] === 'number' && typeof reply[1] === 'number' && typeof reply[2] === 'number';
  if (!numbers || reply.length > 4 || !(reply[3] === undefined || reply[3] === null || typeof reply[3] === 'string')) {
    throw new Error(`RedisConversationLock: unexpected script reply ${JSON.stringify(reply)}`);
  }
  return { status: reply[0] as number, ticket: reply[1] as number, state: (reply[3] as string | null | undefined) ?? null };
}
