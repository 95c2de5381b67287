import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Bot } from '../../bot/bot';
import { frozenClock } from '../../bot/clock';
import { silentLogger } from '../../bot/logger';
import { MemoryConversationLock, MemoryDeduper, MemorySessionStore } from '../../bot/memory';
import type { InboundMessage, OutboundMessage } from '../../bot/message';
import type { ConversationLock, Deduper, SessionStore } from '../../bot/ports';
import { createRedisPorts, type RedisClient } from '../../integrations/redis';
import type { MemoryOutboundQueue } from '../../integrations/wechat-mp/api/queue';
import { startWechatChannel, type WechatChannel } from '../../integrations/wechat-mp/channel';
import { createWechatCipher } from '../../integrations/wechat-mp/webhook/crypto';
import { parseWechatXml } from '../../integrations/wechat-mp/webhook/xml';
import { connectTestRedis, deleteKeys, testPrefix } from '../contract/redis-test-env';
import { FakeWechatPlatform, type CustomSendBody } from '../fakes/wechat-platform';
import { ACCOUNT, deferred, FakeBot, NOW_S, send, sendAndHangUp, serveWebhook, signSafe, textXml, type TestServer } from '../fixtures/wechat/harness';

/**
 * A reply must not be lost when the connection drops after the turn (a proxy reset, the
 * platform giving up): the webhook wired as in production (`startWechatChannel`, the outbound
 * queue) against the fake platform API, over real HTTP in safe mode, with a client that hangs
 * up before reading the answer. The resident receives every reply exactly once.
 */

const SECRET = 'drop-test-secret';

interface Instance {
  channel: WechatChannel;
  server: TestServer;
  bot: FakeBot;
}

let platform: FakeWechatPlatform;
let instances: Instance[] = [];
let redis: RedisClient | undefined;
let prefix = '';

beforeAll(async () => {
  redis = await connectTestRedis();
});
afterAll(async () => {
  await redis!.close();
});
beforeEach(async (ctx) => {
  platform = await FakeWechatPlatform.start({ appid: ACCOUNT.appId, secret: SECRET });
  prefix = testPrefix('wechat-drop');
  ctx.onTestFinished(async () => {
    for (const i of instances) {
      await i.server.close();
      await i.channel.close();
    }
    instances = [];
    await platform.close();
    await deleteKeys(redis!, prefix);
  });
});

/** One app instance: the channel (webhook + platform API + queue) around a FakeBot, served over HTTP. */
async function instance(state: { sessions: SessionStore; lock: ConversationLock; deduper: Deduper }, useRedis: boolean, replies?: (m: InboundMessage) => OutboundMessage[]): Promise<Instance> {
  const bot = new FakeBot(state.deduper);
  bot.replies = replies;
  const channel = await startWechatChannel({
    config: {
      enabled: true,
      token: ACCOUNT.token,
      appId: ACCOUNT.appId,
      appSecret: SECRET,
      encodingAesKey: ACCOUNT.encodingAesKey,
      messageMode: 'safe',
      apiBase: platform.base,
      replyBudgetMs: 2000,
      timestampWindowS: 300,
      bodyLimitBytes: 64 * 1024,
      textLimitBytes: 2048,
    },
    env: { WECHAT_SEND_ATTEMPTS: '3', WECHAT_SEND_BACKOFF_MS: '10' },
    bot: bot as Bot,
    ...state,
    clock: frozenClock(NOW_S * 1000),
    logger: silentLogger(),
    ...(useRedis ? { redis: { client: redis!, keyPrefix: prefix } } : {}),
  });
  const made = { channel, server: await serveWebhook(channel.webhook), bot };
  instances.push(made);
  return made;
}

function memoryState() {
  const clock = frozenClock(NOW_S * 1000);
  return { sessions: new MemorySessionStore({ clock, sweepMs: false }), lock: new MemoryConversationLock(), deduper: new MemoryDeduper({ clock, sweepMs: false }) };
}

const contents = (messages: CustomSendBody[]) => messages.map((m) => (m.msgtype === 'text' ? m.text.content : m.msgtype));
const passiveContent = (body: string) => parseWechatXml(createWechatCipher(ACCOUNT.encodingAesKey, ACCOUNT.appId).decrypt(parseWechatXml(body).Encrypt!).message).Content;
const threeReplies = (m: InboundMessage): OutboundMessage[] => [
  { kind: 'text', text: `第一条：${m.kind === 'text' ? m.text : ''}` },
  { kind: 'text', text: '第二条' },
  { kind: 'choices', text: '第三条', options: [{ label: '好' }] },
];

/** Sends `xml` to `at`, hangs up while its turn runs, then lets the turn finish. */
async function hangUpDuringTurn(at: Instance, xml: string): Promise<void> {
  const release = deferred<void>();
  at.bot.gate = release.promise;
  const client = sendAndHangUp(at.server.url, signSafe(xml));
  await client.sent;
  await at.bot.started.promise;
  await at.server.connectionClosed(client.hangUp());
  release.resolve();
  await at.channel.webhook.drain();
}

async function settled(...all: Instance[]): Promise<void> {
  for (const i of all) {
    await i.channel.webhook.drain();
    const queue = i.channel.outbound.queue as Partial<MemoryOutboundQueue>;
    if (queue.drained) await queue.drained();
  }
}

describe('a dropped connection after the turn (memory queue)', () => {
  it('one reply: it arrives once as a customer-service message; the platform retry then gets success and nothing more', async () => {
    const a = await instance(memoryState(), false);
    const xml = textXml({ from: 'oDrop1', content: '办居住证', msgId: '6054768590064900001' });
    await hangUpDuringTurn(a, xml);
    await settled(a);
    expect(contents(platform.customMessages('oDrop1'))).toEqual(['收到：办居住证']);
    const retry = await send(a.server.url, signSafe(xml));
    expect(await retry.text()).toBe('success');
    await settled(a);
    expect(contents(platform.customMessages('oDrop1'))).toEqual(['收到：办居住证']);
    expect(a.bot.handled).toHaveLength(1);
  });

  it('three replies: all three arrive in order, once each, the follow-ons included', async () => {
    const a = await instance(memoryState(), false, threeReplies);
    await hangUpDuringTurn(a, textXml({ from: 'oDrop3', content: '换驾照', msgId: '6054768590064900002' }));
    await settled(a);
    expect(contents(platform.customMessages('oDrop3'))).toEqual(['第一条：换驾照', '第二条', '第三条\n1. 好\n回复数字即可选择']);
  });

  it('a client that reads its answer: the head passively, only the follow-ons through the API', async () => {
    const a = await instance(memoryState(), false, threeReplies);
    const res = await send(a.server.url, signSafe(textXml({ from: 'oRead', content: '办护照', msgId: '6054768590064900003' })));
    expect(passiveContent(await res.text())).toBe('第一条：办护照');
    await settled(a);
    expect(contents(platform.customMessages('oRead'))).toEqual(['第二条', '第三条\n1. 好\n回复数字即可选择']);
  });
});

describe('a dropped connection after the turn (Redis, BullMQ, two instances)', () => {
  it("A's client hangs up; the platform retries at B: B answers success and the resident gets every reply once", async () => {
    const ports = createRedisPorts(redis!, { logger: silentLogger(), prefix });
    const state = { sessions: ports.sessions, lock: ports.lock, deduper: ports.deduper };
    const a = await instance(state, true, threeReplies);
    const b = await instance(state, true, threeReplies);
    const xml = textXml({ from: 'oDropRedis', content: '社保转移', msgId: '6054768590064900004' });
    await hangUpDuringTurn(a, xml);
    const retry = await send(b.server.url, signSafe(xml));
    expect(await retry.text()).toBe('success');
    await settled(a, b);
    const expected = ['第一条：社保转移', '第二条', '第三条\n1. 好\n回复数字即可选择'];
    await vi.waitFor(() => expect(contents(platform.customMessages('oDropRedis'))).toEqual(expected), { timeout: 20_000, interval: 25 });
    // Nothing is left queued that could send a copy later.
    await vi.waitFor(
      async () => {
        const waiting = (await redis!.lLen(`${prefix}bull:wechat-outbound:wait`)) + (await redis!.lLen(`${prefix}bull:wechat-outbound:active`)) + (await redis!.zCard(`${prefix}bull:wechat-outbound:delayed`));
        expect(waiting).toBe(0);
      },
      { timeout: 20_000, interval: 25 },
    );
    expect(contents(platform.customMessages('oDropRedis'))).toEqual(expected);
    expect(a.bot.handled.length + b.bot.handled.length).toBe(1);
  });
});
