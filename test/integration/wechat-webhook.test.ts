import { readFileSync } from 'node:fs';
import { decrypt as wecomDecrypt } from '@wecom/crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { texts } from '../../bot/texts';
import { frozenClock } from '../../bot/clock';
import { MemoryDeduper, MemorySessionStore } from '../../bot/memory';
import { createWechatCipher, msgSignature, sig3 } from '../../integrations/wechat-mp/webhook/crypto';
import type { WechatWebhookOptions } from '../../integrations/wechat-mp/webhook/router';
import { parseWechatXml } from '../../integrations/wechat-mp/webhook/xml';
import { ACCOUNT, deferred, FakeBot, NOW_S, postPlain, postSafe, RecordingDelivery, startWebhookServer, textXml, type TestServer } from '../fixtures/wechat/harness';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/wechat/${name}`, import.meta.url), 'utf8');

let servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers) {
    await s.webhook.drain();
    await s.close();
  }
  servers = [];
});

/** A webhook in the given mode: `compatible` (plain and encrypted requests) unless a test says otherwise. */
async function setup(options: Partial<WechatWebhookOptions> = {}, nowS = NOW_S) {
  const deduper = new MemoryDeduper({ sweepMs: false });
  const bot = new FakeBot(deduper);
  const delivery = new RecordingDelivery();
  const sessions = new MemorySessionStore({ sweepMs: false });
  const plain = options.messageMode === 'plain';
  const server = await startWebhookServer({
    options: { token: ACCOUNT.token, appId: ACCOUNT.appId, messageMode: 'compatible', ...(plain ? {} : { encodingAesKey: ACCOUNT.encodingAesKey }), ...options },
    bot,
    delivery,
    deduper,
    sessions,
    clock: frozenClock(nowS * 1000),
  });
  servers.push(server);
  return { bot, delivery, server, url: server.url };
}

/** Decrypts a safe-mode reply after checking its signature, with our cipher and with @wecom/crypto. */
function openEncryptedReply(body: string): Record<string, string> {
  const env = parseWechatXml(body);
  expect(env.MsgSignature).toBe(msgSignature(ACCOUNT.token, env.TimeStamp!, env.Nonce!, env.Encrypt!));
  const ours = createWechatCipher(ACCOUNT.encodingAesKey, ACCOUNT.appId).decrypt(env.Encrypt!).message;
  const theirs = wecomDecrypt(ACCOUNT.encodingAesKey, env.Encrypt!);
  expect(theirs).toMatchObject({ message: ours, id: ACCOUNT.appId });
  return parseWechatXml(ours);
}

describe('GET /wechat (URL verification)', () => {
  it('echoes echostr for the official vector (Token AAAAA)', async () => {
    const { url } = await setup({}, 1714036504);
    const res = await fetch(`${url}?signature=f464b24fc39322e44b38aa78f5edd27bd1441696&echostr=4375120948345356249&timestamp=1714036504&nonce=1514711492`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('4375120948345356249');
  });

  it('echostr is text/plain with nosniff, so a browser never renders it as a page', async () => {
    const { url } = await setup({}, 1714036504);
    const res = await fetch(`${url}?signature=f464b24fc39322e44b38aa78f5edd27bd1441696&echostr=4375120948345356249&timestamp=1714036504&nonce=1514711492`);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('a wrong or missing signature is 401 and never echoes', async () => {
    const { url } = await setup({}, 1714036504);
    const bad = await fetch(`${url}?signature=f464b24fc39322e44b38aa78f5edd27bd1441697&echostr=4375120948345356249&timestamp=1714036504&nonce=1514711492`);
    expect(bad.status).toBe(401);
    expect(await bad.text()).not.toContain('4375120948345356249');
    expect((await fetch(`${url}?echostr=1`)).status).toBe(401);
  });
});

describe('POST /wechat refusals', () => {
  const xml = textXml({ from: 'oR1', content: '你好', msgId: '100' });

  it('forged signature, missing signature, wrong token → 401 and nothing processed', async () => {
    const { url, bot } = await setup();
    expect((await postPlain(url, xml, { token: 'BBBBB' })).status).toBe(401);
    expect((await fetch(url, { method: 'POST', body: xml })).status).toBe(401);
    const q = new URLSearchParams({ signature: 'f'.repeat(40), timestamp: String(NOW_S), nonce: '1' });
    expect((await fetch(`${url}?${q}`, { method: 'POST', body: xml })).status).toBe(401);
    expect(bot.handled).toHaveLength(0);
  });

  it('timestamp outside the window (replay) → 401; inside → processed', async () => {
    const { url, bot } = await setup({ timestampWindowS: 300 });
    expect((await postPlain(url, xml, { timestamp: String(NOW_S - 301) })).status).toBe(401);
    expect((await postPlain(url, xml, { timestamp: String(NOW_S + 301) })).status).toBe(401);
    expect(bot.handled).toHaveLength(0);
    expect((await postPlain(url, xml, { timestamp: String(NOW_S - 299) })).status).toBe(200);
    expect(bot.handled).toHaveLength(1);
  });

  it('body over the limit → 413', async () => {
    const { url, bot } = await setup({ bodyLimitBytes: 2048 });
    const res = await postPlain(url, textXml({ from: 'oR1', content: 'x'.repeat(4000), msgId: '101' }));
    expect(res.status).toBe(413);
    expect(bot.handled).toHaveLength(0);
  });

  it('malformed XML → 400; a message missing its common fields → 400', async () => {
    const { url, bot } = await setup();
    expect((await postPlain(url, '<xml><ToUserName>x</ToUserName>')).status).toBe(400);
    expect((await postPlain(url, '<xml><MsgType>text</MsgType></xml>')).status).toBe(400);
    expect(bot.handled).toHaveLength(0);
  });

  it('DOCTYPE → 400 and the entity is never expanded', async () => {
    const { url, bot } = await setup();
    const res = await postPlain(url, fixture('doctype-entity.xml'));
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain('BOOM');
    expect(bot.handled).toHaveLength(0);
  });

  it('safe mode: bad msg_signature → 401, another AppID → 401, garbage Encrypt → 400', async () => {
    const { url, bot } = await setup();
    expect((await postSafe(url, xml, { msgSignature: '0'.repeat(40) })).status).toBe(401);
    expect((await postSafe(url, xml, { appId: 'wx0000000000000000' })).status).toBe(401);
    const q = new URLSearchParams({ signature: sig3(ACCOUNT.token, String(NOW_S), '7'), timestamp: String(NOW_S), nonce: '7', encrypt_type: 'aes', msg_signature: msgSignature(ACCOUNT.token, String(NOW_S), '7', 'AAAA') });
    expect((await fetch(`${url}?${q}`, { method: 'POST', body: '<xml><Encrypt><![CDATA[AAAA]]></Encrypt></xml>' })).status).toBe(400);
    expect(bot.handled).toHaveLength(0);
  });
});

describe('POST /wechat messages', () => {
  it('plain mode: passive text reply with To/From swapped; MsgId kept a string; Content " 00123 " kept', async () => {
    const { url, bot } = await setup();
    const res = await postPlain(url, fixture('text-leading-zeros.xml'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    const reply = parseWechatXml(await res.text());
    expect(reply).toMatchObject({ ToUserName: 'oResident0001', FromUserName: 'gh_banshi', MsgType: 'text', Content: '收到： 00123 ', CreateTime: String(NOW_S) });
    expect(bot.handled[0]).toMatchObject({ id: expect.stringMatching(/^6054768590064713728:[0-9a-f]{24}$/), text: ' 00123 ', userId: 'oResident0001', conversationId: 'wechat-mp:oResident0001' });
  });

  it.each(['ours', 'wecom'] as const)('safe mode round trip, request encrypted with %s crypto; reply encrypted and signed', async (using) => {
    const { url, bot } = await setup();
    const res = await postSafe(url, textXml({ from: 'oSafe', content: '办事指南', msgId: '6054768590064713728' }), { using });
    expect(res.status).toBe(200);
    const reply = openEncryptedReply(await res.text());
    expect(reply).toMatchObject({ ToUserName: 'oSafe', FromUserName: ACCOUNT.original, MsgType: 'text', Content: '收到：办事指南' });
    expect(bot.handled[0]?.id).toMatch(/^6054768590064713728:/);
  });

  it('compatible mode (plaintext plus Encrypt) uses the decrypted message and answers encrypted', async () => {
    const { url, bot } = await setup();
    const res = await postSafe(url, textXml({ from: 'oCompat', content: '兼容', msgId: '777' }), { compat: true });
    expect(openEncryptedReply(await res.text())).toMatchObject({ Content: '收到：兼容' });
    expect(bot.handled).toHaveLength(1);
  });

  it.each(['event-view.xml', 'event-location.xml', 'event-templatesendjobfinish.xml'])('%s → success at once, no turn', async (name) => {
    const { url, bot } = await setup();
    const res = await postPlain(url, fixture(name));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('success');
    expect(bot.handled).toHaveLength(0);
  });

  it('unknown MsgType → success, no turn', async () => {
    const { url, bot } = await setup();
    const res = await postPlain(url, textXml({ from: 'oR', content: 'x', msgId: '5' }).replace('[CDATA[text]]', '[CDATA[miniprogrampage]]'));
    expect(await res.text()).toBe('success');
    expect(bot.handled).toHaveLength(0);
  });

  it('CLICK → a menu turn; subscribe with qrscene_ → the scene', async () => {
    const { url, bot } = await setup();
    await postPlain(url, fixture('event-click.xml').replace('123456789', String(NOW_S)));
    await postPlain(url, fixture('event-subscribe-qrscene.xml').replace('123456789', String(NOW_S)));
    expect(bot.handled.map((m) => m.kind)).toEqual(['menu', 'subscribe']);
    expect(bot.handled[1]).toMatchObject({ scene: 'hall_3f' });
  });

  it('several replies: the first passively, the rest through ChannelDelivery in order; long text split; article as news', async () => {
    const { url, bot, delivery } = await setup({ textLimitBytes: 100 });
    bot.replies = () => [
      { kind: 'article', title: '公积金提取', url: 'https://x.gov.cn/gjj', description: '指南' },
      { kind: 'text', text: `${'一'.repeat(30)}\n${'二'.repeat(30)}` },
      { kind: 'choices', text: '还需要什么？', options: [{ label: '预约' }, { label: '人工' }] },
    ];
    const res = await postPlain(url, textXml({ from: 'oMany', content: '公积金', msgId: '300' }));
    expect(parseWechatXml(await res.text())).toMatchObject({ MsgType: 'news', ArticleCount: '1' });
    await delivery.until(3);
    expect(delivery.calls).toHaveLength(1);
    expect(delivery.calls[0]?.to).toEqual({ channel: 'wechat-mp', userId: 'oMany', conversationId: 'wechat-mp:oMany' });
    expect(delivery.messages).toEqual([
      { kind: 'text', text: '一'.repeat(30) },
      { kind: 'text', text: '二'.repeat(30) },
      { kind: 'text', text: '还需要什么？\n1. 预约\n2. 人工\n回复数字即可选择' },
    ]);
  });

  it('a slow turn: success within the budget, then every reply through ChannelDelivery in order', async () => {
    const { url, bot, delivery } = await setup({ replyBudgetMs: 100 });
    const release = deferred<void>();
    bot.gate = release.promise;
    bot.replies = () => [
      { kind: 'text', text: '第一条' },
      { kind: 'text', text: '第二条' },
    ];
    const res = await postSafe(url, textXml({ from: 'oSlow', content: '慢', msgId: '400' }));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('success');
    expect(delivery.calls).toHaveLength(0);
    release.resolve();
    await delivery.until(2);
    expect(delivery.messages).toEqual([
      { kind: 'text', text: '第一条' },
      { kind: 'text', text: '第二条' },
    ]);
    expect(bot.handled).toHaveLength(1);
  });

  it('a turn that throws gets a polite passive reply, is logged, and its retry does not run it again', async () => {
    const { url, bot } = await setup();
    bot.replies = () => {
      throw new Error('boom');
    };
    const xml = textXml({ from: 'oErr', content: 'x', msgId: '500' });
    const first = await postPlain(url, xml);
    expect(first.status).toBe(200);
    expect(parseWechatXml(await first.text()).Content).toBe(texts.error);
    const retry = await postPlain(url, xml);
    expect(await retry.text()).toBe('success');
    expect(bot.handled).toHaveLength(1);
  });
});

describe('changing the EncodingAESKey (WECHAT_ENCODING_AES_KEY_PREVIOUS)', () => {
  const NEW_KEY = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';
  const contentOf = (body: string, key: string) => parseWechatXml(createWechatCipher(key, ACCOUNT.appId).decrypt(parseWechatXml(body).Encrypt!).message).Content;

  it('opens messages sealed with either key and answers each with the key that opened it', async () => {
    const { url, bot } = await setup({ encodingAesKey: NEW_KEY, previousEncodingAesKey: ACCOUNT.encodingAesKey });
    const viaOld = await postSafe(url, textXml({ from: 'oKey', content: '旧钥', msgId: '7001' }));
    expect(viaOld.status).toBe(200);
    expect(contentOf(await viaOld.text(), ACCOUNT.encodingAesKey)).toBe('收到：旧钥');
    const viaNew = await postSafe(url, textXml({ from: 'oKey', content: '新钥', msgId: '7002' }), { encodingAesKey: NEW_KEY });
    expect(contentOf(await viaNew.text(), NEW_KEY)).toBe('收到：新钥');
    expect(bot.handled.map((m) => (m.kind === 'text' ? m.text : m.kind))).toEqual(['旧钥', '新钥']);
  });

  it('a message neither key opens is refused and never reaches the bot; without the previous key the old one is refused', async () => {
    const { url, bot } = await setup({ encodingAesKey: NEW_KEY, previousEncodingAesKey: ACCOUNT.encodingAesKey });
    const stranger = await postSafe(url, textXml({ from: 'oKey', content: '陌生', msgId: '7003' }), { encodingAesKey: 'k'.repeat(43) });
    expect([400, 401]).toContain(stranger.status);
    const strict = await setup({ encodingAesKey: NEW_KEY });
    expect([400, 401]).toContain((await postSafe(strict.url, textXml({ from: 'oKey', content: '旧钥', msgId: '7004' }))).status);
    expect([...bot.handled, ...strict.bot.handled]).toHaveLength(0);
  });
});

describe('exactly once under the platform retries', () => {
  it('4 deliveries of one MsgId (1 + 3 retries, one while the first is in flight): the turn runs once, the reply goes out once', async () => {
    const { url, bot, delivery } = await setup({ replyBudgetMs: 150, pollMs: 10 });
    const release = deferred<void>();
    bot.gate = release.promise;
    const xml = textXml({ from: 'oRetry', content: '进度', msgId: '6054768590064713999' });

    // First attempt: the turn is held past its budget → success.
    const first = postSafe(url, xml, { nonce: '1' });
    await bot.started.promise;
    // Retry 1 arrives while the first is still running, and also times out → success.
    const second = postSafe(url, xml, { nonce: '2' });
    expect(await (await first).text()).toBe('success');
    expect(await (await second).text()).toBe('success');
    // Retry 2 is in flight when the turn finishes.
    const third = postSafe(url, xml, { nonce: '3' });
    release.resolve();
    const thirdBody = await (await third).text();
    // Retry 3 after everything is done.
    const fourthBody = await (await postSafe(url, xml, { nonce: '4' })).text();
    await servers[0]!.webhook.drain();

    expect(bot.handled).toHaveLength(1);
    const passive = [thirdBody, fourthBody].filter((b) => b !== 'success').map((b) => openEncryptedReply(b).Content);
    const delivered = delivery.messages.map((m) => (m.kind === 'text' ? m.text : m.kind));
    expect([...passive, ...delivered]).toEqual(['收到：进度']);
  });

  it('a retry that arrives while the first attempt is still within its budget picks up the reply without re-running', async () => {
    const { url, bot, delivery } = await setup({ replyBudgetMs: 2000, pollMs: 10 });
    const release = deferred<void>();
    bot.gate = release.promise;
    const xml = textXml({ from: 'oRace', content: '排队', msgId: '901' });
    const first = postPlain(url, xml, { nonce: '1' });
    await bot.started.promise;
    const retry = postPlain(url, xml, { nonce: '2' });
    release.resolve();
    const bodies = await Promise.all([(await first).text(), (await retry).text()]);
    await servers[0]!.webhook.drain();
    expect(bot.handled).toHaveLength(1);
    expect(bodies.filter((b) => b === 'success')).toHaveLength(1);
    expect(bodies.filter((b) => b !== 'success').map((b) => parseWechatXml(b).Content)).toEqual(['收到：排队']);
    expect(delivery.calls).toHaveLength(0);
  });

  it('events dedupe on FromUserName + CreateTime + Event', async () => {
    const { url, bot } = await setup();
    const xml = fixture('event-subscribe.xml').replace('123456789', String(NOW_S));
    for (let i = 0; i < 4; i++) await postPlain(url, xml, { nonce: String(i) });
    expect(bot.handled).toHaveLength(1);
  });
});
