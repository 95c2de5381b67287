import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../bot/clock';
import { composeBot, type Composed } from '../../bot/compose';
import { silentLogger } from '../../bot/logger';
import { outboundAsText } from '../../bot/message';
import { parseReference } from '../../bot/references';
import type { RedisClient } from '../../integrations/redis';
import { connectTestRedis, deleteKeys, REDIS_URL, testPrefix } from '../contract/redis-test-env';

/**
 * Suggestions filed through the real flow on Redis become 建议 work orders with distinct
 * numbers. The message ids of the confirming turns are chosen so that the scheme the reference
 * counter replaced (a SHA-1 of the action's key modulo 100,000 per day, written with a plain SET)
 * gave both the same number: the second record overwrote the first.
 */
const COLLIDING_UNDER_THE_OLD_HASH = ['fb-87', 'fb-159'] as const;

const prefix = testPrefix('feedback-refs');
const clock = new ManualClock(Date.parse('2026-12-01T10:00:00+08:00'));
let composed: Composed;
let admin: RedisClient;

beforeAll(async () => {
  admin = await connectTestRedis();
  composed = await composeBot({ env: { REDIS_URL, KEY_PREFIX: prefix }, clock, logger: silentLogger() });
});
afterAll(async () => {
  await composed?.close();
  await deleteKeys(admin, prefix);
  await admin.close();
});

async function say(user: string, text: string, id: string = randomUUID()): Promise<string[]> {
  clock.advance(1_000);
  const r = await composed.bot.handle({ kind: 'text', text, id, channel: 'test', userId: user, conversationId: `test:${user}`, receivedAt: clock.now() });
  return r.replies.map(outboundAsText);
}

async function file(user: string, detail: string, confirmId: string, phone?: string): Promise<string> {
  for (const text of ['意见建议', '2', detail, '跳过', phone ? '需要' : '否']) await say(user, text);
  if (phone) for (const text of ['李先生', phone]) await say(user, text);
  const done = (await say(user, '确认提交', confirmId)).join('\n');
  const reference = /工单号 (GD\d{14})。/.exec(done)?.[1];
  expect(reference, done).toBeDefined();
  return reference!;
}

describe('reference numbers of filed suggestions', () => {
  it('two residents never share a number, and neither order overwrites the other', async () => {
    const [idA, idB] = COLLIDING_UNDER_THE_OLD_HASH;
    const a = await file('resident-a', '公众号的字太小了，老人看不清', idA);
    const b = await file('resident-b', '希望网上预约能选具体窗口', idB);
    expect(a).not.toBe(b);
    expect(parseReference(a)).toMatchObject({ kind: 'workOrder', date: '2026-12-01' });
    expect(parseReference(b)).toMatchObject({ kind: 'workOrder', date: '2026-12-01' });
    expect(await composed.workOrders.get(a)).toMatchObject({ reference: a, filing: { type: '建议', description: '公众号的字太小了，老人看不清' } });
    expect(await composed.workOrders.get(b)).toMatchObject({ reference: b, filing: { type: '建议', description: '希望网上预约能选具体窗口' } });
  });

  it('the same suggestion confirmed again the same day is one order (a resend after a turn that could not be saved)', async () => {
    const first = await file('resident-d', '大厅的叫号屏字太小', randomUUID());
    const again = await file('resident-d', '大厅的叫号屏字太小', randomUUID());
    expect(again).toBe(first);
    expect((await composed.workOrders.listByResident('test:resident-d', 5)).map((o) => o.reference)).toEqual([first]);
  });

  it('promises the reply date of the 建议 time limit, and the phone only masked', async () => {
    await file('resident-c', '办事大厅的空调太冷了', randomUUID(), '13812345678');
    const replies = composed.stores.sessions.get('test:resident-c') as Promise<{ lastReplies: { text: string }[] }>;
    const text = (await replies).lastReplies.map((r) => r.text).join('\n');
    expect(text).toContain('需要答复时，工作人员会按您留的电话（138****5678）联系您，承办单位会在12月15日前答复您');
    expect(text).not.toContain('13812345678');
  });
});
