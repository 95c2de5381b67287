import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../bot/logger';
import { BullJobQueue } from '../../integrations/redis';
import { describeJobsContract } from './jobs.contract';
import { connectTestRedis, deleteKeys, testPrefix } from './redis-test-env';

const connecting = connectTestRedis();
connecting.catch(() => undefined);
afterAll(async () => {
  await (await connecting.catch(() => undefined))?.close();
});

describeJobsContract('redis', async () => {
  const client = await connecting;
  const prefix = testPrefix('jobs');
  return {
    queue: () => BullJobQueue.create({ redis: client, keyPrefix: prefix, logger: silentLogger(), backoffMs: 50 }),
    now: () => Date.now(),
    elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    cleanup: async () => void (await deleteKeys(client, prefix)),
  };
});

describe('BullJobQueue: jobs live in Redis', () => {
  it('a job scheduled before a restart runs on the instance that comes up after it', async () => {
    const client = await connecting;
    const prefix = testPrefix('jobs-restart');
    const before = await BullJobQueue.create({ redis: client, keyPrefix: prefix, logger: silentLogger() });
    await before.schedule({ id: 'remind-YY1-1', name: 'remind', runAt: Date.now() + 300, data: { booking: 'YY1' } });
    expect(await before.state('remind-YY1-1')).toBe('delayed');
    await before.close();

    const after = await BullJobQueue.create({ redis: client, keyPrefix: prefix, logger: silentLogger() });
    const runs: unknown[] = [];
    after.handle('remind', async (data) => void runs.push(data));
    await after.start();
    await expect.poll(() => runs, { timeout: 5_000 }).toEqual([{ booking: 'YY1' }]);
    await expect.poll(() => after.state('remind-YY1-1')).toBe('completed');
    await after.close();
    await deleteKeys(client, prefix);
  });

  it('a cancelled job is gone from Redis', async () => {
    const client = await connecting;
    const prefix = testPrefix('jobs-cancel');
    const q = await BullJobQueue.create({ redis: client, keyPrefix: prefix, logger: silentLogger() });
    await q.schedule({ id: 'remind-YY2-1', name: 'remind', runAt: Date.now() + 60_000, data: {} });
    await q.cancel('remind-YY2-1');
    expect(await q.state('remind-YY2-1')).toBeUndefined();
    await q.close();
    await deleteKeys(client, prefix);
  });
});
