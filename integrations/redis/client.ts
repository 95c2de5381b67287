import { createClient } from 'redis';
import type { Logger } from '../../bot/logger';
import { DEFAULT_COMMAND_TIMEOUT_MS, withinDeadline } from './deadline';
import { assertReady } from './errors';

export { assertReady, RedisTimeoutError, RedisUnavailableError } from './errors';

/** The connected node-redis client every Redis adapter takes (default modules, RESP as configured here). */
export type RedisClient = ReturnType<typeof newClient>;

function newClient(url: string, socket: { connectTimeout: number; reconnectStrategy: (retries: number, cause: Error) => number | Error }) {
  // No per-command timeout in node-redis (it costs a timer per command): adapters bound their
  // calls with `call()` instead (see deadline.ts).
  return createClient({ url, socket, commandOptions: { timeout: 0 } });
}

/** The deployment-wide key prefix when none is configured (see docs/redis-keys.md). */
export const DEFAULT_KEY_PREFIX = 'banshi:';

export interface ConnectOptions {
  /** Attempts at the first connection before giving up (start-up fails fast; later drops retry forever). */
  initialAttempts?: number;
  connectTimeoutMs?: number;
  /** Longest wait for a reply before a call fails with `RedisTimeoutError` (default 5 s). */
  commandTimeoutMs?: number;
}

const commandTimeouts = new WeakMap<object, number>();

/**
 * Runs one Redis call for `operation`: fails fast with `RedisUnavailableError` while the
 * connection is down, and with `RedisTimeoutError` when no reply comes within the client's
 * command timeout. Every adapter call goes through here.
 */
export function call<T>(client: RedisClient, operation: string, send: (client: RedisClient) => Promise<T>): Promise<T> {
  assertReady(client, operation);
  return withinDeadline(operation, send(client), commandTimeouts.get(client) ?? DEFAULT_COMMAND_TIMEOUT_MS);
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
  commandTimeouts.set(client, options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS);
  await client.connect();
  return client;
}
