import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { frozenClock } from '../../bot/clock';
import { composeBot, type Composed } from '../../bot/compose';
import { silentLogger } from '../../bot/logger';
import { MemoryDeduper, MemorySessionStore } from '../../bot/memory';
import { createWechatCipher } from '../../integrations/wechat-mp/webhook/crypto';
import { parseWechatXml } from '../../integrations/wechat-mp/webhook/xml';
import { ACCOUNT, FakeBot, NOW_S, postPlain, postSafe, RecordingDelivery, startWebhookServer, type TestServer } from '../fixtures/wechat/harness';
import { FORBIDDEN_PATTERN, hostileText, prng } from '../fixtures/wechat/hostile-text';

/**
 * Hostile text in, strict XML out: every reply these tests produce passes saxes (the harness
 * checks each response, and in safe mode the decrypted reply too) and carries no character XML
 * forbids — echoed by a bot, or through a real flow's slots and 再说一遍.
 */

let servers: TestServer[] = [];
let composed: Composed | undefined;
afterEach(async () => {
  for (const s of servers) {
    await s.webhook.drain();
    await s.close();
  }
  servers = [];
});
afterAll(async () => {
  await composed?.close();
});

const open = (body: string) => {
  const envelope = parseWechatXml(body);
  return parseWechatXml(envelope.Encrypt ? createWechatCipher(ACCOUNT.encodingAesKey, ACCOUNT.appId).decrypt(envelope.Encrypt).message : body);
};

/** A text message whose Content is CDATA (raw characters) or escaped text (so `&#1;` is a reference). */
function hostileXml(from: string, msgId: number, content: string, asCdata: boolean): string {
  const value = asCdata
    ? `<![CDATA[${content.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`
    : content.replace(/&(?!#\d+;|#x[0-9a-fA-F]+;|amp;)/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<xml><ToUserName><![CDATA[${ACCOUNT.original}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${NOW_S}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>${value}</Content><MsgId>${msgId}</MsgId></xml>`;
}

describe('hostile text through the webhook', () => {
  it('an echoing bot, 60 seeded texts × raw/reference forms × plain/safe: every reply is strict XML without forbidden characters', async () => {
    const deduper = new MemoryDeduper({ sweepMs: false });
    const bot = new FakeBot(deduper);
    const server = await startWebhookServer({
      options: { token: ACCOUNT.token, appId: ACCOUNT.appId, encodingAesKey: ACCOUNT.encodingAesKey, messageMode: 'compatible' },
      bot,
      delivery: new RecordingDelivery(),
      deduper,
      sessions: new MemorySessionStore({ sweepMs: false }),
      clock: frozenClock(NOW_S * 1000),
    });
    servers.push(server);
    const r = prng(2026);
    let msgId = 7_000_000;
    let answered = 0;
    for (let n = 0; n < 60; n++) {
      const text = hostileText(r);
      for (const asCdata of [true, false]) {
        for (const post of [postPlain, postSafe]) {
          const res = await post(server.url, hostileXml(`oHostile${n}`, msgId++, text, asCdata));
          expect(res.status, JSON.stringify(text)).toBe(200);
          const reply = open(await res.text());
          expect(reply.Content).not.toMatch(FORBIDDEN_PATTERN);
          expect(reply.Content?.startsWith('收到：')).toBe(true);
          answered++;
        }
      }
    }
    expect(answered).toBe(240);
    // What reached the bot was already clean.
    for (const m of bot.handled) expect(m.kind === 'text' ? m.text : '').not.toMatch(FORBIDDEN_PATTERN);
  });

  it('the real bot: hostile text in the suggestion flow’s slots, echoed in its summary and by 再说一遍, in safe mode', async () => {
    const clock = frozenClock(NOW_S * 1000);
    composed = await composeBot({ env: { LOG_LEVEL: 'silent', CITY_NAME: '本市' }, clock, logger: silentLogger() });
    const delivery = new RecordingDelivery();
    const server = await startWebhookServer({
      options: { token: ACCOUNT.token, appId: ACCOUNT.appId, encodingAesKey: ACCOUNT.encodingAesKey },
      bot: composed.bot,
      delivery,
      deduper: composed.stores.deduper,
      sessions: composed.stores.sessions,
      clock,
    });
    servers.push(server);
    const r = prng(77);
    let msgId = 8_000_000;
    for (let n = 0; n < 8; n++) {
      const from = `oFlow${n}`;
      const detail = `取号以后排队两个小时${hostileText(r, 5)}希望多开窗口`;
      const name = `王${hostileText(r, 3)}`;
      const seen: string[] = [];
      for (const [text, asCdata] of [
        ['我有个建议', true],
        ['3', true],
        [detail, n % 2 === 0],
        ['跳过', true],
        ['需要', true],
        [name, n % 2 === 1],
        ['13812345678', true],
        ['再说一遍', true],
      ] as const) {
        const res = await postSafe(server.url, hostileXml(from, msgId++, text, asCdata));
        expect(res.status).toBe(200);
        const body = await res.text();
        if (body !== 'success') seen.push(open(body).Content ?? '');
      }
      await server.webhook.drain();
      seen.push(...delivery.messages.map((m) => (m.kind === 'text' ? m.text : '')));
      delivery.calls.length = 0;
      const all = seen.join('\n');
      expect(all).not.toMatch(FORBIDDEN_PATTERN);
      // The summary really echoed the slots (so the hostile text did reach a reply).
      expect(all).toContain('取号以后排队两个小时');
      expect(all).toMatch(/138\*{4}5678/);
    }
  });
});
