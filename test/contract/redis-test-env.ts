import { randomUUID } from 'node:crypto';
import { silentLogger } from '../../bot/logger';
import { connectRedis, type RedisClient } from '../../integrations/redis';

/** Redis for tests: `REDIS_URL` or the local server. Tests fail (never skip) when it is unreachable. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function connectTestRedis(): Promise<RedisClient> {
  return connectRedis(REDIS_URL, silentLogger(), { initialAttempts: 3, connectTimeoutMs: 2_000 });
}

/** A key prefix no other test file or run shares. */
export function testPrefix(name: string): string {
  return `test:${name}:${randomUUID().slice(0, 8)}:`;
}

/** Deletes every key under `prefix`; returns how many. */
export async function deleteKeys(client: RedisClient, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const reply = await client.scan(cursor, { MATCH: `${prefix}*`, COUNT: 500 });
    cursor = String(reply.cursor);
    if (reply.keys.length > 0) deleted += await client.del(reply.keys);
  } while (cursor !== '0');
  return deleted;
}

/** Deletes every key under `prefix` over a connection of its own (for afterAll of composed bots). */
export async function cleanUpPrefix(prefix: string): Promise<void> {
  const client = await connectTestRedis();
  try {
    await deleteKeys(client, prefix);
  } finally {
    await client.close();
  }
}
