import { createHash } from 'node:crypto';
import { call, type RedisClient } from './client';

/** A Lua script run by SHA (EVALSHA). */
export interface LuaScript {
  run(client: RedisClient, keys: string[], args: string[]): Promise<unknown>;
}

/**
 * Wraps a Lua script. The first call on a client loads it (SCRIPT LOAD) and later calls go
 * straight to EVALSHA, issued synchronously: calls made in order reach Redis in order, which the
 * FIFO lock relies on. A NOSCRIPT reply (SCRIPT FLUSH, failover) falls back to EVAL.
 */
export function luaScript(operation: string, source: string): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex');
  const loaded = new WeakSet<RedisClient>();
  const loading = new WeakMap<RedisClient, Promise<void>>();

  const evalSha = async (client: RedisClient, keys: string[], args: string[]): Promise<unknown> => {
    try {
      return await call(client, operation, (c) => c.evalSha(sha, { keys, arguments: args }));
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('NOSCRIPT')) return call(client, operation, (c) => c.eval(source, { keys, arguments: args }));
      throw err;
    }
  };

  return {
    run(client, keys, args) {
      if (loaded.has(client)) return evalSha(client, keys, args);
      let load = loading.get(client);
      if (load === undefined) {
        load = call(client, operation, (c) => c.scriptLoad(source)).then(() => {
          loaded.add(client);
        });
        loading.set(client, load);
        load.catch(() => loading.delete(client));
      }
      // Waiters resume in the order they called, so their EVALSHAs keep that order.
      return load.then(() => evalSha(client, keys, args));
    },
  };
}
