import { createClient } from 'redis';
import type { Logger } from '../../bot/logger';
import { DEFAULT_COMMAND_TIMEOUT_MS, withinDeadline } from './deadline';
import { RedisTimeoutError, RedisUnavailableError } from './errors';

export { RedisTimeoutError, RedisUnavailableError } from './errors';

/** The connected node-redis client every Redis adapter takes (default modules, RESP as configured here). */
export type RedisClient = ReturnType<typeof newClient>;

// A PING on every idle connection this often, so proxies and `timeout` settings that close idle
// connections (often after 30–300 s) rarely get the chance; duplicates inherit it.
const PING_INTERVAL_MS = 25_000;

function newClient(url: string, socket: { connectTimeout: number; reconnectStrategy: (retries: number, cause: Error) => number | Error }) {
  // No per-command timeout in node-redis (it costs a timer per command): adapters bound their
  // calls with `call()` instead (see deadline.ts).
  return createClient({ url, socket, commandOptions: { timeout: 0 }, pingInterval: PING_INTERVAL_MS });
}

/** The deployment-wide key prefix when none is configured (see docs/redis-keys.md). */
export const DEFAULT_KEY_PREFIX = 'banshi:';

export interface ConnectOptions {
  /** Attempts at the first connection before giving up (start-up fails fast; later drops retry forever). */
  initialAttempts?: number;
  connectTimeoutMs?: number;
  /** Longest wait for a reply (or a reconnection) before a call fails with `RedisTimeoutError` (default 2 s). */
  commandTimeoutMs?: number;
}

const commandTimeouts = new WeakMap<object, number>();
const readyWaits = new WeakMap<RedisClient, Promise<void>>();

/** The client's command timeout (`REDIS_COMMAND_TIMEOUT_MS`). */
export function commandTimeoutOf(client: RedisClient): number {
  return commandTimeouts.get(client) ?? DEFAULT_COMMAND_TIMEOUT_MS;
}

/** Resolves at the client's next 'ready' (one listener per client, however many wait). */
function whenReady(client: RedisClient): Promise<void> {
  let wait = readyWaits.get(client);
  if (wait === undefined) {
    wait = new Promise<void>((resolve) =>
      client.once('ready', () => {
        readyWaits.delete(client);
        resolve();
      }),
    );
    readyWaits.set(client, wait);
  }
  return wait;
}

/**
 * Runs one Redis call for `operation` within `timeoutMs` (default: the client's command timeout),
 * or rejects with `RedisTimeoutError`. While the connection is being re-established (a dropped
 * connection, an idle timeout, a failover) the call waits for it within the same time, then is
 * sent; it is never left queued behind a connection that is down, so a call that gave up never
 * runs later. A closed client refuses at once with `RedisUnavailableError`. Every adapter call
 * goes through here. Calls made while the client is ready are sent synchronously, in call order.
 */
export function call<T>(client: RedisClient, operation: string, send: (client: RedisClient) => Promise<T>, timeoutMs = commandTimeoutOf(client)): Promise<T> {
  if (client.isReady) return withinDeadline(operation, send(client), timeoutMs);
  if (!client.isOpen) return Promise.reject(new RedisUnavailableError(operation, 'refused: the client is closed'));
  let gaveUp = false;
  const sent = whenReady(client).then(() => {
    if (gaveUp) throw new RedisTimeoutError(operation, timeoutMs);
    return send(client);
  });
  return withinDeadline(operation, sent, timeoutMs, 'no connection').catch((err: unknown) => {
    gaveUp = true;
    throw err;
  });
}

/** Delay before reconnect attempt `retries`: 50 ms doubling to 5 s, with jitter so instances do not stampede. */
export function reconnectDelayMs(retries: number): number {
  const base = Math.min(50 * 2 ** retries, 5_000);
  return Math.round(base / 2 + Math.random() * (base / 2));
}

/**
 * Connects to Redis at `url`. Connection errors are logged, never thrown from the event emitter,
 * so a Redis blip cannot crash the process; the client reconnects with `reconnectDelayMs`
 * backoff, forever once it has been connected. Duplicates (`client.duplicate()`) share these
 * socket settings but not the listeners: whoever duplicates must listen for 'error' too. If the
 * very first connection cannot be made within `initialAttempts`, the returned promise rejects: a
 * misconfigured `REDIS_URL` should stop start-up, not hang it.
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
  // One warning per outage (reconnect attempts back off up to 5 s; each would log again).
  let down = false;
  client.on('error', (err: unknown) => {
    if (down) logger.debug({ err }, 'redis: connection error');
    else logger.warn({ err }, 'redis: connection error');
    down = true;
  });
  client.on('reconnecting', () => logger.debug('redis: reconnecting'));
  client.on('ready', () => {
    if (everReady) logger.info('redis: connection restored');
    everReady = true;
    down = false;
  });
  commandTimeouts.set(client, options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS);
  await client.connect();
  return client;
}
