import { systemClock } from '../clock';
import type { References, ReferenceKind } from '../ports';
import { formatReference, REFERENCE_TTL_SECONDS, referenceDay } from '../references';
import type { MemoryStoreOptions } from './session-store';
import { DEFAULT_SWEEP_MS, TtlMap } from './ttl-map';

/**
 * The embedded `References`: per prefix and day a counter, and the reference issued for each key,
 * kept `REFERENCE_TTL_SECONDS`. One process only: a restart starts the counters again (the
 * records are gone with it too); use Redis for anything kept.
 */
export class MemoryReferences implements References {
  readonly #counters: TtlMap<number>;
  readonly #issued: TtlMap<string>;

  constructor(options: MemoryStoreOptions = {}) {
    const clock = options.clock ?? systemClock;
    this.#counters = new TtlMap(clock, options.sweepMs ?? DEFAULT_SWEEP_MS);
    this.#issued = new TtlMap(clock, options.sweepMs ?? DEFAULT_SWEEP_MS);
  }

  async issue(kind: ReferenceKind, key: string, at: number): Promise<string> {
    // Check and count in one synchronous step, so concurrent calls cannot share a serial.
    const issuedKey = `${kind}:${key}`;
    const issued = this.#issued.get(issuedKey);
    if (issued !== undefined) return issued;
    const day = referenceDay(at);
    const counter = `${kind}:${day}`;
    const serial = (this.#counters.get(counter) ?? 0) + 1;
    this.#counters.set(counter, serial, REFERENCE_TTL_SECONDS);
    const reference = formatReference(kind, day, serial);
    this.#issued.set(issuedKey, reference, REFERENCE_TTL_SECONDS);
    return reference;
  }

  close(): void {
    this.#counters.close();
    this.#issued.close();
  }
}
