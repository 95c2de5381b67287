import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frozenClock } from '../../bot/clock';
import { composeBot, type Composed } from '../../bot/compose';
import { silentLogger } from '../../bot/logger';
import { outboundAsText } from '../../bot/message';
import { createWechatCipher, sig3 } from '../../integrations/wechat-mp/webhook/crypto';
import type { WechatWebhookOptions } from '../../integrations/wechat-mp/webhook/router';
import { parseWechatXml } from '../../integrations/wechat-mp/webhook/xml';
import { ACCOUNT, NOW_S, postPlain, postSafe, RecordingDelivery, send, startWebhookServer, type TestServer } from '../fixtures/wechat/harness';
import { peerMessages, peerMessageXml, peerVectors, type PeerMessage } from '../fixtures/wechat-peers/peers';

/**
 * Other mature SDKs' test messages and encryption vectors, sent over HTTP to the webhook around
 * the real bot (composeBot), in plain and in safe mode: each gets a sensible answer.
 */

let composed: Composed;
const servers: TestServer[] = [];
const CITY = '演示市';

beforeAll(async () => {
  composed = await composeBot({ env: { LOG_LEVEL: 'silent', CITY_NAME: CITY }, clock: frozenClock(NOW_S * 1000), logger: silentLogger() });
});
afterAll(async () => {
  for (const s of servers) {
    await s.webhook.drain();
    await s.close();
  }
  await composed.close();
});

async function webhook(options: WechatWebhookOptions, nowS = NOW_S): Promise<{ server: TestServer; delivery: RecordingDelivery }> {
  const delivery = new RecordingDelivery();
  const server = await startWebhookServer({ options, bot: composed.bot, delivery, deduper: composed.stores.deduper, sessions: composed.stores.sessions, clock: frozenClock(nowS * 1000) });
  servers.push(server);
  return { server, delivery };
}

/** What a message of this type should be answered with: a reply matching `reply`, or `success` (nothing to say). */
type Expectation = { reply: RegExp } | 'success';

function expectationFor(m: PeerMessage, fields: Record<string, string>): Expectation {
  switch (fields.MsgType) {
    case 'text':
      return { reply: /\S/ };
    case 'image':
      return { reply: /^收到您的照片/ };
    case 'link':
      return { reply: /^收到您分享的链接「公众平台官网链接」/ };
    case 'video':
    case 'shortvideo':
      return { reply: /^视频我暂时看不了/ };
    case 'file':
      return { reply: /^文件我这里收不了/ };
    case 'location':
      // Every peer location is in eastern China, 2,500+ km from the demo city.
      return { reply: new RegExp(`^看您发来的位置，您好像不在${CITY}（离${CITY}约\\d,\\d{3}公里）`) };
    case 'voice':
      return fields.Recognition ? { reply: /\S/ } : { reply: /^这条语音我没能听清/ };
    case 'event':
      if (fields.Event === 'subscribe' || fields.Event === 'SCAN') return { reply: new RegExp(`感谢关注${CITY}政务服务`) };
      if (fields.Event === 'CLICK') return { reply: /^这个菜单暂时没有内容/ };
      // unsubscribe, VIEW, LOCATION, TEMPLATESENDJOBFINISH and every other notification.
      return 'success';
    default:
      expect(['notsure', 'device_text', 'device_event'], m.id).toContain(fields.MsgType);
      return 'success';
  }
}

/** The fixture as one resident's message: its own FromUserName (and an account name where anonymised). */
function asResident(xml: string, openid: string): string {
  return xml
    .replace(/<FromUserName>(<!\[CDATA\[[^\]]*\]\]>|[^<]*)<\/FromUserName>/, `<FromUserName><![CDATA[${openid}]]></FromUserName>`)
    .replace('<ToUserName><![CDATA[]]></ToUserName>', `<ToUserName><![CDATA[${ACCOUNT.original}]]></ToUserName>`);
}

const openReply = (body: string, key = ACCOUNT.encodingAesKey, appId = ACCOUNT.appId) => {
  const envelope = parseWechatXml(body);
  return parseWechatXml(envelope.Encrypt ? createWechatCipher(key, appId).decrypt(envelope.Encrypt).message : body);
};

const sent = peerMessages.filter((m) => !m.duplicateOf);

describe('peer messages over HTTP, plain and safe mode, through the real bot', () => {
  it('75 fixtures, each sent once (duplicates of another document left out)', () => {
    expect(peerMessages).toHaveLength(75);
    expect(sent.length).toBeGreaterThan(65);
  });

  it.each(sent.map((m, k) => [m.id, m, k] as const))('%s', async (_, m, k) => {
    const plainHook = await webhook({ token: ACCOUNT.token, appId: ACCOUNT.appId, messageMode: 'plain' });
    const safeHook = await webhook({ token: ACCOUNT.token, appId: ACCOUNT.appId, encodingAesKey: ACCOUNT.encodingAesKey });
    for (const [mode, hook] of [['plain', plainHook], ['safe', safeHook]] as const) {
      const xml = asResident(peerMessageXml(m), `oPeer${k}${mode}`);
      const res = mode === 'plain' ? await postPlain(hook.server.url, xml) : await postSafe(hook.server.url, xml);
      expect(res.status, `${mode}: ${await res.clone().text()}`).toBe(200);
      const body = await res.text();
      await hook.server.webhook.drain();
      const expected = expectationFor(m, parseWechatXml(xml));
      if (expected === 'success') {
        expect(body, mode).toBe('success');
        continue;
      }
      expect(body, mode).not.toBe('success');
      const reply = openReply(body);
      expect(reply.ToUserName).toBe(`oPeer${k}${mode}`);
      const all = [reply.Content ?? reply.MsgType ?? '', ...hook.delivery.messages.map(outboundAsText)];
      expect(all[0], mode).toMatch(expected.reply);
      // Words may be beyond the bot (a fixture's "TNT2"); media and events never get "没听懂".
      if (!['text', 'voice'].includes(parseWechatXml(xml).MsgType ?? '')) expect(all.join('\n'), mode).not.toContain('抱歉，这句话我还没听懂');
      hook.delivery.calls.length = 0;
    }
  });
});

describe('peer encryption vectors over HTTP, each with its own account', () => {
  const overHttp = peerVectors.filter((v) => ['decrypt', 'signature-mismatch', 'decrypt-wrong-appid'].includes(v.kind) && v.msgSignature && v.timestamp && v.nonce);

  it('every vector that is a signed callback is sent (14 of them)', () => {
    expect(overHttp.map((v) => v.id)).toHaveLength(14);
  });

  it.each(overHttp.map((v) => [v.id, v] as const))('%s', async (_, v) => {
    const token = v.token ?? '';
    const { server } = await webhook({ token, appId: v.appId!, encodingAesKey: v.encodingAesKey! }, Number(v.timestamp));
    const envelope = `<xml><ToUserName><![CDATA[gh_peer]]></ToUserName><Encrypt><![CDATA[${v.encrypt}]]></Encrypt></xml>`;
    const query = new URLSearchParams({
      signature: v.signature ?? sig3(token, v.timestamp!, v.nonce!),
      timestamp: v.timestamp!,
      nonce: v.nonce!,
      ...(v.openid ? { openid: v.openid } : {}),
      encrypt_type: 'aes',
      msg_signature: v.msgSignature!,
    });
    const res = await send(server.url, { query: query.toString(), body: v.body ?? envelope }, { encodingAesKey: v.encodingAesKey!, appId: v.appId! });
    const body = await res.text();
    await server.webhook.drain();
    if (v.kind !== 'decrypt' || v.informational) {
      expect([400, 401]).toContain(res.status);
      return;
    }
    const plaintext = createWechatCipher(v.encodingAesKey!, v.appId!).decrypt(v.encrypt!).message;
    if (!plaintext.startsWith('<xml>')) {
      // A WeCom URL-verification echostr, not a message: refused as such.
      expect(res.status).toBe(400);
      return;
    }
    expect(res.status, body).toBe(200);
    const incoming = parseWechatXml(plaintext);
    const reply = openReply(body, v.encodingAesKey, v.appId);
    expect(reply).toMatchObject({ ToUserName: incoming.FromUserName, FromUserName: incoming.ToUserName });
    expect(reply.MsgType === 'text' ? reply.Content : reply.MsgType).toMatch(incoming.MsgType === 'file' ? /^文件我这里收不了/ : /\S/);

    // The same message in plain mode, to a plain-mode account.
    const plainHook = await webhook({ token, appId: v.appId!, messageMode: 'plain' }, Number(v.timestamp));
    const fresh = plaintext.replace(/<MsgId>(\d+)<\/MsgId>/, '<MsgId>9$1</MsgId>');
    const plainQuery = new URLSearchParams({ signature: sig3(token, v.timestamp!, `${v.nonce}9`), timestamp: v.timestamp!, nonce: `${v.nonce}9` });
    const plainRes = await send(plainHook.server.url, { query: plainQuery.toString(), body: fresh });
    expect(plainRes.status).toBe(200);
    expect(openReply(await plainRes.text()).ToUserName).toBe(incoming.FromUserName);
  });
});
