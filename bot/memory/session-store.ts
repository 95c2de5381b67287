import { systemClock } from '../clock';
import type { Clock, SessionStore } from '../ports';
import { assertTtlSeconds, DEFAULT_SWEEP_MS, toJson, TtlMap } from './ttl-map';

export interface MemoryStoreOptions {
  clock?: Clock;
  /** Background sweep interval in ms, or false for none (expired entries still vanish on read). */
  sweepMs?: number | false;
}

/**
 * The embedded `SessionStore`. Values are kept as JSON text, so what a caller gets back is a
 * fresh copy: mutating it (or the object it stored) never changes the stored state.
 */
export class MemorySessionStore implements SessionStore {
  readonly #map: TtlMap<string>;

  constructor(options: MemoryStoreOptions = {}) {
    this.#map = new TtlMap(options.clock ?? systemClock, options.sweepMs ?? DEFAULT_SWEEP_MS);
  }

  async get(key: string): Promise<unknown> {
    const json = this.#map.get(key);
    return json === undefined ? undefined : JSON.parse(json);
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    assertTtlSeconds(ttlSeconds, 'MemorySessionStore.set()');
    this.#map.set(key, toJson(value, 'MemorySessionStore.set()'), ttlSeconds);
  }

  async delete(key: string): Promise<void> {
    this.#map.delete(key);
  }

  /** Drops expired entries now; returns how many. */
  sweep(): number {
    return this.#map.sweep();
  }

  /** Entries held, including expired ones not yet swept. */
  get size(): number {
    return this.#map.size;
  }

  close(): void {
    this.#map.close();
  }
}
