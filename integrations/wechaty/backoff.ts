/** Exponential back-off between restarts of the Wechaty puppet. */
export interface BackoffOptions {
  /** Delay before the first restart. */
  initialMs: number;
  /** Upper bound of any delay. */
  maxMs: number;
  /** Source of randomness in [0, 1) for the jitter; injected in tests. */
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 2_000, maxMs: 5 * 60_000 };

/**
 * Delay before restart number `attempt` (0-based): `initialMs · 2^attempt`, capped at `maxMs`, then
 * jittered down to between half and all of it so many instances do not reconnect in step.
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  const exponential = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}
