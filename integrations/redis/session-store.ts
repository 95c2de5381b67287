import { assertTtlSeconds, toJson } from '../../bot/memory';
import type { SessionStore } from '../../bot/ports';
import { call, type RedisClient } from './client';
import { parseStoredJson } from './stored-json';
import { redisKeys, type RedisKeys, type RedisStoreOptions } from './keys';

/**
 * `SessionStore` on Redis: one string key per record (`sess:<key>`), JSON text, `SET … EX`.
 * A value that is not valid JSON (written by hand or by a broken deploy) is logged and read as
 * absent, so the conversation restarts instead of failing every turn.
 */
export class RedisSessionStore implements SessionStore {
  readonly #client: RedisClient;
  readonly #logger: RedisStoreOptions['logger'];
  readonly #keys: RedisKeys;

  constructor(client: RedisClient, options: RedisStoreOptions) {
    this.#client = client;
    this.#logger = options.logger;
    this.#keys = redisKeys(options.prefix);
  }

  async get(key: string): Promise<unknown> {
    const json = await call(this.#client, 'SessionStore.get', (c) => c.get(this.#keys.session(key)));
    return parseStoredJson(json, this.#logger, 'RedisSessionStore.get(): stored value is not JSON; treated as absent', { key });
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    assertTtlSeconds(ttlSeconds, 'RedisSessionStore.set()');
    const json = toJson(value, 'RedisSessionStore.set()');
    await call(this.#client, 'SessionStore.set', (c) => c.set(this.#keys.session(key), json, { expiration: { type: 'EX', value: ttlSeconds } }));
  }

  async delete(key: string): Promise<void> {
    await call(this.#client, 'SessionStore.delete', (c) => c.del(this.#keys.session(key)));
  }
}
