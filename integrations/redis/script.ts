import { createHash } from 'node:crypto';
import { call, type RedisClient } from './client';

/** A Lua script run by SHA (EVALSHA). */
export interface LuaScript {
  /** Runs the script through `call()`: within `timeoutMs` (default: the command timeout). */
  run(client: RedisClient, keys: string[], args: string[], timeoutMs?: number): Promise<unknown>;
  /**
   * Sends the script without a deadline and without waiting for a connection: queued behind what
   * the connection already carries (or in the client's offline queue while it reconnects), so it
   * runs after those commands whenever Redis gets to them. For clean-ups after a caller gave up.
   */
  send(client: RedisClient, keys: string[], args: string[]): Promise<unknown>;
}

const isNoScript = (err: unknown) => err instanceof Error && err.message.startsWith('NOSCRIPT');

/**
 * Wraps a Lua script. The first call on a client loads it (SCRIPT LOAD) and later calls go
 * straight to EVALSHA, issued synchronously: calls made in order reach Redis in order, which the
 * FIFO lock relies on. A NOSCRIPT reply (SCRIPT FLUSH, a restart, a failover) falls back to EVAL.
 */
export function luaScript(operation: string, source: string): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex');
  const loaded = new WeakSet<RedisClient>();
  const loading = new WeakMap<RedisClient, Promise<void>>();

  const evalSha = async (client: RedisClient, keys: string[], args: string[], timeoutMs?: number): Promise<unknown> => {
    try {
      return await call(client, operation, (c) => c.evalSha(sha, { keys, arguments: args }), timeoutMs);
    } catch (err) {
      if (isNoScript(err)) return call(client, operation, (c) => c.eval(source, { keys, arguments: args }), timeoutMs);
      throw err;
    }
  };

  return {
    run(client, keys, args, timeoutMs) {
      if (loaded.has(client)) return evalSha(client, keys, args, timeoutMs);
      let load = loading.get(client);
      if (load === undefined) {
        load = call(client, operation, (c) => c.scriptLoad(source)).then(() => {
          loaded.add(client);
        });
        loading.set(client, load);
        load.catch(() => loading.delete(client));
      }
      // Waiters resume in the order they called, so their EVALSHAs keep that order.
      return load.then(() => evalSha(client, keys, args, timeoutMs));
    },
    send(client, keys, args) {
      // EVAL carries the source, so it needs no loaded script on a connection that may be new.
      return client.eval(source, { keys, arguments: args });
    },
  };
}
