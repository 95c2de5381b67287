import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../bot/clock';
import { createLogger } from '../../bot/logger';
import { createRedisPorts, type RedisClient } from '../../integrations/redis';
import { createWechatOutbound, type WechatOutbound } from '../../integrations/wechat-mp/api';
import type { RetryPolicy } from '../../integrations/wechat-mp/api/queue';
import { connectTestRedis, deleteKeys, testPrefix } from '../contract/redis-test-env';
import { FakeWechatPlatform, type CustomSendBody } from '../fakes/wechat-platform';

const APPID = 'wx0123456789abcdef';
const SECRET = 'test-secret';
const OPENID = 'oBullResident000000000000000009';
const to = { channel: 'wechat-mp' as const, userId: OPENID, conversationId: `wechat-mp:${OPENID}` };

let redis: RedisClient;
let platform: FakeWechatPlatform;
let prefix: string;
let clock: ManualClock;
let logs: string[];
const opened: WechatOutbound[] = [];

/** One app instance with the BullMQ queue on the real Redis. */
async function instance(retry: RetryPolicy): Promise<WechatOutbound> {
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void logs.push(line) } });
  const ports = createRedisPorts(redis, { logger, prefix });
  const outbound = await createWechatOutbound({
    appid: APPID,
    secret: SECRET,
    apiBase: platform.base,
    timeoutMs: 300,
    store: ports.sessions,
    lock: ports.lock,
    clock,
    logger,
    retry,
    redis: { client: redis, keyPrefix: prefix, orderCheckMs: 20 },
  });
  opened.push(outbound);
  return outbound;
}

function texts(messages: CustomSendBody[]): string[] {
  return messages.map((m) => (m.msgtype === 'text' ? m.text.content : m.msgtype));
}

const waitLong = { timeout: 20_000, interval: 25 };

beforeAll(async () => {
  redis = await connectTestRedis();
});

afterAll(async () => {
  await redis.close();
});

beforeEach(async (ctx) => {
  prefix = testPrefix('wechat-api-bullmq');
  clock = new ManualClock();
  logs = [];
  platform = await FakeWechatPlatform.start({ appid: APPID, secret: SECRET, hangMs: 600 });
  ctx.onTestFinished(async () => {
    for (const o of opened.splice(0)) await o.close();
    await platform.close();
    await deleteKeys(redis, prefix);
  });
});

describe('outbound queue on BullMQ and the real Redis', () => {
  it('retries through an outage with backoff and delivers the batches of a resident in order', async () => {
    const outbound = await instance({ attempts: 8, backoffMs: 20 });
    await outbound.delivery.noteInbound(OPENID, clock.now());
    await outbound.client.sendCustom(OPENID, { msgtype: 'text', text: { content: 'warm-up' } });
    platform.outage('http-503', 3);
    platform.outage('timeout', 1);
    platform.outage('busy', 2);
    for (const n of [1, 2, 3, 4]) await outbound.delivery.deliver(to, [{ kind: 'text', text: `b${n}` }]);
    await vi.waitFor(() => expect(platform.customMessages(OPENID)).toHaveLength(5), waitLong);
    expect(texts(platform.customMessages(OPENID))).toEqual(['warm-up', 'b1', 'b2', 'b3', 'b4']);
    expect(await outbound.queue.failedJobs()).toEqual([]);
    expect(await redis.exists(`${prefix}bull:wechat-outbound:meta`)).toBe(1);
  });

  it('keeps a batch through a restart: a second instance delivers what the first left in backoff', async () => {
    const first = await instance({ attempts: 8, backoffMs: 300 });
    await first.delivery.noteInbound(OPENID, clock.now());
    await first.client.sendCustom(OPENID, { msgtype: 'text', text: { content: 'warm-up' } });
    platform.outage('http-503', 1);
    await first.delivery.deliver(to, [{ kind: 'text', text: '重启前排队的消息' }]);
    await vi.waitFor(() => expect(platform.requestsTo('/cgi-bin/message/custom/send')).toHaveLength(2), waitLong);
    await first.close();
    opened.splice(opened.indexOf(first), 1);
    expect(texts(platform.customMessages(OPENID))).toEqual(['warm-up']);

    await instance({ attempts: 8, backoffMs: 300 });
    await vi.waitFor(() => expect(platform.customMessages(OPENID)).toHaveLength(2), waitLong);
    expect(texts(platform.customMessages(OPENID))).toEqual(['warm-up', '重启前排队的消息']);
  });

  it('makes batches that failed after the last retry visible, and later batches still go out', async () => {
    const outbound = await instance({ attempts: 3, backoffMs: 10 });
    await outbound.delivery.noteInbound(OPENID, clock.now());
    await outbound.client.sendCustom(OPENID, { msgtype: 'text', text: { content: 'warm-up' } });
    platform.outage('http-503', 6);
    await outbound.delivery.deliver(to, [{ kind: 'text', text: 'lost-1' }]);
    await outbound.delivery.deliver(to, [{ kind: 'text', text: 'lost-2' }]);
    await vi.waitFor(async () => expect(await outbound.queue.failedJobs()).toHaveLength(2), waitLong);
    await outbound.delivery.deliver(to, [{ kind: 'text', text: 'after' }]);
    await vi.waitFor(() => expect(platform.customMessages(OPENID)).toHaveLength(2), waitLong);
    expect(texts(platform.customMessages(OPENID))).toEqual(['warm-up', 'after']);

    const failed = await outbound.queue.failedJobs();
    expect(failed.map((f) => f.job.items)).toEqual(
      expect.arrayContaining([[{ msgtype: 'text', text: { content: 'lost-1' } }], [{ msgtype: 'text', text: { content: 'lost-2' } }]]),
    );
    expect(failed.every((f) => f.resident === 'oBul***0009' && f.attempts === 3 && f.reason.includes('HTTP 503'))).toBe(true);
    await vi.waitFor(() => expect(logs.filter((l) => l.includes('"level":50'))).toHaveLength(2), waitLong);
    expect(logs.filter((l) => l.includes('"level":50')).every((l) => l.includes('oBul***0009') && l.includes('FAILED after 3 attempt(s)'))).toBe(true);
    expect(logs.join('')).not.toContain(OPENID);
  });
});
