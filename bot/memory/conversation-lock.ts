import type { ConversationLock, Lease } from '../ports';

export const DEFAULT_LEASE_MS = 30_000;

/**
 * The embedded `ConversationLock`: one promise chain per key, so `run` calls for a key execute
 * one at a time in call order. A holder whose `fn` has not settled within `leaseMs` is skipped
 * (the next call starts; the hung one keeps running unguarded). A key's map entry is removed as
 * soon as its queue drains.
 */
export class MemoryConversationLock implements ConversationLock {
  /** Per key: a promise that settles when the last queued call has finished or lost its lease. */
  readonly #tails = new Map<string, Promise<void>>();
  readonly #leaseMs: number;

  constructor(options: { leaseMs?: number } = {}) {
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  run<T>(key: string, fn: (lease: Lease) => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let handOver!: () => void;
    const tail = new Promise<void>((resolve) => (handOver = resolve));
    this.#tails.set(key, tail);
    const finish = (): void => {
      handOver();
      // Nobody queued behind us: forget the key so the map does not grow with every conversation.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    };
    return previous.then(async () => {
      const held = { lapsed: false };
      const lease = setTimeout(() => {
        held.lapsed = true;
        finish();
      }, this.#leaseMs);
      lease.unref();
      try {
        return await fn(held);
      } finally {
        clearTimeout(lease);
        finish();
      }
    });
  }

  /** Keys with a running or queued call (for tests and metrics). */
  get activeKeys(): number {
    return this.#tails.size;
  }
}
