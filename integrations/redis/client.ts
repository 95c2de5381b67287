import { createClient } from 'redis';
import type { Logger } from '../../bot/logger';

/** The connected node-redis client every Redis adapter takes (default modules, RESP as configured here). */
export type RedisClient = ReturnType<typeof newClient>;

function newClient(url: string, socket: { connectTimeout: number; reconnectStrategy: (retries: number, cause: Error) => number | Error }) {
  return createClient({ url, socket });
}

/**
 * A command refused because the connection is down. Ports fail fast with it at the start of an
 * operation, so a turn during an outage gets the runtime's polite error reply at once instead of
 * waiting in the client's offline queue; commands already under way still wait for a reconnect.
 */
export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
  readonly retryable = true;
  constructor(operation: string) {
    super(`redis unavailable: ${operation} refused while the connection is down`);
  }
}

export function assertReady(client: { isReady: boolean }, operation: string): void {
  if (!client.isReady) throw new RedisUnavailableError(operation);
}

/** The deployment-wide key prefix when none is configured (see docs/redis-keys.md). */
export const DEFAULT_KEY_PREFIX = 'banshi:';

export interface ConnectOptions {
  /** Attempts at the first connection before giving up (start-up fails fast; later drops retry forever). */
  initialAttempts?: number;
  connectTimeoutMs?: number;
}

/** Delay before reconnect attempt `retries`: 50 ms doubling to 5 s, with jitter so instances do not stampede. */
export function reconnectDelayMs(retries: number): number {
  const base = Math.min(50 * 2 ** retries, 5_000);
  return Math.round(base / 2 + Math.random() * (base / 2));
}

/**
 * Connects to Redis at `url`. Connection errors are logged, never thrown from the event emitter,
 * so a Redis blip cannot crash the process; commands issued while reconnecting wait in the
 * client's offline queue. If the very first connection cannot be made within `initialAttempts`,
 * the returned promise rejects: a misconfigured `REDIS_URL` should stop start-up, not hang it.
 */
export async function connectRedis(url: string, logger: Logger, options: ConnectOptions = {}): Promise<RedisClient> {
  const initialAttempts = options.initialAttempts ?? 5;
  let everReady = false;
  const client = newClient(url, {
    connectTimeout: options.connectTimeoutMs ?? 5_000,
    reconnectStrategy: (retries, cause) => {
      if (!everReady && retries >= initialAttempts) return new Error(`connectRedis(): no connection after ${retries} attempts: ${cause.message}`);
      return reconnectDelayMs(retries);
    },
  });
  client.on('error', (err: unknown) => logger.warn({ err }, 'redis: connection error'));
  client.on('reconnecting', () => logger.info('redis: reconnecting'));
  client.on('ready', () => {
    if (everReady) logger.info('redis: connection restored');
    everReady = true;
  });
  await client.connect();
  return client;
}
