import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../bot/clock';
import { composeBot, type Composed } from '../../bot/compose';
import { outboundAsText } from '../../bot/message';
import { BullJobQueue } from '../../integrations/redis';
import { pushStatusEvent } from '../fakes/gov-platform';
import { cleanUpPrefix, REDIS_URL, testPrefix } from '../contract/redis-test-env';
import { listen, memoryLogger, type Listening } from './http-helpers';

const SECRET = 'platform-webhook-secret-of-32-chars!!';
const START = Date.parse('2026-12-01T10:00:00+08:00');

/**
 * "有进展通知我" end to end on Redis: a resident follows an application through the bot, the
 * platform's signed webhook (over HTTP) and the polling job both see the change, and the
 * resident is told once per version.
 */
describe('progress notifications through the webhook and polling (Redis)', () => {
  const prefix = testPrefix('progress-notify');
  const clock = new ManualClock(START);
  const { logger, lines } = memoryLogger('info');
  const delivered: string[] = [];
  let composed: Composed;
  let server: Listening;
  let n = 0;
  const say = (text: string, user = 'follower') =>
    composed.bot.handle({ kind: 'text', text, id: `m${++n}`, channel: 'test', userId: user, conversationId: `test:${user}`, receivedAt: clock.now() });

  beforeAll(async () => {
    composed = await composeBot({ env: { REDIS_URL, KEY_PREFIX: prefix, PROGRESS_WEBHOOK_SECRET: SECRET, PROGRESS_POLL_SECONDS: '0' }, clock, logger });
    composed.registerDelivery('test', { deliver: async (_to, messages) => void delivered.push(...messages.map(outboundAsText)) });
    const app = new Koa();
    const webhook = composed.progress.webhook;
    if (!webhook) throw new Error('webhook not mounted');
    app.use(webhook.routes());
    server = await listen(app);
  });
  afterAll(async () => {
    await server?.close();
    await composed?.close();
    await cleanUpPrefix(prefix);
  });

  const url = () => `${server.base}/govservice/progress/events`;
  const ts = () => Math.floor(clock.now() / 1000);

  it('a signed event tells the follower once; a repeated event, another event of the same version and a stale or forged one do not', async () => {
    await say('查进度');
    await say('SL6501000018');
    await say('5678');
    const watched = await say('有进展通知我');
    expect(watched.replies.map(outboundAsText).join('\n')).toContain('有新进展时，我会在这里通知您');
    expect(composed.jobs).toBeInstanceOf(BullJobQueue);

    clock.advance(3 * 60_000); // the simulator reaches 决定
    const first = await pushStatusEvent(url(), SECRET, { eventId: 'ev-1', number: 'SL6501000018', version: 4 }, { timestamp: ts() });
    expect(first).toEqual({ status: 200, body: { ok: true, notified: 1 } });
    expect(delivered).toEqual([expect.stringContaining('您关注的「居民身份证换领、补领」（SL6501000018）有新进展：决定')]);

    expect(await pushStatusEvent(url(), SECRET, { eventId: 'ev-1', number: 'SL6501000018', version: 4 }, { timestamp: ts() })).toEqual({ status: 200, body: { ok: true, duplicate: true } });
    expect(await pushStatusEvent(url(), SECRET, { eventId: 'ev-1b', number: 'SL6501000018', version: 4 }, { timestamp: ts() })).toEqual({ status: 200, body: { ok: true, notified: 0 } });
    expect((await pushStatusEvent(url(), SECRET, { eventId: 'ev-2', number: 'SL6501000018', version: 5 }, { timestamp: ts() - 600 })).status).toBe(401);
    expect((await pushStatusEvent(url(), SECRET, { eventId: 'ev-3', number: 'SL6501000018', version: 5 }, { timestamp: ts(), signature: 'v1=00' })).status).toBe(401);
    expect(delivered).toHaveLength(1);

    // The polling sweep sees the next change (制证) once, and nothing twice.
    clock.advance(2 * 60_000);
    await composed.progress.notifier.sweep();
    await composed.progress.notifier.sweep();
    expect(delivered).toHaveLength(2);
    expect(delivered[1]).toContain('有新进展：制证');
    const again = await pushStatusEvent(url(), SECRET, { eventId: 'ev-4', number: 'SL6501000018', version: 5 }, { timestamp: ts() });
    expect(again.body).toEqual({ ok: true, notified: 0 });
    expect(delivered).toHaveLength(2);

    // Logs name the application by a keyed hash, never its number.
    const logged = JSON.stringify(lines());
    expect(logged).toContain('progress webhook event');
    expect(logged).not.toContain('SL6501000018');
    expect(logged).not.toContain('5678');
  });
});
