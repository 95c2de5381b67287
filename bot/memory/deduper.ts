import { systemClock } from '../clock';
import type { Deduper } from '../ports';
import type { MemoryStoreOptions } from './session-store';
import { assertTtlSeconds, DEFAULT_SWEEP_MS, TtlMap } from './ttl-map';

/** The embedded `Deduper`: claims remembered in memory until their TTL passes. */
export class MemoryDeduper implements Deduper {
  readonly #map: TtlMap<true>;

  constructor(options: MemoryStoreOptions = {}) {
    this.#map = new TtlMap(options.clock ?? systemClock, options.sweepMs ?? DEFAULT_SWEEP_MS);
  }

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    assertTtlSeconds(ttlSeconds, 'MemoryDeduper.claim()');
    // Check and set run in one synchronous step, so concurrent claims cannot both win.
    if (this.#map.get(key) !== undefined) return false;
    this.#map.set(key, true, ttlSeconds);
    return true;
  }

  async release(key: string): Promise<void> {
    this.#map.delete(key);
  }

  sweep(): number {
    return this.#map.sweep();
  }

  get size(): number {
    return this.#map.size;
  }

  close(): void {
    this.#map.close();
  }
}
