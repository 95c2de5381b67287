import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../bot/logger';
import { RedisConversationLock, type RedisClient } from '../../integrations/redis';
import { connectTestRedis, deleteKeys, testPrefix } from '../contract/redis-test-env';

/**
 * Scale-out: two app instances (two Redis connections, two lock objects) receive alternate
 * messages of one conversation as fast as they arrive. Each turn must run after the previous one
 * finished, in arrival order, with nothing lost.
 */
describe('RedisConversationLock across two instances', () => {
  const prefix = testPrefix('redis-lock');
  let instanceA: RedisClient;
  let instanceB: RedisClient;

  beforeAll(async () => {
    [instanceA, instanceB] = await Promise.all([connectTestRedis(), connectTestRedis()]);
  });
  afterAll(async () => {
    if (instanceA !== undefined) await deleteKeys(instanceA, prefix);
    await Promise.all([instanceA?.close(), instanceB?.close()]);
  });

  it('runs 50 alternating turns strictly in arrival order', async () => {
    const logger = silentLogger();
    const locks = [
      { lock: new RedisConversationLock(instanceA, { logger, prefix }), redis: instanceA },
      { lock: new RedisConversationLock(instanceB, { logger, prefix }), redis: instanceB },
    ];
    const key = 'wechat-mp:resident-1';
    const list = `${prefix}appended`;
    let active = 0;
    let maxActive = 0;
    const turns: Array<Promise<void>> = [];
    for (let i = 0; i < 50; i += 1) {
      const { lock, redis } = locks[i % 2]!;
      turns.push(
        lock.run(key, async () => {
          active += 1;
          maxActive = Math.max(maxActive, active);
          // The turn's own I/O: read-modify-write through this instance's connection.
          const before = await redis.lLen(list);
          await redis.rPush(list, String(i));
          expect(await redis.lLen(list)).toBe(before + 1);
          active -= 1;
        }),
      );
      // Message i+1 "arrives" only once message i holds its ticket: that is arrival order.
      while ((await locks[0]!.lock.ticketsIssued(key)) < i + 1) await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(turns);
    expect((await instanceA.lRange(list, 0, -1)).map(Number)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(maxActive).toBe(1);
  });
});
