import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { frozenClock, ManualClock } from '../../bot/clock';
import { silentLogger } from '../../bot/logger';
import { MemoryDeduper, MemorySessionStore } from '../../bot/memory';
import type { Clock, Deduper, SessionStore } from '../../bot/ports';
import { createRedisPorts, type RedisClient } from '../../integrations/redis';
import { createWechatCipher } from '../../integrations/wechat-mp/webhook/crypto';
import type { WechatWebhookOptions } from '../../integrations/wechat-mp/webhook/router';
import { parseWechatXml } from '../../integrations/wechat-mp/webhook/xml';
import { connectTestRedis, deleteKeys, testPrefix } from '../contract/redis-test-env';
import { ACCOUNT, deferred, FakeBot, NOW_S, postPlain, RecordingDelivery, send, signPlain, signSafe, startWebhookServer, textXml, type TestServer } from '../fixtures/wechat/harness';

/**
 * The webhook's doors, tried as an attacker with a copied URL would: downgrades to plain mode,
 * replayed timestamp + nonce pairs, and another resident's MsgId. In memory (one instance) and
 * on Redis (the replay goes to a second instance sharing the store).
 */

let redis: RedisClient | undefined;
const prefix = testPrefix('wechat-doors');
let servers: TestServer[] = [];

beforeAll(async () => {
  redis = await connectTestRedis();
});
afterEach(async () => {
  for (const s of servers) {
    await s.webhook.drain();
    await s.close();
  }
  servers = [];
});
afterAll(async () => {
  await deleteKeys(redis!, prefix);
  await redis!.close();
});

interface Instance {
  url: string;
  bot: FakeBot;
  delivery: RecordingDelivery;
}

/** Two webhooks over one store: the same instance twice in memory, two instances on Redis. */
async function pair(store: 'memory' | 'redis', options: Partial<WechatWebhookOptions> = {}, clock: Clock = frozenClock(NOW_S * 1000)): Promise<[Instance, Instance]> {
  const make = async (deduper: Deduper, sessions: SessionStore): Promise<Instance> => {
    const bot = new FakeBot(deduper);
    const delivery = new RecordingDelivery();
    const plain = options.messageMode === 'plain';
    const server = await startWebhookServer({
      options: { token: ACCOUNT.token, appId: ACCOUNT.appId, ...(plain ? {} : { encodingAesKey: ACCOUNT.encodingAesKey }), replyBudgetMs: 300, pollMs: 10, ...options },
      bot,
      delivery,
      deduper,
      sessions,
      clock,
    });
    servers.push(server);
    return { url: server.url, bot, delivery };
  };
  if (store === 'memory') {
    const one = await make(new MemoryDeduper({ clock, sweepMs: false }), new MemorySessionStore({ clock, sweepMs: false }));
    return [one, one];
  }
  const ports = createRedisPorts(redis!, { logger: silentLogger(), prefix });
  return [await make(ports.deduper, ports.sessions), await make(ports.deduper, ports.sessions)];
}

const handledTexts = (...instances: Instance[]) => [...new Set(instances)].flatMap((i) => i.bot.handled.map((m) => (m.kind === 'text' ? m.text : m.kind)));
const contentOf = (body: string) => {
  const envelope = parseWechatXml(body);
  const xml = envelope.Encrypt ? createWechatCipher(ACCOUNT.encodingAesKey, ACCOUNT.appId).decrypt(envelope.Encrypt).message : body;
  return parseWechatXml(xml).Content;
};
let msgSerial = 6054768590064800000n;
const nextMsgId = () => String(msgSerial++);

describe.each(['memory', 'redis'] as const)('replayed and downgraded requests (%s)', (store) => {
  it('safe mode (the default with a key): a plain request is a downgrade, refused even with a valid URL signature', async () => {
    const [a, b] = await pair(store);
    const captured = signSafe(textXml({ from: 'oVictim', content: '我要办社保', msgId: nextMsgId() }));
    expect((await send(a.url, captured)).status).toBe(200);
    // The attacker keeps signature, timestamp and nonce, drops encrypt_type and posts plaintext as the resident.
    const query = new URLSearchParams(captured.query);
    query.delete('encrypt_type');
    query.delete('msg_signature');
    const forged = textXml({ from: 'oVictim', content: '再说一遍', msgId: nextMsgId() });
    expect((await send(b.url, { query: query.toString(), body: forged })).status).toBe(401);
    // A fresh, correctly signed plain request is refused too: the plain signature does not cover the body.
    expect((await postPlain(b.url, forged)).status).toBe(401);
    expect(handledTexts(a, b)).toEqual(['我要办社保']);
  });

  it('plain mode: a copied URL carries one message — another body is 401 and never reaches the bot; the same body again is a retry', async () => {
    const [a, b] = await pair(store, { messageMode: 'plain' });
    const msgId = nextMsgId();
    const original = signPlain(textXml({ from: 'oVictim', content: '我的身份证号是110105194912310021', msgId }));
    expect(contentOf(await (await send(a.url, original)).text())).toBe('收到：我的身份证号是110105194912310021');
    for (const content of ['再说一遍', '删除我的对话记录']) {
      const replay = await send(b.url, { query: original.query, body: textXml({ from: 'oVictim', content, msgId: nextMsgId() }) });
      expect(replay.status).toBe(401);
      expect(await replay.text()).not.toContain('110105');
    }
    const retry = await send(b.url, original);
    expect(retry.status).toBe(200);
    expect(await retry.text()).toBe('success');
    expect(handledTexts(a, b)).toEqual(['我的身份证号是110105194912310021']);
  });

  it('compatible mode takes plain and encrypted requests, and the one-message-per-URL rule holds for both', async () => {
    const [a, b] = await pair(store, { messageMode: 'compatible' });
    const plain = signPlain(textXml({ from: 'oCompat', content: '明文', msgId: nextMsgId() }));
    const safe = signSafe(textXml({ from: 'oCompat', content: '密文', msgId: nextMsgId() }));
    expect(contentOf(await (await send(a.url, plain)).text())).toBe('收到：明文');
    expect(contentOf(await (await send(a.url, safe)).text())).toBe('收到：密文');
    expect((await send(b.url, { query: plain.query, body: textXml({ from: 'oCompat', content: 'x', msgId: nextMsgId() }) })).status).toBe(401);
    expect((await send(b.url, { query: safe.query, body: plain.body })).status).toBe(401);
    expect(handledTexts(a, b)).toEqual(['明文', '密文']);
  });

  it('plain mode refuses an encrypted request (the console and the server disagree): 400, nothing processed', async () => {
    const [a] = await pair(store, { messageMode: 'plain' });
    expect((await send(a.url, signSafe(textXml({ from: 'oMode', content: '密文', msgId: nextMsgId() })))).status).toBe(400);
    expect(a.bot.handled).toHaveLength(0);
  });

  it('the same MsgId from two residents is two messages, each answered with its own reply', async () => {
    const [a, b] = await pair(store);
    const msgId = nextMsgId();
    const first = await send(a.url, signSafe(textXml({ from: 'oResidentA', content: '社保卡', msgId })));
    const second = await send(b.url, signSafe(textXml({ from: 'oResidentB', content: '公积金', msgId })));
    expect(contentOf(await first.text())).toBe('收到：社保卡');
    expect(contentOf(await second.text())).toBe('收到：公积金');
    expect(handledTexts(a, b).sort()).toEqual(['公积金', '社保卡']);
  });

  it("another OpenID sending a resident's MsgId while the resident's turn is slow never receives the resident's replies", async () => {
    const [a, b] = await pair(store, { messageMode: 'plain', replyBudgetMs: 100 });
    const release = deferred<void>();
    a.bot.gate = release.promise;
    b.bot.gate = release.promise;
    const msgId = nextMsgId();
    const victim = send(a.url, signPlain(textXml({ from: 'oVictim', content: '我的住址是幸福路1号', msgId })));
    await a.bot.started.promise;
    expect(await (await victim).text()).toBe('success');
    const intruder = send(b.url, signPlain(textXml({ from: 'oIntruder', content: '你好', msgId })));
    release.resolve();
    const body = await (await intruder).text();
    expect(body).not.toContain('幸福路');
    expect(body === 'success' || contentOf(body) === '收到：你好').toBe(true);
    await Promise.all(servers.map((s) => s.webhook.drain()));
    const deliveredTo = [...new Set([a, b])].flatMap((i) => i.delivery.calls.flatMap((c) => c.messages.map((m) => `${c.to.userId}:${m.kind === 'text' ? m.text : m.kind}`)));
    expect(deliveredTo).toContain('oVictim:收到：我的住址是幸福路1号');
    expect(deliveredTo.filter((d) => d.includes('幸福路') && !d.startsWith('oVictim:'))).toEqual([]);
    // And the intruder's own message is a message of its own, answered.
    expect(handledTexts(a, b).sort()).toEqual(['你好', '我的住址是幸福路1号']);
  });
});

describe('when the replay check cannot answer', () => {
  it('a store error on the pair claims costs no message: the turn runs and the resident is answered', async () => {
    /** A store whose pair claims fail (an outage of that part of the store), the rest working. */
    class FailingPairs extends MemoryDeduper {
      override async claim(key: string, ttl: number): Promise<boolean> {
        if (key.startsWith('wechat-mp:pair:')) throw new Error('store unavailable');
        return super.claim(key, ttl);
      }
    }
    const deduper = new FailingPairs({ sweepMs: false });
    const bot = new FakeBot(deduper);
    const server = await startWebhookServer({
      options: { token: ACCOUNT.token, appId: ACCOUNT.appId, encodingAesKey: ACCOUNT.encodingAesKey },
      bot,
      delivery: new RecordingDelivery(),
      deduper,
      sessions: new MemorySessionStore({ sweepMs: false }),
      clock: frozenClock(NOW_S * 1000),
    });
    servers.push(server);
    const res = await send(server.url, signSafe(textXml({ from: 'oOutage', content: '在吗', msgId: nextMsgId() })));
    expect(res.status).toBe(200);
    expect(contentOf(await res.text())).toBe('收到：在吗');
  });
});

describe('when the reply ledger cannot be written', () => {
  it('the resident is still answered passively, and follow-on replies still go out', async () => {
    /** A store whose writes of the webhook's records fail (an outage), reads answering "nothing". */
    class FailingLedger extends MemorySessionStore {
      override async set(key: string, value: unknown, ttl: number): Promise<void> {
        if (key.startsWith('wechat-mp:reply:')) throw new Error('store unavailable');
        return super.set(key, value, ttl);
      }
    }
    const deduper = new MemoryDeduper({ sweepMs: false });
    const bot = new FakeBot(deduper);
    bot.replies = () => [
      { kind: 'text', text: '抱歉，系统开小差了' },
      { kind: 'text', text: '第二条' },
    ];
    const delivery = new RecordingDelivery();
    const server = await startWebhookServer({
      options: { token: ACCOUNT.token, appId: ACCOUNT.appId, encodingAesKey: ACCOUNT.encodingAesKey },
      bot,
      delivery,
      deduper,
      sessions: new FailingLedger({ sweepMs: false }),
      clock: frozenClock(NOW_S * 1000),
    });
    servers.push(server);
    const res = await send(server.url, signSafe(textXml({ from: 'oLedger', content: 'x', msgId: nextMsgId() })));
    expect(contentOf(await res.text())).toBe('抱歉，系统开小差了');
    await server.webhook.drain();
    expect(delivery.messages).toEqual([{ kind: 'text', text: '第二条' }]);
  });
});

describe('every replay-related record outlives the timestamp window', () => {
  it('memory, clock moving: a copy of a request taken at −window and sent at +window never reruns the turn; another body is still 401', async () => {
    const windowS = 300;
    const clock = new ManualClock((NOW_S - windowS) * 1000);
    const [a] = await pair('memory', { messageMode: 'plain', timestampWindowS: windowS }, clock);
    const original = signPlain(textXml({ from: 'oEdge', content: '提交', msgId: nextMsgId() }));
    expect((await send(a.url, original)).status).toBe(200);
    clock.set((NOW_S + windowS) * 1000);
    // The runtime's own message-id claim (600 s) has lapsed by now; the webhook's records have not.
    const copy = await send(a.url, original);
    expect(copy.status).toBe(200);
    expect(await copy.text()).toBe('success');
    expect((await send(a.url, { query: original.query, body: textXml({ from: 'oEdge', content: '撤回', msgId: nextMsgId() }) })).status).toBe(401);
    expect(a.bot.handled).toHaveLength(1);
    clock.advance(1000);
    expect((await send(a.url, original)).status).toBe(401); // now outside the window
  });

  it('Redis: the pair claims live until the timestamp leaves the window; the reply ledger for twice the window', async () => {
    const windowS = 300;
    const [a] = await pair('redis', { messageMode: 'plain', timestampWindowS: windowS });
    const msgId = nextMsgId();
    const request = signPlain(textXml({ from: 'oTtl', content: 'ttl', msgId }), { timestamp: String(NOW_S), nonce: '777000111' });
    expect((await send(a.url, request)).status).toBe(200);
    const keys: string[] = [];
    let cursor = '0';
    do {
      const reply = await redis!.scan(cursor, { MATCH: `${prefix}*`, COUNT: 500 });
      cursor = String(reply.cursor);
      keys.push(...reply.keys);
    } while (cursor !== '0');
    const pairKeys = keys.filter((k) => k.includes(`pair:${NOW_S}:777000111`));
    expect(pairKeys).toHaveLength(2);
    // The clock is frozen at the request's timestamp, so the claims must last the whole window ahead.
    for (const key of pairKeys) expect(await redis!.ttl(key)).toBeGreaterThanOrEqual(windowS);
    const ledgerKey = keys.find((k) => k.includes(`wechat-mp:reply:${msgId}`));
    expect(ledgerKey).toBeDefined();
    expect(await redis!.ttl(ledgerKey!)).toBeGreaterThanOrEqual(2 * windowS);
    const claim = keys.find((k) => k.endsWith(`dedup:wechat-mp:${msgId}:${a.bot.handled[0]!.id.split(':')[1]}`));
    expect(await redis!.ttl(claim!)).toBeGreaterThanOrEqual(2 * windowS);
  });
});
