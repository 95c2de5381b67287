import { RedisTimeoutError } from './errors';

/** Default longest wait for a Redis reply before the caller gets `RedisTimeoutError`. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;
const SWEEP_MS = 100;

interface Pending {
  dueAt: number;
  fail(): void;
}

const pending = new Set<Pending>();
let sweeper: NodeJS.Timeout | undefined;

function sweep(): void {
  const now = Date.now();
  for (const entry of pending) {
    if (entry.dueAt > now) continue;
    pending.delete(entry);
    entry.fail();
  }
  if (pending.size === 0) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

/**
 * `call`, or `RedisTimeoutError` once `ms` have passed without a reply (checked every 100 ms).
 *
 * Why not node-redis's own per-command timeout: it arms an `AbortSignal.timeout` per command,
 * which measured as the largest Redis cost of a bot turn (bench/webhook.ts). One shared sweep
 * costs a set insertion per call. The command itself is left to node-redis: its reply, should it
 * come, is ignored.
 */
export function withinDeadline<T>(operation: string, call: Promise<T>, ms: number, waitingFor = 'no reply'): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const entry: Pending = { dueAt: Date.now() + ms, fail: () => reject(new RedisTimeoutError(operation, ms, waitingFor)) };
    pending.add(entry);
    if (sweeper === undefined) {
      sweeper = setInterval(sweep, SWEEP_MS);
      sweeper.unref();
    }
    call.then(
      (value) => {
        pending.delete(entry);
        resolve(value);
      },
      (error: unknown) => {
        pending.delete(entry);
        reject(error);
      },
    );
  });
}
