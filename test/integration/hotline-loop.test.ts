import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../bot/clock';
import { composeBot, type Composed } from '../../bot/compose';
import { silentLogger } from '../../bot/logger';
import { outboundAsText, type InboundMessage, type OutboundMessage } from '../../bot/message';
import type { MemoryJobQueue } from '../../bot/memory';
import { cleanUpPrefix, REDIS_URL, testPrefix } from '../contract/redis-test-env';

/**
 * The 12345 loop as a resident lives it, through the composed bot: a complaint in their own
 * words, its number, the lookup, the department's reply delivered in the chat with the 好差评
 * question, a bad rating with its reason opening 整改 — on the embedded defaults and on Redis.
 */

const T0 = Date.parse('2026-12-01T10:00:00+08:00');
const RESIDENT = { channel: 'cli' as const, userId: 'loop-user', conversationId: 'cli:loop-user' };

async function loop(composed: Composed, clock: ManualClock, runJobs: (pushed: OutboundMessage[], marker: string) => Promise<void>) {
  const pushed: OutboundMessage[] = [];
  composed.registerDelivery('cli', { deliver: async (_to, messages) => void pushed.push(...messages) });
  let n = 0;
  const say = async (text: string) => {
    clock.advance(5_000);
    const r = await composed.bot.handle({ ...RESIDENT, kind: 'text', text, id: `loop-${++n}`, receivedAt: clock.now() } as InboundMessage);
    return r.replies.map(outboundAsText).join('\n');
  };

  await say('我要投诉，幸福路上的烧烤摊每天晚上油烟太大了');
  await say('幸福路88号');
  await say('跳过');
  await say('跳过');
  await say('王女士');
  await say('13912345678');
  expect(await say('可以')).toContain('分类：环境保护·餐饮油烟');
  const receipt = await say('确认提交');
  const reference = /工单号 (GD\d{14})/u.exec(receipt)?.[1];
  expect(reference, receipt).toBeDefined();
  expect(receipt).toContain('12月8日前答复您');
  expect(await say('查询工单')).toContain(`工单 ${reference}：已受理`);

  const orders = composed.workOrders;
  const dept = { kind: 'department' as const, name: '区城管局' };
  await orders.transition(reference!, { to: '派单', lead: '区城管局', actor: { kind: 'agent', name: 'op' }, at: clock.now(), key: 'd1' });
  await orders.transition(reference!, { to: '办理', actor: dept, at: clock.now(), key: 'd2' });
  // 依规延期: the resident is told the new date and why, once.
  await orders.extend(reference!, { workdays: 3, reason: '需要环保部门联合检测', actor: dept, at: clock.now(), key: 'x1' });
  await runJobs(pushed, '已依规延期');
  expect(pushed.map(outboundAsText).join('\n')).toMatch(/承办单位已依规延期，会在12月11日前答复您。\n延期原因：需要环保部门联合检测/u);
  await orders.transition(reference!, { to: '答复', reply: '已约谈商户，限期加装油烟净化器。', actor: dept, at: clock.now(), key: 'd3' });
  await orders.transition(reference!, { to: '办结', actor: dept, at: clock.now(), key: 'd4' });
  await runJobs(pushed, '的办理评价');
  const told = pushed.map(outboundAsText).join('\n');
  expect(told).toContain(`（工单 ${reference}）已办结`);
  expect(told).toContain('答复：已约谈商户');
  expect(told).toMatch(/请您为工单 GD\d{14} 的办理评价[\s\S]*1\. 非常不满意[\s\S]*5\. 非常满意/u);
  expect(told).not.toMatch(/默认|推荐/u);

  // The same job again (a retry) tells nobody twice.
  await runJobs(pushed, '的办理评价');
  expect(pushed.filter((m) => outboundAsText(m).includes('已办结'))).toHaveLength(1);

  expect(await say('不满意')).toContain('主要是哪里不满意');
  expect(await say('油烟还是很大，根本没解决')).toContain('转入整改');
  const rated = await orders.get(reference!);
  expect(rated?.rating).toMatchObject({ level: 2, reason: '油烟还是很大，根本没解决' });
  expect(rated?.status).toBe('整改');
  expect(rated?.rectification?.deadline.dueAt).toBeGreaterThan(clock.now());
  expect(await say('我的工单')).toContain('您的评价：不满意');
}

describe('12345 loop through the bot', () => {
  it('memory (embedded defaults)', async () => {
    const clock = new ManualClock(T0);
    const composed = await composeBot({ env: { LOG_LEVEL: 'silent' }, clock, logger: silentLogger() });
    try {
      await loop(composed, clock, () => (composed.jobs as MemoryJobQueue).runDue());
    } finally {
      await composed.close();
    }
  });

  const prefix = testPrefix('hotline-loop');
  afterAll(() => cleanUpPrefix(prefix));

  it('redis', async () => {
    const clock = new ManualClock(Date.now());
    const composed = await composeBot({ env: { REDIS_URL, KEY_PREFIX: prefix, LOG_LEVEL: 'silent' }, clock, logger: silentLogger() });
    try {
      await composed.jobs.start();
      // BullMQ runs due jobs itself: wait until the delivery has happened (or the test times out).
      const settle = async (pushed: OutboundMessage[], marker: string) => {
        for (let i = 0; i < 200 && !pushed.some((m) => outboundAsText(m).includes(marker)); i++) await new Promise((r) => setTimeout(r, 50));
      };
      await loop(composed, clock, settle);
    } finally {
      await composed.close();
    }
  });
});
