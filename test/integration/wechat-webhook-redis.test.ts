import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frozenClock } from '../../bot/clock';
import { silentLogger } from '../../bot/logger';
import { createRedisPorts, type RedisClient } from '../../integrations/redis';
import { createWechatCipher } from '../../integrations/wechat-mp/webhook/crypto';
import { parseWechatXml } from '../../integrations/wechat-mp/webhook/xml';
import { connectTestRedis, deleteKeys, testPrefix } from '../contract/redis-test-env';
import { ACCOUNT, deferred, FakeBot, NOW_S, postSafe, RecordingDelivery, startWebhookServer, textXml, type TestServer } from '../fixtures/wechat/harness';

// Two app instances (two koa servers, two Redis connections) sharing one Redis, as in production.
const prefix = testPrefix('wechat-webhook');
const clients: RedisClient[] = [];
const instances: { server: TestServer; bot: FakeBot; delivery: RecordingDelivery }[] = [];

beforeAll(async () => {
  for (let i = 0; i < 2; i++) {
    const client = await connectTestRedis();
    clients.push(client);
    const ports = createRedisPorts(client, { logger: silentLogger(), prefix });
    const bot = new FakeBot(ports.deduper);
    const delivery = new RecordingDelivery();
    const server = await startWebhookServer({
      options: { token: ACCOUNT.token, appId: ACCOUNT.appId, encodingAesKey: ACCOUNT.encodingAesKey, replyBudgetMs: 150, pollMs: 10 },
      bot,
      delivery,
      deduper: ports.deduper,
      sessions: ports.sessions,
      clock: frozenClock(NOW_S * 1000),
    });
    instances.push({ server, bot, delivery });
  }
});

afterAll(async () => {
  for (const { server } of instances) {
    await server.webhook.drain();
    await server.close();
  }
  await deleteKeys(clients[0]!, prefix);
  for (const c of clients) await c.quit();
});

const decryptContent = (body: string) => parseWechatXml(createWechatCipher(ACCOUNT.encodingAesKey, ACCOUNT.appId).decrypt(parseWechatXml(body).Encrypt!).message).Content;

describe('exactly once across two instances sharing Redis', () => {
  it('1 + 3 retries spread over both instances, first held past its budget: one turn, one reply', async () => {
    const [a, b] = instances as [(typeof instances)[0], (typeof instances)[0]];
    const release = deferred<void>();
    a.bot.gate = release.promise;
    b.bot.gate = release.promise;
    const xml = textXml({ from: 'oTwo', content: '社保', msgId: '6054768590064700001' });

    const first = postSafe(a.server.url, xml, { nonce: '1' });
    await a.bot.started.promise;
    const second = postSafe(b.server.url, xml, { nonce: '2' });
    const bodies = [await (await first).text(), await (await second).text()];
    const third = postSafe(b.server.url, xml, { nonce: '3' });
    release.resolve();
    bodies.push(await (await third).text());
    bodies.push(await (await postSafe(a.server.url, xml, { nonce: '4' })).text());
    await a.server.webhook.drain();
    await b.server.webhook.drain();

    expect(a.bot.handled.length + b.bot.handled.length).toBe(1);
    expect(bodies.slice(0, 2)).toEqual(['success', 'success']);
    const passive = bodies.filter((x) => x !== 'success').map(decryptContent);
    const delivered = [...a.delivery.messages, ...b.delivery.messages].map((m) => (m.kind === 'text' ? m.text : m.kind));
    expect([...passive, ...delivered]).toEqual(['收到：社保']);
  });

  it('a fast turn on one instance: its retry on the other instance gets nothing twice', async () => {
    const [a, b] = instances as [(typeof instances)[0], (typeof instances)[0]];
    a.bot.gate = undefined;
    b.bot.gate = undefined;
    const before = a.bot.handled.length + b.bot.handled.length;
    const xml = textXml({ from: 'oFast', content: '你好', msgId: '6054768590064700002' });
    const firstBody = await (await postSafe(a.server.url, xml, { nonce: '11' })).text();
    const retryBody = await (await postSafe(b.server.url, xml, { nonce: '12' })).text();
    expect(decryptContent(firstBody)).toBe('收到：你好');
    expect(retryBody).toBe('success');
    expect(a.bot.handled.length + b.bot.handled.length - before).toBe(1);
  });
});
