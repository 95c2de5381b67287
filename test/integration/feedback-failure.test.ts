import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../bot/clock';
import { composeBot, type Composed } from '../../bot/compose';
import { silentLogger } from '../../bot/logger';
import { outboundAsText } from '../../bot/message';
import { defineAction } from '../../flows/actions';
import { submitFeedback, type SuggestionContext } from '../../integrations/govservice/hotline/suggestion';
import { validReference } from '../../bot/references';

/**
 * The ticketing backend fails: the resident is told, nothing they typed is lost, they can retry,
 * hand over to a human, or come back later. The stand-in keeps feedback.submit's own schemas
 * (it overrides the built-in by name), so the flow is checked against the same fields.
 */
let failures = 2;
const flakySubmit = defineAction({
  ...submitFeedback,
  async run(input, ctx: SuggestionContext & { key: string }) {
    if (failures-- > 0) throw new Error('work-order store unavailable');
    return submitFeedback.run(input, ctx);
  },
});

const clock = new ManualClock(Date.parse('2026-12-01T10:00:00+08:00'));
let composed: Composed;
let n = 0;
beforeAll(async () => {
  composed = await composeBot({ env: { HUMAN_AGENTS: 'on' }, clock, logger: silentLogger(), actions: [flakySubmit] });
});
afterAll(() => composed.close());

async function say(text: string) {
  clock.advance(1000);
  const r = await composed.bot.handle({ kind: 'text', text, id: `f-${++n}`, channel: 'test', userId: 'u', conversationId: 'test:u', receivedAt: clock.now() });
  return { texts: r.replies.map(outboundAsText), effects: r.effects.map((e) => `${e.action}:${e.ok}`) };
}

describe('a suggestion when the ticketing backend fails', () => {
  it('keeps what was typed, retries on request, and submits once the backend is back', async () => {
    for (const text of ['意见建议', '2', '希望网上预约能选具体窗口', '跳过', '否']) await say(text);
    const first = await say('确认提交');
    expect(first.effects).toEqual(['feedback.submit:false']);
    expect(first.texts[0]).toMatch(/^抱歉，系统暂时没能提交成功，您填的内容都还在。怎么办？\n1\. 再试一次\n2\. 转人工客服登记\n3\. 稍后再说/);
    const second = await say('1');
    expect(second.effects).toEqual(['feedback.submit:false']);
    const third = await say('再试一次');
    expect(third.effects).toEqual(['feedback.submit:true']);
    expect(third.texts[0]).toMatch(/^已收到，谢谢您！工单号 GD20261201\d{6}。/);
    // Only the attempt that worked filed an order, under a number that checks out.
    const reference = /工单号 (GD\d+)/.exec(third.texts[0]!)![1]!;
    expect(validReference(reference)).toBe(true);
    const mine = await composed.workOrders.listByResident('test:u', 5);
    expect(mine.map((o) => o.reference)).toEqual([reference]);
    expect(mine[0]).toMatchObject({ status: '受理', filing: { type: '建议', description: '希望网上预约能选具体窗口', category: ['政务服务', '办事服务'] } });
  });

  it('can hand over to a human instead', async () => {
    failures = 1;
    for (const text of ['意见建议', '5', '公众号菜单太深，老人找不到', '跳过', '否']) await say(text);
    expect((await say('确认提交')).effects).toEqual(['feedback.submit:false']);
    const handoff = await say('转人工客服登记');
    expect(handoff.effects).toEqual(['handoff.request:true']);
    expect(handoff.texts.join('\n')).toContain('已为您转接人工客服');
  });
});
