import type { Clock } from '../ports';

interface Entry<V> {
  value: V;
  expiresAt: number;
}

/** Every how often the background sweep drops expired entries, unless told otherwise. */
export const DEFAULT_SWEEP_MS = 60_000;

/**
 * A map whose entries expire, read against an injected clock. Expired entries are dropped
 * lazily on read and by a periodic sweep (unref'd, so it never keeps the process alive).
 */
export class TtlMap<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #clock: Clock;
  readonly #timer: ReturnType<typeof setInterval> | undefined;

  constructor(clock: Clock, sweepMs: number | false = DEFAULT_SWEEP_MS) {
    this.#clock = clock;
    if (sweepMs !== false) {
      this.#timer = setInterval(() => this.sweep(), sweepMs);
      this.#timer.unref();
    }
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.#clock.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, ttlSeconds: number): void {
    this.#entries.set(key, { value, expiresAt: this.#clock.now() + ttlSeconds * 1000 });
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** Drops every expired entry; returns how many were dropped. */
  sweep(): number {
    const now = this.#clock.now();
    let dropped = 0;
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) {
        this.#entries.delete(key);
        dropped += 1;
      }
    }
    return dropped;
  }

  /** Entries held, expired or not (until swept). */
  get size(): number {
    return this.#entries.size;
  }

  /** Stops the background sweep. */
  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
  }
}

/** Redis `EX` takes whole seconds >= 1; the memory stores accept the same so both behave alike. */
export function assertTtlSeconds(ttlSeconds: number, where: string): void {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new RangeError(`${where}: ttlSeconds must be a whole number >= 1 (got ${ttlSeconds})`);
  }
}

/** JSON text of `value`, or a TypeError naming `where` when it is not JSON-serialisable. */
export function toJson(value: unknown, where: string): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`${where}: value is not JSON-serialisable (got ${typeof value})`);
  return json;
}
