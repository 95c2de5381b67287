import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../bot/clock';
import { silentLogger } from '../../bot/logger';
import { RedisReferences } from '../../integrations/redis';
import { RedisWorkOrderStore } from '../../integrations/govservice/workorders/redis-store';
import { WorkOrderService } from '../../integrations/govservice/workorders/service';
import { filing, T0, testDeadlines } from '../unit/workorders/fixtures';
import { connectTestRedis, deleteKeys, testPrefix } from './redis-test-env';
import { describeWorkOrdersContract, RETENTION_MS } from './workorders.contract';

const connecting = connectTestRedis();
connecting.catch(() => undefined);
afterAll(async () => {
  await (await connecting.catch(() => undefined))?.close();
});

describeWorkOrdersContract('redis', async () => {
  const client = await connecting;
  const prefix = testPrefix('workorders');
  const store = new RedisWorkOrderStore(client, prefix, RETENTION_MS);
  return {
    store,
    references: new RedisReferences(client, { prefix, logger: silentLogger() }),
    expire: async (reference) => {
      const ttl = await client.pTTL(store.keys.order(reference));
      // Set at the close, on Redis's clock: the retention, less the moments the test took.
      expect(ttl).toBeGreaterThan(RETENTION_MS - 60_000);
      expect(ttl).toBeLessThanOrEqual(RETENTION_MS);
      await client.del(store.keys.order(reference));
    },
    cleanup: async () => void (await deleteKeys(client, prefix)),
  };
});

describe('RedisWorkOrderStore: the outbox is written with the order', () => {
  it('one stream entry per change when a platform is configured, none otherwise', async () => {
    const client = await connecting;
    const prefix = testPrefix('workorders-outbox');
    try {
      const store = new RedisWorkOrderStore(client, prefix, RETENTION_MS);
      const clock = new ManualClock(T0);
      const deadlines = await testDeadlines();
      const references = new RedisReferences(client, { prefix, logger: silentLogger() });
      const synced = new WorkOrderService({ store, references, deadlines, platform: true, clock });
      const o = await synced.file(filing({ key: 'p1' }));
      expect(o.sync.state).toBe('待同步');
      await synced.transition(o.reference, { to: '派单', lead: '城管局', actor: { kind: 'agent' }, at: T0, key: 'd' });
      await synced.transition(o.reference, { to: '派单', lead: '城管局', actor: { kind: 'agent' }, at: T0, key: 'd' });
      const local = new WorkOrderService({ store, references, deadlines, platform: false, clock });
      await local.file(filing({ key: 'p2' }));
      const entries = await client.xRange(store.keys.outbox(), '-', '+');
      expect((entries ?? []).map((e) => ({ ...e.message }))).toEqual([
        { ref: o.reference, v: '1', event: 'filed', at: String(T0) },
        { ref: o.reference, v: '2', event: 'updated', at: String(T0) },
      ]);
    } finally {
      await deleteKeys(client, prefix);
    }
  });
});
