import type { Server } from 'node:http';
import Koa from 'koa';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../bot/clock';
import { silentLogger } from '../../bot/logger';
import { RedisDeduper, RedisReferences, type RedisClient } from '../../integrations/redis';
import { HttpWorkOrderPlatform } from '../../integrations/govservice/workorders/http-platform';
import { OutboxRelay, RedisOutboxQueue } from '../../integrations/govservice/workorders/outbox';
import { createPlatformWebhook, PLATFORM_WEBHOOK_PATH } from '../../integrations/govservice/workorders/platform-webhook';
import { RedisWorkOrderStore } from '../../integrations/govservice/workorders/redis-store';
import { WorkOrderService } from '../../integrations/govservice/workorders/service';
import { main as cli } from '../../integrations/govservice/workorders/cli';
import { connectTestRedis, deleteKeys, REDIS_URL, testPrefix } from '../contract/redis-test-env';
import { FakeWorkOrderPlatform, PLATFORM_KEY_ID, PLATFORM_SECRET, platformSigned } from '../fakes/workorder-platform';
import { filing, T0, testDeadlines } from '../unit/workorders/fixtures';

let client: RedisClient;
let fake: FakeWorkOrderPlatform;
beforeAll(async () => {
  client = await connectTestRedis();
});
afterAll(async () => {
  await client.close();
});

let prefix: string;
let clock: ManualClock;
let store: RedisWorkOrderStore;
let service: WorkOrderService;
const logger = silentLogger();

beforeEach(async () => {
  prefix = testPrefix('workorder-platform');
  clock = new ManualClock(T0);
  store = new RedisWorkOrderStore(client, prefix, 86_400_000);
  service = new WorkOrderService({ store, references: new RedisReferences(client, { prefix, logger }), deadlines: await testDeadlines(), platform: true, clock });
  // A platform of its own per test: references restart with each prefix, and the platform remembers idempotency keys.
  fake = await new FakeWorkOrderPlatform().start();
});
afterEach(async () => {
  await fake.close();
  await deleteKeys(client, prefix);
});

function relay(consumer: string, options: { claimIdleMs?: number; failAfter?: number } = {}) {
  const queue = new RedisOutboxQueue(client, { stream: store.keys.outbox(), tries: store.keys.outboxTries() }, options.claimIdleMs ?? 60_000);
  const platform = new HttpWorkOrderPlatform({ baseUrl: fake.base, keyId: PLATFORM_KEY_ID, secret: PLATFORM_SECRET, logger });
  return { queue, relay: new OutboxRelay({ queue, store, service, platform, clock, logger, consumer, backoffMs: 1_000, failAfter: options.failAfter ?? 5 }) };
}

describe('the outbox relay to the city platform', () => {
  it('platform down while filing: the resident still has a number; the order reaches the platform once it is back', async () => {
    fake.down = true;
    const o = await service.file(filing());
    expect(o.reference).toMatch(/^GD/);
    expect(o.sync.state).toBe('待同步');
    const { relay: r } = relay('a');
    expect(await r.runOnce()).toEqual({ sent: 0, failed: 1 });
    expect((await service.get(o.reference))!.sync).toMatchObject({ state: '待同步', attempts: 1, lastError: expect.stringMatching(/503/) });
    fake.down = false;
    expect(await r.runOnce()).toEqual({ sent: 0, failed: 0 }); // still backing off
    clock.advance(1_000);
    expect(await r.runOnce()).toEqual({ sent: 1, failed: 0 });
    expect(fake.orders.get(o.reference)).toMatchObject({ seq: 1, order: { status: '受理' } });
    expect((await service.get(o.reference))!.sync).toMatchObject({ state: '已同步', attempts: 0 });
    expect(await client.xLen(store.keys.outbox())).toBe(0);
  });

  it('sends each change with an idempotency key; a duplicate delivery is accepted once', async () => {
    const o = await service.file(filing());
    const { relay: r } = relay('a');
    await r.runOnce();
    await service.transition(o.reference, { to: '派单', lead: '城管局', actor: { kind: 'agent' }, at: T0, key: 'd' });
    // A relay that died after the platform accepted, before acknowledging: the next one sends again.
    await new HttpWorkOrderPlatform({ baseUrl: fake.base, keyId: PLATFORM_KEY_ID, secret: PLATFORM_SECRET, logger }).push((await service.get(o.reference))!);
    expect(await r.runOnce()).toEqual({ sent: 1, failed: 0 });
    expect(fake.requests.map((q) => [q.idempotencyKey, q.status])).toEqual([
      [`${o.reference}:1`, 201],
      [`${o.reference}:2`, 200],
      [`${o.reference}:2`, 200], // the platform's replay of its first answer
    ]);
    expect(fake.orders.get(o.reference)).toMatchObject({ seq: 2, order: { status: '派单' } });
    expect((await service.get(o.reference))!.sync.state).toBe('已同步');
  });

  it('a relay restarted in between: the new one claims what the old one held and delivers it', async () => {
    fake.down = true;
    const o = await service.file(filing());
    const first = relay('relay-1');
    await first.relay.runOnce();
    await first.relay.stop();
    fake.down = false;
    clock.advance(1_000);
    const second = relay('relay-2', { claimIdleMs: 0 });
    expect(await second.relay.runOnce()).toEqual({ sent: 1, failed: 0 });
    expect(fake.orders.get(o.reference)?.seq).toBe(1);
    expect(await second.queue.pending(10)).toEqual([]);
  });

  it('after repeated failures the order shows 同步失败 and `workorder outbox` lists it', async () => {
    fake.down = true;
    const o = await service.file(filing());
    const { relay: r } = relay('a', { failAfter: 3 });
    for (let i = 0; i < 3; i++) {
      await r.runOnce();
      clock.advance(10_000);
    }
    expect((await service.get(o.reference))!.sync).toMatchObject({ state: '同步失败', attempts: 3 });
    let out = '';
    expect(await cli(['outbox'], { REDIS_URL, KEY_PREFIX: prefix, LOG_LEVEL: 'silent' }, (t) => void (out += t), () => undefined)).toBe(0);
    expect(out).toContain(`${o.reference}\tv1\tfiled\t同步失败\tattempts=3\tworkorder-platform push: HTTP 503`);
    fake.down = false;
    await r.runOnce();
    expect((await service.get(o.reference))!.sync.state).toBe('已同步');
  });
});

describe('the platform’s signed status webhook', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const app = new Koa();
    // The webhook reads its deps per request: each test has its own prefix and service.
    const deps = {
      keyId: PLATFORM_KEY_ID,
      secret: PLATFORM_SECRET,
      get service() {
        return service;
      },
      get nonces() {
        return new RedisDeduper(client, { logger, prefix });
      },
      clock: { now: () => Date.now() },
      logger,
    };
    app.use(createPlatformWebhook(deps).routes());
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function post(payload: unknown, sign: Parameters<typeof platformSigned>[3] = {}) {
    const body = JSON.stringify(payload);
    const res = await fetch(`${base}${PLATFORM_WEBHOOK_PATH}`, { method: 'POST', body, headers: platformSigned('POST', PLATFORM_WEBHOOK_PATH, body, sign) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('applies updates in sequence; a repeat or an older one arriving late is acknowledged and ignored', async () => {
    const o = await service.file(filing());
    const at = T0 + 3_600_000;
    expect(await post({ reference: o.reference, seq: 1, at, by: '城管局', update: { to: '派单', lead: '城管局' } })).toEqual({ status: 200, body: { ok: true, applied: true } });
    expect(await post({ reference: o.reference, seq: 3, at: at + 2, by: '城管局', update: { to: '答复', reply: '已处理' } })).toMatchObject({ status: 409 }); // 派单 → 答复 is not a move
    expect(await post({ reference: o.reference, seq: 2, at: at + 1, by: '城管局', update: { to: '办理' } })).toMatchObject({ status: 200, body: { applied: true } });
    expect(await post({ reference: o.reference, seq: 4, at: at + 3, by: '城管局', update: { to: '办结', reply: '摊贩已清理' } })).toMatchObject({ status: 200, body: { applied: true } });
    expect(await post({ reference: o.reference, seq: 2, at: at + 1, by: '城管局', update: { to: '办理' } })).toMatchObject({ status: 200, body: { applied: false } });
    expect(await post({ reference: o.reference, seq: 3, at: at + 2, by: '城管局', update: { to: '答复', reply: '迟到的' } })).toMatchObject({ status: 200, body: { applied: false } });
    const after = (await service.get(o.reference))!;
    expect(after.status).toBe('办结');
    expect(after.reply?.text).toBe('摊贩已清理');
    expect(after.sync.platformSeq).toBe(4);
    expect(after.history.at(-1)).toMatchObject({ actor: { kind: 'department', name: '城管局' }, key: 'platform:4' });
  });

  it('refuses bad signatures, other keys, stale timestamps and replayed nonces; 404 for an unknown order', async () => {
    const o = await service.file(filing());
    const update = { reference: o.reference, seq: 1, at: T0, update: { to: '办理' } };
    expect((await post(update, { secret: 'x'.repeat(40) })).status).toBe(401);
    expect((await post(update, { keyId: 'someone-else' })).status).toBe(401);
    expect((await post(update, { timestamp: Math.floor(Date.now() / 1000) - 301 })).status).toBe(401);
    const nonce = 'nonce-0123456789';
    expect((await post({ ...update, update: { to: '派单', lead: '城管局' } }, { nonce })).status).toBe(200);
    expect(await post({ ...update, seq: 2, update: { to: '办理' } }, { nonce })).toMatchObject({ status: 401, body: { error: 'replayed_nonce' } });
    expect((await post({ ...update, reference: 'GD20261201999999' })).status).toBe(404);
    expect((await post({ reference: o.reference })).status).toBe(400);
  });
});
