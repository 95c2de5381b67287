import type { Clock } from './ports';

/** The real clock: `Date.now()`. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that moves only when told, for tests and scripted replays.
 * `set` jumps to an absolute time; `advance` moves forward (never backward).
 */
export class ManualClock implements Clock {
  #now: number;

  constructor(start = Date.UTC(2026, 0, 5, 1, 0, 0)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  set(epochMs: number): void {
    this.#now = epochMs;
  }

  advance(ms: number): void {
    if (ms < 0) throw new RangeError(`ManualClock.advance(): ms must be >= 0 (got ${ms})`);
    this.#now += ms;
  }
}

/** A clock stuck at one instant. */
export function frozenClock(epochMs: number): Clock {
  return { now: () => epochMs };
}
