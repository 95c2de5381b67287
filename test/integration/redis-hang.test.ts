import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frozenClock } from '../../bot/clock';
import { composeBot, type Composed } from '../../bot/compose';
import { createLogger } from '../../bot/logger';
import { outboundAsText } from '../../bot/message';
import { validReference } from '../../bot/references';
import { texts } from '../../bot/texts';
import { connectRedis, RedisConversationStore, type RedisClient } from '../../integrations/redis';
import { connectTestRedis, deleteKeys, REDIS_URL, testPrefix } from '../contract/redis-test-env';
import { parseWechatXml } from '../../integrations/wechat-mp/webhook/xml';
import { ACCOUNT, NOW_S, postPlain, RecordingDelivery, startWebhookServer, textXml } from '../fixtures/wechat/harness';
import { RedisProxy } from './redis-proxy';

/**
 * Redis hangs in the middle of a turn (a TCP proxy holds the bytes of one command and everything
 * after it, then lets them through). Whatever the point, the resident either gets the real
 * answer once Redis is back, or is asked to send again with nothing applied — never a filing
 * they were told failed, never a duplicate, and a turn given up on does not hold the
 * conversation for the 30 s lease.
 */
const target = new URL(REDIS_URL);
const proxy = new RedisProxy({ host: target.hostname, port: Number(target.port || 6379) });
const prefix = testPrefix('hang');
const logs: { msg: string; err?: { message?: string } }[] = [];
let composed: Composed;
let admin: RedisClient;

beforeAll(async () => {
  await proxy.start();
  admin = await connectTestRedis();
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void logs.push(JSON.parse(line)) } });
  composed = await composeBot({ env: { REDIS_URL: proxy.url, KEY_PREFIX: prefix, REDIS_COMMAND_TIMEOUT_MS: '300' }, logger });
});

afterAll(async () => {
  await composed?.close();
  await proxy.cut();
  await deleteKeys(admin, prefix);
  await admin.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function say(user: string, text: string, id: string = randomUUID()): Promise<string[]> {
  const result = await composed.bot.handle({ kind: 'text', text, id, channel: 'test', userId: user, conversationId: `test:${user}`, receivedAt: Date.now() });
  return result.replies.map(outboundAsText);
}

/** A resident with a suggestion ready at the confirm step. */
async function readyToSubmit(): Promise<string> {
  const user = `u-${randomUUID().slice(0, 8)}`;
  for (const text of ['意见建议', '2', '希望网上预约能选具体窗口', '跳过', '否']) await say(user, text);
  return user;
}

/** The work orders a resident has filed, newest first. */
async function ordersOf(user: string): Promise<string[]> {
  return (await composed.workOrders.listByResident(`test:${user}`, 10)).map((o) => o.reference);
}

/** Bytes only the write-back of a filing's turn carries: the receipt, kept for 再说一遍. */
const RECEIPT = '已收到，谢谢您！工单号';

/** Runs `turn` while the proxy holds the bytes from `marker` on for `holdMs`, then lets them through. */
async function hangAt<T>(marker: string, holdMs: number, turn: () => Promise<T>): Promise<{ result: T; settledWhileHung: boolean }> {
  const frozen = proxy.freezeAt(marker);
  let settled = false;
  const running = turn().finally(() => (settled = true));
  await frozen;
  await sleep(holdMs);
  const settledWhileHung = settled;
  proxy.thaw();
  return { result: await running, settledWhileHung };
}

describe('Redis hangs mid-turn', () => {
  it('at the write-back of a filing: the resident gets the real answer once Redis is back, and one order', async () => {
    const user = await readyToSubmit();
    // Far longer than the command timeout (300 ms): the write-back is waited for, not given up on.
    const { result, settledWhileHung } = await hangAt(RECEIPT, 1_500, () => say(user, '确认提交'));
    expect(settledWhileHung).toBe(false);
    expect(result[0]).toMatch(/^已收到，谢谢您！工单号 (GD\d{14})。/);
    const reference = /工单号 (GD\d{14})/.exec(result[0]!)![1]!;
    expect(validReference(reference)).toBe(true);
    expect(await ordersOf(user)).toEqual([reference]);
    // The flow moved on: the conversation is at rest, not at the confirm step.
    expect((await say(user, '确认提交')).join('\n')).not.toContain('已收到');
    expect(await ordersOf(user)).toEqual([reference]);
  });

  it('while issuing the number: told it did not go through (true: nothing filed); trying again files it once', async () => {
    const user = await readyToSubmit();
    const { result } = await hangAt(`ref:GD:`, 1_000, () => say(user, '确认提交'));
    expect(result[0]).toMatch(/^抱歉，系统暂时没能提交成功，您填的内容都还在。/);
    expect(await ordersOf(user)).toEqual([]);
    const retried = await say(user, '再试一次');
    expect(retried[0]).toMatch(/^已收到，谢谢您！工单号 GD\d{14}。/);
    const reference = /工单号 (GD\d{14})/.exec(retried[0]!)![1]!;
    expect(await ordersOf(user)).toEqual([reference]);
  });

  it('at the start of a turn: asked to send again, nothing applied, and the conversation is not held for the lease', async () => {
    const user = `u-${randomUUID().slice(0, 8)}`;
    expect((await say(user, '意见建议'))[0]).toContain('感谢您反映情况');
    expect((await say(user, '2'))[0]).toContain('请具体说说');
    const id = `hang-${randomUUID()}`;
    const { result } = await hangAt(id, 1_000, () => say(user, '公众号的字太小了', id));
    expect(result).toEqual([texts.error]);
    expect(logs.find((l) => l.msg === 'turn failed')?.err?.message).toBe('redis unavailable: ConversationLock.acquire no reply within 300 ms');
    // The late acquire ran when Redis came back, and the abandon queued behind it handed the turn on.
    const lock = `${prefix}lock:conv:test:${user}`;
    await expect.poll(async () => (await admin.hGet(`${lock}:serving`, 'n')) === (await admin.get(`${lock}:ticket`)), { timeout: 5_000 }).toBe(true);
    expect(await admin.get(`${prefix}dedup:test:${id}`)).toBeNull();
    // Logged when the abandon's reply reaches the bot's client, which may be just after Redis applied it.
    await expect.poll(() => logs.map((l) => l.msg), { timeout: 5_000 }).toContain('RedisConversationLock: a turn given up on was handed on');
    // Nothing was applied: the question is still the one before the hang.
    expect(await say(user, '公众号的字太小了，老人看不清')).toEqual(['有照片的话可以发一张，能帮我们更快了解情况；没有请回复“跳过”。']);
  });
});

describe('Redis hangs mid-turn behind the WeChat webhook', () => {
  it('past the 5-second budget: "success" now, the real answer through the customer-service path once Redis is back', async () => {
    const delivery = new RecordingDelivery();
    const server = await startWebhookServer({
      options: { token: ACCOUNT.token, appId: ACCOUNT.appId, replyBudgetMs: 300 },
      bot: composed.bot,
      delivery,
      deduper: composed.stores.deduper,
      sessions: composed.stores.sessions,
      clock: frozenClock(NOW_S * 1000),
    });
    try {
      const openid = `oHang${randomUUID().replaceAll('-', '').slice(0, 20)}`;
      let n = 0;
      const post = async (content: string) => {
        n += 1;
        const res = await postPlain(server.url, textXml({ from: openid, content, msgId: `60547685900${n}${randomUUID().replace(/\D/g, '').slice(0, 6)}` }), { nonce: `${n}${Date.now()}` });
        const body = await res.text();
        return body === 'success' ? body : parseWechatXml(body).Content;
      };
      for (const text of ['意见建议', '2', '希望网上预约能选具体窗口', '跳过', '否']) await post(text);
      await server.webhook.drain();
      const before = delivery.messages.length;
      const { result } = await hangAt(RECEIPT, 1_500, () => post('确认提交'));
      expect(result).toBe('success');
      await server.webhook.drain();
      const late = delivery.messages.slice(before).map(outboundAsText);
      expect(late).toEqual([expect.stringMatching(/^已收到，谢谢您！工单号 GD\d{14}。/)]);
    } finally {
      await server.webhook.drain();
      await server.close();
    }
  });
});

describe('the write-back of a turn, on the wire', () => {
  const keys = (claim: string) => ({ claim, claimTtlSeconds: 60, conversation: 'conv:wire', state: 'wire' });
  const save = (value: unknown) => ({ kind: 'save' as const, value, ttlSeconds: 60 });
  let client: RedisClient;
  let store: RedisConversationStore;
  const wirePrefix = testPrefix('hang-wire');

  beforeAll(async () => {
    client = await connectRedis(proxy.url, createLogger({ level: 'silent' }), { commandTimeoutMs: 300 });
    store = new RedisConversationStore(client, { logger: createLogger({ level: 'silent' }), prefix: wirePrefix, leaseMs: 300 });
  });
  afterAll(async () => {
    await client.close();
    await deleteKeys(admin, wirePrefix);
  });

  it('a write-back still hung when the lease runs out is refused when it finally arrives: the turn says so, nothing applied', async () => {
    await store.turn(keys('w0'), async () => ({ result: 0, write: save('before') }));
    const frozen = proxy.freezeAt('"after the hang"');
    const turn = store.turn(keys('w1'), async () => ({ result: 1, write: save('after the hang'), records: [{ key: 'rec:feedback:W1', value: 1, ttlSeconds: 60 }] }));
    await frozen;
    await expect(turn).rejects.toMatchObject({ name: 'TurnNotSavedError', reason: 'lease-lapsed' });
    proxy.thaw();
    // The held write reaches Redis now, past the lease: the script refuses it and hands the turn on.
    await expect.poll(async () => client.hGet(`${wirePrefix}lock:conv:wire:serving`, 'n'), { timeout: 5_000 }).toBe('2');
    expect(await client.get(`${wirePrefix}sess:wire`)).toBe('"before"');
    expect(await client.get(`${wirePrefix}sess:rec:feedback:W1`)).toBeNull();
    expect(await client.get(`${wirePrefix}dedup:w1`)).toBeNull();
  });

  it.each(['before', 'after'] as const)('a connection cut %s the write-back reached Redis: sent again, applied once', async (when) => {
    await store.turn(keys(`c0-${when}`), async () => ({ result: 0, write: save('before') }));
    const value = `after the cut ${when}`;
    const cut = proxy.cutAt(`"${value}"`, when);
    const turn = store.turn(keys(`c1-${when}`), async () => ({ result: 'ok', write: save(value), records: [{ key: `rec:feedback:C-${when}`, value: 1, ttlSeconds: 60 }] }));
    await cut;
    expect(await turn).toEqual({ duplicate: false, result: 'ok' });
    expect(await client.get(`${wirePrefix}sess:wire`)).toBe(JSON.stringify(value));
    expect(await client.get(`${wirePrefix}sess:rec:feedback:C-${when}`)).toBe('1');
    expect(await client.get(`${wirePrefix}dedup:c1-${when}`)).toMatch(/^done:/);
  });
});
