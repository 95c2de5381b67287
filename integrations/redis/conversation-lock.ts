import type { ConversationLock, Lease } from '../../bot/ports';
import type { RedisClient } from './client';
import { redisKeys, type RedisKeys, type RedisStoreOptions } from './keys';
import { TicketQueue } from './ticket-queue';

export { LockTurnSkippedError } from './ticket-queue';

export interface RedisLockOptions extends RedisStoreOptions {
  /** How long a holder may run before the next ticket may skip it (a crashed instance). Default 30 s. */
  leaseMs?: number;
  /** TTL of the lock keys, refreshed on every acquire, poll and release. Default max(4 × lease, 60 s). */
  keyTtlMs?: number;
  /** Longest pause between polls while waiting. Default 16 ms (starting at 1 ms, doubling). */
  maxPollMs?: number;
}

/** The ticket queue for one client and lock options (shared by the lock and the conversation store). */
export function ticketQueue(client: RedisClient, options: RedisLockOptions): TicketQueue {
  const leaseMs = options.leaseMs ?? 30_000;
  return new TicketQueue(client, { logger: options.logger, leaseMs, keyTtlMs: options.keyTtlMs ?? Math.max(4 * leaseMs, 60_000), maxPollMs: options.maxPollMs ?? 16 });
}

/**
 * `ConversationLock` on Redis: a FIFO ticket lock (`lock:<key>:ticket`, `lock:<key>:serving`; see
 * `TicketQueue`), so calls for one key that reach different app instances run strictly in
 * arrival order. Uncontended, `run` costs one round trip to acquire and one to release. An
 * acquire that Redis does not answer in time fails with `RedisTimeoutError` and gives its place up.
 */
export class RedisConversationLock implements ConversationLock {
  readonly #client: RedisClient;
  readonly #keys: RedisKeys;
  readonly #queue: TicketQueue;

  constructor(client: RedisClient, options: RedisLockOptions) {
    this.#client = client;
    this.#keys = redisKeys(options.prefix);
    this.#queue = ticketQueue(client, options);
  }

  async run<T>(key: string, fn: (lease: Lease) => Promise<T>): Promise<T> {
    const q = { name: key, ticket: this.#keys.lockTicket(key), serving: this.#keys.lockServing(key) };
    const hold = await this.#queue.acquire(q, 'ConversationLock.run');
    if (hold === 'duplicate') throw new Error('RedisConversationLock.run(): unexpected duplicate without a claim');
    try {
      return await fn(this.#queue.lease(hold));
    } finally {
      await this.#queue.commit(q, hold, ['keep'], [], false);
    }
  }

  /** Tickets taken so far for `key` (0 when its keys are absent): lets a test wait until a call has queued. */
  async ticketsIssued(key: string): Promise<number> {
    return Number((await this.#client.get(this.#keys.lockTicket(key))) ?? 0);
  }
}
