import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../bot/clock';
import { createLogger } from '../../bot/logger';
import { MemoryConversationLock, MemorySessionStore } from '../../bot/memory';
import type { OutboundMessage } from '../../bot/message';
import { createWechatOutbound, type WechatOutbound } from '../../integrations/wechat-mp/api';
import type { TemplateMappings } from '../../integrations/wechat-mp/api/notification';
import type { MemoryOutboundQueue } from '../../integrations/wechat-mp/api/queue';
import { FakeWechatPlatform, type CustomSendBody } from '../fakes/wechat-platform';

const APPID = 'wx0123456789abcdef';
const SECRET = 'test-secret';
const OPENID = 'oResidentA_0000000000000000001';
const OTHER = 'oResidentB_0000000000000000002';
const to = (userId: string) => ({ channel: 'wechat-mp' as const, userId, conversationId: `wechat-mp:${userId}` });

const TEMPLATES: TemplateMappings = {
  'booking-reminder': { templateId: 'TPL_BOOKING', fields: { service: 'thing1', time: 'time2', place: 'thing3' } },
  'progress-change': { templateId: 'TPL_PROGRESS', fields: { caseName: 'thing1', status: 'phrase2' } },
};

let platform: FakeWechatPlatform;
let clock: ManualClock;
let outbound: WechatOutbound;
let queue: MemoryOutboundQueue;
let logs: string[];

async function setup(retry = { attempts: 8, backoffMs: 5 }): Promise<void> {
  logs = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void logs.push(line) } });
  outbound = await createWechatOutbound({
    appid: APPID,
    secret: SECRET,
    apiBase: platform.base,
    timeoutMs: 200,
    store: new MemorySessionStore({ clock, sweepMs: false }),
    lock: new MemoryConversationLock(),
    clock,
    logger,
    templates: TEMPLATES,
    retry,
  });
  queue = outbound.queue as MemoryOutboundQueue;
}

function texts(messages: CustomSendBody[]): string[] {
  return messages.map((m) => (m.msgtype === 'text' ? m.text.content : m.msgtype === 'news' ? `news:${m.news.articles[0]?.title}` : `image:${m.image.media_id}`));
}

beforeEach(async (ctx) => {
  clock = new ManualClock();
  platform = await FakeWechatPlatform.start({ appid: APPID, secret: SECRET, hangMs: 400 });
  await setup();
  ctx.onTestFinished(async () => {
    await outbound.close();
    await platform.close();
  });
});

describe('WeChat delivery through the in-memory queue over real HTTP', () => {
  it('retries through an outage (503, busy, timeouts) and then delivers each resident in order', async () => {
    await outbound.delivery.noteInbound(OPENID, clock.now());
    await outbound.delivery.noteInbound(OTHER, clock.now());
    await outbound.client.sendCustom(OPENID, { msgtype: 'text', text: { content: 'warm-up' } });
    platform.outage('http-503', 2);
    platform.outage('busy', 1);
    platform.outage('timeout', 1);
    await outbound.delivery.deliver(to(OPENID), [{ kind: 'text', text: 'a1' }, { kind: 'choices', text: '请选择', options: [{ label: '预约' }, { label: '查询' }] }]);
    await outbound.delivery.deliver(to(OTHER), [{ kind: 'text', text: 'x1' }]);
    await outbound.delivery.deliver(to(OPENID), [{ kind: 'text', text: 'a2' }]);
    await outbound.delivery.deliver(to(OPENID), [{ kind: 'text', text: 'a3' }]);
    await queue.drained();
    expect(texts(platform.customMessages(OPENID))).toEqual(['warm-up', 'a1', '请选择\n1. 预约\n2. 查询\n回复数字即可选择', 'a2', 'a3']);
    expect(texts(platform.customMessages(OTHER))).toEqual(['x1']);
    expect(await queue.failedJobs()).toEqual([]);
    expect(platform.requestsTo('/cgi-bin/message/custom/send').length).toBeGreaterThan(6);
  });

  it('splits long texts at line ends below 2048 bytes and sends articles as news', async () => {
    await outbound.delivery.noteInbound(OPENID, clock.now());
    const long = Array.from({ length: 60 }, (_, i) => `第${i + 1}行：请携带身份证原件和复印件到政务服务中心办理。`).join('\n');
    const messages: OutboundMessage[] = [
      { kind: 'text', text: long },
      { kind: 'article', title: '办事指南', description: '材料清单', url: 'https://example.gov.cn/guide' },
    ];
    await outbound.delivery.deliver(to(OPENID), messages);
    await queue.drained();
    const sent = platform.customMessages(OPENID);
    const parts = texts(sent.filter((m) => m.msgtype === 'text'));
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => Buffer.byteLength(p) < 2048)).toBe(true);
    expect(parts.join('\n')).toBe(long);
    expect(sent.at(-1)).toEqual({ touser: OPENID, msgtype: 'news', news: { articles: [{ title: '办事指南', description: '材料清单', url: 'https://example.gov.cn/guide' }] } });
  });

  it('sends a notification as its template message when the window is closed', async () => {
    await outbound.delivery.notify(OPENID, { kind: 'booking-reminder', service: '居住证办理', time: '1月6日 09:30', place: '市民中心三楼', url: 'https://example.gov.cn/b/1' });
    await queue.drained();
    expect(platform.customMessages(OPENID)).toEqual([]);
    expect(platform.templateMessages(OPENID)).toEqual([
      { touser: OPENID, template_id: 'TPL_BOOKING', url: 'https://example.gov.cn/b/1', data: { thing1: { value: '居住证办理' }, time2: { value: '1月6日 09:30' }, thing3: { value: '市民中心三楼' } } },
    ]);
  });

  it('keeps messages without a template queued until the resident writes again, then sends them', async () => {
    await outbound.delivery.deliver(to(OPENID), [{ kind: 'text', text: '您的问题已转给工作人员' }]);
    await outbound.delivery.notify(OPENID, { kind: 'work-order-reply', ticketNo: 'T-1', reply: '已安排维修' });
    await queue.drained();
    expect(platform.customMessages(OPENID)).toEqual([]);
    expect(platform.templateMessages(OPENID)).toEqual([]);
    expect(logs.join('')).toContain('held until the resident writes again');

    await outbound.delivery.noteInbound(OPENID, clock.now());
    await queue.drained();
    expect(texts(platform.customMessages(OPENID))).toEqual(['您的问题已转给工作人员', '您反映的问题（工单 T-1）有回复了：\n已安排维修']);
  });

  it('sends at most 5 customer-service messages per resident message, holding the rest', async () => {
    await outbound.delivery.noteInbound(OPENID, clock.now());
    await outbound.delivery.deliver(to(OPENID), Array.from({ length: 7 }, (_, i) => ({ kind: 'text' as const, text: `m${i + 1}` })));
    await queue.drained();
    expect(texts(platform.customMessages(OPENID))).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    clock.advance(3600_000);
    await outbound.delivery.noteInbound(OPENID, clock.now());
    await queue.drained();
    expect(texts(platform.customMessages(OPENID))).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
  });

  it('closes the window after 48 hours and after a menu click allows 3 messages within a minute', async () => {
    await outbound.delivery.noteInbound(OPENID, clock.now());
    clock.advance(48 * 3600_000 + 1);
    await outbound.delivery.deliver(to(OPENID), [{ kind: 'text', text: 'late' }]);
    await queue.drained();
    expect(platform.customMessages(OPENID)).toEqual([]);

    await outbound.window.noteInbound(OTHER, clock.now(), 'menu');
    await outbound.delivery.deliver(to(OTHER), [1, 2, 3, 4].map((i) => ({ kind: 'text' as const, text: `c${i}` })));
    await queue.drained();
    expect(texts(platform.customMessages(OTHER))).toEqual(['c1', 'c2', 'c3']);
  });

  it('handles 45015 from the platform: window closed, held, sent when it reopens', async () => {
    await outbound.delivery.noteInbound(OPENID, clock.now());
    platform.closeWindow(OPENID);
    await outbound.delivery.deliver(to(OPENID), [{ kind: 'text', text: '办理结果已出' }]);
    await queue.drained();
    expect(await outbound.window.remaining(OPENID)).toBe(0);
    expect(platform.customMessages(OPENID)).toEqual([]);
    platform.openWindow(OPENID);
    await outbound.delivery.noteInbound(OPENID, clock.now());
    await queue.drained();
    expect(texts(platform.customMessages(OPENID))).toEqual(['办理结果已出']);
  });

  it('handles 45047 from the platform: quota used up, notification falls back to its template', async () => {
    await outbound.delivery.noteInbound(OPENID, clock.now());
    platform.exhaustQuota(OPENID);
    await outbound.delivery.notify(OPENID, { kind: 'progress-change', caseName: '不动产登记', caseNo: 'BDC-7', status: '已办结，可领取证书' });
    await queue.drained();
    expect(await outbound.window.remaining(OPENID)).toBe(0);
    expect(platform.templateMessages(OPENID)).toEqual([
      { touser: OPENID, template_id: 'TPL_PROGRESS', data: { thing1: { value: '不动产登记' }, phrase2: { value: '已办结，可领取证书' } } },
    ]);
  });

  it('reports a batch that failed after its last retry to operators, loudly and masked', async () => {
    await outbound.close();
    await setup({ attempts: 3, backoffMs: 5 });
    await outbound.delivery.noteInbound(OPENID, clock.now());
    await outbound.client.sendCustom(OPENID, { msgtype: 'text', text: { content: 'warm-up' } });
    platform.outage('http-503', 1000);
    await outbound.delivery.deliver(to(OPENID), [{ kind: 'text', text: '电话 13812345678 已登记' }]);
    await queue.drained();
    const failed = await queue.failedJobs();
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ resident: 'oRes***0001', attempts: 3, reason: expect.stringContaining('HTTP 503') });
    expect(failed[0]?.job.items).toEqual([{ msgtype: 'text', text: { content: '电话 13812345678 已登记' } }]);
    const errorLines = logs.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level === 50);
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]?.msg).toContain('oRes***0001');
    expect(errorLines[0]?.msg).toContain('FAILED after 3 attempt(s)');
    expect(logs.join('')).not.toContain(OPENID);
    // Quota was given back for every failed try: the resident still has all 5 sends.
    expect(await outbound.window.remaining(OPENID)).toBe(5);
  });

  it('forgets an unfollowed resident: window closed and held messages dropped', async () => {
    await outbound.delivery.deliver(to(OPENID), [{ kind: 'text', text: 'held' }]);
    await queue.drained();
    await outbound.delivery.forget(OPENID);
    await outbound.delivery.noteInbound(OPENID, clock.now());
    await queue.drained();
    expect(platform.customMessages(OPENID)).toEqual([]);
    expect(await outbound.window.remaining(OPENID)).toBe(5);
  });

  it('on close stops retrying and reports what it could not send', async () => {
    await outbound.delivery.noteInbound(OPENID, clock.now());
    await outbound.client.sendCustom(OPENID, { msgtype: 'text', text: { content: 'warm-up' } });
    await outbound.close();
    await setup({ attempts: 8, backoffMs: 60_000 });
    await outbound.delivery.noteInbound(OPENID, clock.now());
    platform.outage('http-503', 1000);
    await outbound.delivery.deliver(to(OPENID), [{ kind: 'text', text: 'x' }]);
    await vi.waitFor(() => expect(logs.join('')).toContain('will retry'));
    await queue.close(0);
    await queue.drained();
    expect(await queue.failedJobs()).toMatchObject([{ resident: 'oRes***0001', attempts: 1, reason: expect.stringContaining('HTTP 503 (queue closed before the next try)') }]);
  });

  it('refuses addresses of other channels', async () => {
    await expect(outbound.delivery.deliver({ channel: 'web', userId: 'u', conversationId: 'web:u' }, [{ kind: 'text', text: 'x' }])).rejects.toThrow('not wechat-mp');
  });
});

describe('WeChat notices: booking reminders and progress changes', () => {
  const SUBSCRIPTIONS = { 'booking-reminder': { templateId: 'SUB_BOOKING', fields: { service: 'thing1', time: 'time2', place: 'thing3' }, page: 'https://example.gov.cn/my-bookings' } };
  const notice = { kind: 'booking-reminder' as const, text: '温馨提醒：您预约了明天10:00办理「居民身份证换领、补领」。', fields: { service: '居民身份证换领、补领', time: '12月2日 10:00', place: '天山区政务服务中心' } };

  async function withSubscriptions(): Promise<void> {
    await outbound.close();
    outbound = await createWechatOutbound({
      appid: APPID,
      secret: SECRET,
      apiBase: platform.base,
      timeoutMs: 200,
      store: new MemorySessionStore({ clock, sweepMs: false }),
      lock: new MemoryConversationLock(),
      clock,
      logger: createLogger({ level: 'silent' }),
      templates: TEMPLATES,
      subscriptions: SUBSCRIPTIONS,
      retry: { attempts: 3, backoffMs: 5 },
    });
    queue = outbound.queue as MemoryOutboundQueue;
  }

  it('inside the 48-hour window: the reminder as a customer-service message, in its own words', async () => {
    await withSubscriptions();
    await outbound.delivery.noteInbound(OPENID, clock.now());
    await outbound.delivery.notice(to(OPENID), notice);
    await queue.drained();
    expect(texts(platform.customMessages(OPENID))).toEqual([notice.text]);
    expect(platform.subscribeMessages(OPENID)).toEqual([]);
  });

  it('outside the window: the subscription notification the resident accepted', async () => {
    await withSubscriptions();
    platform.acceptSubscription(OPENID, 'SUB_BOOKING');
    await outbound.delivery.notice(to(OPENID), notice);
    await queue.drained();
    expect(platform.subscribeMessages(OPENID)).toEqual([
      { touser: OPENID, template_id: 'SUB_BOOKING', page: 'https://example.gov.cn/my-bookings', data: { thing1: { value: '居民身份证换领、补领' }, time2: { value: '12月2日 10:00' }, thing3: { value: '天山区政务服务中心' } } },
    ]);
    expect(platform.templateMessages(OPENID)).toEqual([]);
  });

  it('outside the window without an accepted subscription: the template message (43101 from the platform)', async () => {
    await withSubscriptions();
    await outbound.delivery.notice(to(OPENID), notice);
    await queue.drained();
    expect(platform.subscribeMessages(OPENID)).toEqual([]);
    expect(platform.templateMessages(OPENID).map((m) => m.template_id)).toEqual(['TPL_BOOKING']);
  });

  it('a reminder past its time is not sent or held', async () => {
    await withSubscriptions();
    await outbound.delivery.notice(to(OPENID), { ...notice, expiresAt: clock.now() - 1 });
    await queue.drained();
    expect(platform.subscribeMessages(OPENID)).toEqual([]);
    expect(platform.templateMessages(OPENID)).toEqual([]);
    await outbound.delivery.noteInbound(OPENID, clock.now());
    await queue.drained();
    expect(platform.customMessages(OPENID)).toEqual([]);
  });
});
