import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { composeBot, type Composed } from '../../bot/compose';
import { createLogger } from '../../bot/logger';
import { outboundAsText } from '../../bot/message';
import { texts } from '../../bot/texts';
import { cleanUpPrefix, REDIS_URL, testPrefix } from '../contract/redis-test-env';
import { RedisProxy } from './redis-proxy';

/**
 * A Redis outage seen by the runtime: the bot talks to Redis through a TCP proxy that the test
 * cuts and restores. During the outage the resident gets the polite error reply within the
 * command timeout (the connection is waited for that long), the operator a precise log line, and
 * afterwards the conversation goes on where it was.
 */
const target = new URL(REDIS_URL);
const proxy = new RedisProxy({ host: target.hostname, port: Number(target.port || 6379) });
const prefix = testPrefix('outage');
const lines: { level: number; msg: string; err?: { message?: string } }[] = [];
let composed: Composed | undefined;

afterAll(async () => {
  await composed?.close();
  await proxy.cut().catch(() => undefined);
  await cleanUpPrefix(prefix);
});

describe('a Redis outage', () => {
  it('gets a polite reply and a precise log line, and the conversation resumes afterwards', async () => {
    await proxy.start();
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    composed = await composeBot({ env: { REDIS_URL: proxy.url, KEY_PREFIX: prefix, REDIS_COMMAND_TIMEOUT_MS: '500' }, logger });
    const user = `u-${randomUUID().slice(0, 6)}`;
    const send = async (text: string) => {
      const result = await composed!.bot.handle({ kind: 'text', text, id: randomUUID(), channel: 'test', userId: user, conversationId: `test:${user}`, receivedAt: Date.now() });
      return result.replies.map(outboundAsText);
    };

    expect((await send('意见建议'))[0]).toContain('感谢您反映情况、提意见建议');
    expect((await send('2'))[0]).toContain('请具体说说');

    await proxy.cut();
    // Let the client notice the dropped connection.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await send('公众号的字太小了')).toEqual([texts.error]);
    const failure = lines.find((l) => l.msg === 'turn failed');
    expect(failure?.level).toBe(50);
    expect(failure?.err?.message).toBe('redis unavailable: ConversationLock.acquire no connection within 500 ms');

    await proxy.start();
    for (let i = 0; i < 100 && !(await composed.health[0]!.check().then(() => true, () => false)); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    // Nothing was half-written: the question is still the one before the outage.
    expect(await send('公众号的字太小了，老人看不清')).toEqual(['有照片的话可以发一张，能帮我们更快了解情况；没有请回复“跳过”。']);
  });

  it('a hung Redis costs one polite reply after the command timeout, with a precise log line, and no wait for the lease', async () => {
    const hung = new RedisProxy({ host: target.hostname, port: Number(target.port || 6379) });
    await hung.start();
    const hungPrefix = testPrefix('hang');
    const logged: typeof lines = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void logged.push(JSON.parse(line)) } });
    const bot = await composeBot({ env: { REDIS_URL: hung.url, KEY_PREFIX: hungPrefix, REDIS_COMMAND_TIMEOUT_MS: '300' }, logger });
    try {
      const send = async (user: string, text: string) => {
        const result = await bot.bot.handle({ kind: 'text', text, id: randomUUID(), channel: 'test', userId: user, conversationId: `test:${user}`, receivedAt: Date.now() });
        return result.replies.map(outboundAsText);
      };
      expect((await send('a', '意见建议'))[0]).toContain('感谢您反映情况、提意见建议');
      hung.freeze();
      expect(await send('a', '2')).toEqual([texts.error]);
      const failure = logged.find((l) => l.msg === 'turn failed');
      expect(failure?.err?.message).toBe('redis unavailable: ConversationLock.acquire no reply within 300 ms');
      hung.thaw();
      // Another conversation goes on at once, and so does the hung one: its abandoned turn was
      // handed on when Redis came back (before, it held the conversation for the 30 s lease).
      expect((await send('b', '意见建议'))[0]).toContain('感谢您反映情况、提意见建议');
      await expect.poll(() => logged.some((l) => l.msg === 'RedisConversationLock: a turn given up on was handed on'), { timeout: 5_000 }).toBe(true);
      expect((await send('a', '2'))[0]).toContain('请具体说说');
    } finally {
      await bot.close();
      await hung.cut();
      await cleanUpPrefix(hungPrefix);
    }
  });
});
