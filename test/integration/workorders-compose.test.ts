import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../bot/clock';
import { composeBot } from '../../bot/compose';
import { silentLogger } from '../../bot/logger';
import type { MemoryJobQueue } from '../../bot/memory';
import type { WorkOrder } from '../../integrations/govservice/workorders';
import { RedisWorkOrderStore } from '../../integrations/govservice/workorders/redis-store';
import { cleanUpPrefix, REDIS_URL, testPrefix } from '../contract/redis-test-env';
import { createHttpApp } from '../../integrations/http/app';
import { PLATFORM_WEBHOOK_PATH } from '../../integrations/govservice/workorders';
import { FakeWorkOrderPlatform, PLATFORM_KEY_ID, PLATFORM_SECRET, platformSigned } from '../fakes/workorder-platform';
import { listen } from './http-helpers';
import { filing, T0 } from '../unit/workorders/fixtures';

describe('work orders in the composed bot', () => {
  it('memory: the service, the console’s desk on it, and the events bound later run on 办结', async () => {
    const clock = new ManualClock(T0);
    const composed = await composeBot({ env: { HUMAN_AGENTS: 'on', LOG_LEVEL: 'silent' }, clock, logger: silentLogger() });
    try {
      const closed: WorkOrder[] = [];
      composed.bindWorkOrderEvents({ closed: async (o) => void closed.push(o), ratingReminder: async () => undefined });
      const o = await composed.workOrders.file(filing());
      expect((await composed.desk!.workOrders!.forResident(o.filing.address, 5)).map((s) => s.reference)).toEqual([o.reference]);
      await composed.desk!.workOrders!.resolve(o.reference, { resolution: '已处理', close: true, by: 'li', at: T0, key: 'k' });
      await (composed.jobs as MemoryJobQueue).runDue();
      expect(closed.map((c) => c.reference)).toEqual([o.reference]);
    } finally {
      await composed.close();
    }
  });

  it('memory with a city platform configured: the relay delivers the filed order; the webhook is there to mount', async () => {
    const fake = await new FakeWorkOrderPlatform().start();
    const composed = await composeBot({ env: { LOG_LEVEL: 'silent', WORKORDER_PLATFORM_URL: fake.base, WORKORDER_PLATFORM_KEY_ID: PLATFORM_KEY_ID, WORKORDER_PLATFORM_SECRET: PLATFORM_SECRET }, clock: new ManualClock(T0), logger: silentLogger() });
    try {
      const o = await composed.workOrders.file(filing());
      expect(o.sync.state).toBe('待同步');
      expect(await composed.workOrderModule.relay!.runOnce()).toEqual({ sent: 1, failed: 0 });
      expect(fake.orders.get(o.reference)?.seq).toBe(1);
      expect((await composed.workOrders.get(o.reference))!.sync.state).toBe('已同步');
      expect(composed.workOrderModule.webhook).toBeDefined();
    } finally {
      await composed.close();
      await fake.close();
    }
  });

  it('over HTTP: the platform closes an order through the webhook and the resident is told', async () => {
    const fake = await new FakeWorkOrderPlatform().start();
    const clock = new ManualClock(T0);
    const composed = await composeBot({ env: { LOG_LEVEL: 'silent', WORKORDER_PLATFORM_URL: fake.base, WORKORDER_PLATFORM_KEY_ID: PLATFORM_KEY_ID, WORKORDER_PLATFORM_SECRET: PLATFORM_SECRET }, clock, logger: silentLogger() });
    const server = await listen(createHttpApp({ ...composed, routers: [composed.workOrderModule.webhook!] }));
    try {
      const closed: string[] = [];
      composed.bindWorkOrderEvents({ closed: async (o) => void closed.push(`${o.reference}:${o.reply?.text}`), ratingReminder: async () => undefined });
      const o = await composed.workOrders.file(filing());
      const body = JSON.stringify({ reference: o.reference, seq: 1, at: T0 + 60_000, by: '城管局', update: { to: '办结', reply: '摊贩已清理' } });
      const res = await fetch(`${server.base}${PLATFORM_WEBHOOK_PATH}`, { method: 'POST', body, headers: platformSigned('POST', PLATFORM_WEBHOOK_PATH, body, { timestamp: Math.floor(T0 / 1000) }) });
      expect(await res.json()).toEqual({ ok: true, applied: true });
      await (composed.jobs as MemoryJobQueue).runDue();
      expect(closed).toEqual([`${o.reference}:摊贩已清理`]);
    } finally {
      await server.close();
      await composed.close();
      await fake.close();
    }
  });

  it('refuses a platform URL without its key id and secret', async () => {
    await expect(composeBot({ env: { LOG_LEVEL: 'silent', WORKORDER_PLATFORM_URL: 'https://12345.example.gov.cn/api' }, logger: silentLogger() })).rejects.toThrow(/WORKORDER_PLATFORM_KEY_ID/);
  });

  const prefix = testPrefix('workorders-compose');
  afterAll(() => cleanUpPrefix(prefix));

  it('redis: orders are kept in Redis under the deployment prefix', async () => {
    const composed = await composeBot({ env: { REDIS_URL, KEY_PREFIX: prefix, LOG_LEVEL: 'silent' }, logger: silentLogger() });
    try {
      const o = await composed.workOrders.file(filing({ at: Date.now() }));
      const keys = new RedisWorkOrderStore(composed.redis!, prefix, 1).keys;
      expect(await composed.redis!.exists(keys.order(o.reference))).toBe(1);
    } finally {
      await composed.close();
    }
  });
});
