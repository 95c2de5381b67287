import { assertTtlSeconds } from '../../bot/memory';
import type { Deduper } from '../../bot/ports';
import { call, type RedisClient } from './client';
import { redisKeys, type RedisKeys, type RedisStoreOptions } from './keys';

/** `Deduper` on Redis: `SET dedup:<key> 1 NX EX ttl`; the one caller that sets the key wins. */
export class RedisDeduper implements Deduper {
  readonly #client: RedisClient;
  readonly #keys: RedisKeys;

  constructor(client: RedisClient, options: RedisStoreOptions) {
    this.#client = client;
    this.#keys = redisKeys(options.prefix);
  }

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    assertTtlSeconds(ttlSeconds, 'RedisDeduper.claim()');
    const reply = await call(this.#client, 'Deduper.claim', (c) => c.set(this.#keys.dedupe(key), '1', { expiration: { type: 'EX', value: ttlSeconds }, condition: 'NX' }));
    return reply === 'OK';
  }

  async release(key: string): Promise<void> {
    await call(this.#client, 'Deduper.release', (c) => c.del(this.#keys.dedupe(key)));
  }
}
