import type { ConversationLock } from '../../bot/ports';
import { assertReady, type RedisClient } from './client';
import { redisKeys, type RedisKeys, type RedisStoreOptions } from './keys';
import { luaScript } from './script';

// Shared by acquire and poll. KEYS: ticket, serving. ARGV: ticket ("0" = take a new one), leaseMs, keyTtlMs.
// Returns { status, ticket, served }: status 1 = yours to run, 0 = wait, -1 = your turn was skipped.
const ACQUIRE = luaScript(`
local t = tonumber(ARGV[1])
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
return { status, t, n }
`);

// KEYS: ticket, serving. ARGV: ticket, keyTtlMs. Advances serving only if this ticket still holds it.
const RELEASE = luaScript(`
if tonumber(redis.call('HGET', KEYS[2], 'n')) ~= tonumber(ARGV[1]) - 1 then return 0 end
local time = redis.call('TIME')
redis.call('HSET', KEYS[2], 'n', ARGV[1], 'at', tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1
`);

export interface RedisLockOptions extends RedisStoreOptions {
  /** How long a holder may run before the next ticket may skip it (a crashed instance). Default 30 s. */
  leaseMs?: number;
  /** TTL of the lock keys, refreshed on every acquire, poll and release. Default max(4 × lease, 60 s). */
  keyTtlMs?: number;
  /** Longest pause between polls while waiting. Default 16 ms (starting at 1 ms, doubling). */
  maxPollMs?: number;
}

/** Thrown by `run` when the lock lease lapsed before this call got its turn (the process stalled). */
export class LockTurnSkippedError extends Error {
  override name = 'LockTurnSkippedError';
}

/**
 * `ConversationLock` on Redis: a FIFO ticket lock, so messages of one conversation that reach
 * different app instances run strictly in arrival order.
 *
 * - `lock:<key>:ticket` (string counter): `run` INCRs it; the reply is this call's ticket t.
 * - `lock:<key>:serving` (hash `n`, `at`): `n` is the last ticket done, `at` the server time (ms)
 *   when the current holder (ticket n+1) became eligible or acquired.
 * - Ticket t runs when n = t − 1. Acquire is one Lua call (INCR + read + maybe claim), so an
 *   uncontended `run` costs one round trip to acquire and one to release.
 * - Waiters re-run the same script with their ticket, backing off 1 → 2 → … → `maxPollMs` ms
 *   (polling, not pub/sub: no second connection per instance, and a conversation's queue is
 *   rarely deep). A release in this process wakes the local waiter holding the next ticket at
 *   once; other instances see it on their next poll.
 * - Dead holder: when `at` is older than `leaseMs`, the polling script advances n by one
 *   (compare-and-set inside Lua, so two waiters cannot both skip). A holder that comes back late
 *   finds n moved on: its release is a no-op and is logged. Leases are not renewed, so `leaseMs`
 *   is also the longest a turn may hold its conversation.
 * - Every script refreshes both keys' TTL together (`keyTtlMs`), so an idle conversation's keys
 *   vanish and a fresh pair restarts at ticket 1, serving 0.
 * - Server time (Redis TIME) is used for leases, so instance clocks may disagree.
 */
export class RedisConversationLock implements ConversationLock {
  readonly #client: RedisClient;
  readonly #logger: RedisStoreOptions['logger'];
  readonly #keys: RedisKeys;
  readonly #leaseMs: number;
  readonly #keyTtlMs: number;
  readonly #maxPollMs: number;
  /** Per key and ticket: wake-up callbacks of this process's waiters, called on a local release. */
  readonly #waiters = new Map<string, Map<number, () => void>>();

  constructor(client: RedisClient, options: RedisLockOptions) {
    this.#client = client;
    this.#logger = options.logger;
    this.#keys = redisKeys(options.prefix);
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#keyTtlMs = options.keyTtlMs ?? Math.max(4 * this.#leaseMs, 60_000);
    this.#maxPollMs = options.maxPollMs ?? 16;
    if (this.#keyTtlMs <= this.#leaseMs) throw new RangeError('RedisConversationLock: keyTtlMs must exceed leaseMs');
  }

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    assertReady(this.#client, 'ConversationLock.run');
    const keys = [this.#keys.lockTicket(key), this.#keys.lockServing(key)];
    const lease = String(this.#leaseMs);
    const ttl = String(this.#keyTtlMs);
    // Issued before any await: calls made in order take tickets in order.
    const first = parseAcquire(await ACQUIRE.run(this.#client, keys, ['0', lease, ttl]));
    const ticket = first[1];
    let status = first[0];
    let pause = 1;
    while (status === 0) {
      await this.#sleep(key, ticket, pause);
      pause = Math.min(pause * 2, this.#maxPollMs);
      [status] = parseAcquire(await ACQUIRE.run(this.#client, keys, [String(ticket), lease, ttl]));
    }
    if (status === -1) {
      throw new LockTurnSkippedError(`RedisConversationLock.run(): ticket ${ticket} of "${key}" was skipped after the ${this.#leaseMs} ms lease`);
    }
    try {
      return await fn();
    } finally {
      await this.#release(key, keys, ticket, ttl);
    }
  }

  /** Tickets taken so far for `key` (0 when its keys are absent): lets a test wait until a call has queued. */
  async ticketsIssued(key: string): Promise<number> {
    return Number((await this.#client.get(this.#keys.lockTicket(key))) ?? 0);
  }

  async #release(key: string, keys: string[], ticket: number, ttl: string): Promise<void> {
    try {
      const advanced = await RELEASE.run(this.#client, keys, [String(ticket), ttl]);
      if (advanced !== 1) this.#logger.warn({ key, ticket, leaseMs: this.#leaseMs }, 'RedisConversationLock: lease lapsed before release; the next turn already started');
    } catch (err) {
      // Never mask fn's outcome; the lease lets the queue move on without this release.
      this.#logger.error({ err, key, ticket }, 'RedisConversationLock: release failed; the queue waits for the lease');
    }
    // The next ticket may be waiting in this process: let it poll now instead of after its pause.
    this.#waiters.get(key)?.get(ticket + 1)?.();
  }

  /** Sleeps `ms`, or less when the local release of ticket − 1 wakes us. */
  #sleep(key: string, ticket: number, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let waiters = this.#waiters.get(key);
      if (waiters === undefined) this.#waiters.set(key, (waiters = new Map()));
      const byTicket = waiters;
      const wake = (): void => {
        clearTimeout(timer);
        byTicket.delete(ticket);
        if (byTicket.size === 0 && this.#waiters.get(key) === byTicket) this.#waiters.delete(key);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      byTicket.set(ticket, wake);
    });
  }
}

function parseAcquire(reply: unknown): [status: number, ticket: number] {
  if (!Array.isArray(reply) || reply.length !== 3 || !reply.every((x) => typeof x === 'number')) {
    throw new Error(`RedisConversationLock: unexpected script reply ${JSON.stringify(reply)}`);
  }
  return [reply[0] as number, reply[1] as number];
}
