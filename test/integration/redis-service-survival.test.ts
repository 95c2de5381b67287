import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { texts } from '../../bot/texts';
import { createWechatCipher } from '../../integrations/wechat-mp/webhook/crypto';
import { parseWechatXml } from '../../integrations/wechat-mp/webhook/xml';
import { FakeWechatPlatform } from '../fakes/wechat-platform';
import { ACCOUNT, postSafe, textXml } from '../fixtures/wechat/harness';
import { freePort, PrivateRedis } from './private-redis';

/**
 * The real service (`bot/main.ts`: bot + HTTP + the WeChat channel with its BullMQ outbound
 * queue) as a child process, on a private redis-server, against the fake WeChat platform. Redis
 * is made to drop every connection (CLIENT KILL), close idle ones (CONFIG SET timeout 1), freeze
 * (SIGSTOP/SIGCONT) and restart. After each the process is still running, the next message gets
 * its passive answer and its follow-up goes out through the customer-service API (the BullMQ
 * queue reconnected), and /readyz said what was true meanwhile.
 *
 * Before: the outbound queue's duplicated connections had no 'error' listener, so the first
 * CLIENT KILL ended the process.
 */
const APPSECRET = 'survival-secret';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const INTRO = '感谢您反映情况、提意见建议！大约需要一分钟，每一条我们都会认真看。';
const TOPIC_QUESTION = /^您的意见建议是关于哪方面的？/;

let redis: PrivateRedis;
let platform: FakeWechatPlatform;
let service: ChildProcess;
let base = '';
const output: string[] = [];
const errors: string[] = [];

beforeAll(async () => {
  redis = await PrivateRedis.start();
  platform = await FakeWechatPlatform.start({ appid: ACCOUNT.appId, secret: APPSECRET });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  service = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: redis.url,
      KEY_PREFIX: 'survival:',
      REDIS_COMMAND_TIMEOUT_MS: '1000',
      LOG_LEVEL: 'info',
      WECHAT_TOKEN: ACCOUNT.token,
      WECHAT_APPID: ACCOUNT.appId,
      WECHAT_APPSECRET: APPSECRET,
      WECHAT_ENCODING_AES_KEY: ACCOUNT.encodingAesKey,
      WECHAT_API_BASE: platform.base,
      WECHAT_SEND_BACKOFF_MS: '50',
    },
  });
  service.stdout!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
  service.stderr!.setEncoding('utf8').on('data', (chunk: string) => errors.push(chunk));
  await vi.waitFor(() => {
    if (service.exitCode !== null) throw new Error(`service exited at start-up: ${errors.join('')}`);
    expect(output.join('')).toContain('Banshi is running');
  }, { timeout: 60_000, interval: 100 });
}, 90_000);

afterAll(async () => {
  if (service && service.exitCode === null) {
    const exited = new Promise((resolve) => service.once('exit', resolve));
    service.kill('SIGTERM');
    await exited;
  }
  await platform?.close();
  await redis?.close();
});

const cipher = createWechatCipher(ACCOUNT.encodingAesKey, ACCOUNT.appId);

/** One text message from `openid`, signed and encrypted as WeChat does; the passive reply's text or 'success'. */
async function send(openid: string, content: string): Promise<{ status: number; reply: string }> {
  const now = Math.floor(Date.now() / 1000);
  const xml = textXml({ from: openid, content, msgId: `60547685${randomInt(1e9, 2e9)}`, createTime: now });
  const res = await postSafe(`${base}/wechat`, xml, { timestamp: String(now), nonce: String(randomInt(1e9, 2e9)) });
  const body = await res.text();
  if (res.status !== 200 || body === 'success') return { status: res.status, reply: body };
  return { status: res.status, reply: parseWechatXml(cipher.decrypt(parseWechatXml(body).Encrypt!).message).Content ?? '' };
}

async function readyz(): Promise<{ status: number; failing: string[] }> {
  const res = await fetch(`${base}/readyz`);
  const body = (await res.json()) as { failing?: string[] };
  return { status: res.status, failing: body.failing ?? [] };
}

const openid = () => `oSurv${randomUUID().replaceAll('-', '').slice(0, 23)}`;

/** A resident starts 意见建议: the passive reply is the intro, the question follows through the queue. */
async function answered(resident = openid()): Promise<string> {
  expect(await send(resident, '意见建议')).toEqual({ status: 200, reply: INTRO });
  await vi.waitFor(() => expect(platform.customMessages(resident).map((m) => (m.msgtype === 'text' ? m.text.content : m.msgtype))).toEqual([expect.stringMatching(TOPIC_QUESTION)]), { timeout: 15_000, interval: 50 });
  return resident;
}

const waitReady = () => vi.waitFor(async () => expect(await readyz()).toEqual({ status: 200, failing: [] }), { timeout: 20_000, interval: 100 });

describe('the service on a Redis that drops, closes, freezes and restarts', () => {
  it('survives every one and answers the next message, with /readyz telling the truth', async () => {
    await waitReady();
    await answered();

    // Every client connection dropped at once (as a failover or a proxy reset would).
    await redis.command(['CLIENT', 'KILL', 'TYPE', 'normal']);
    await answered();
    await waitReady();
    expect(service.exitCode).toBeNull();

    // Redis closes connections idle for a second: they are re-opened as needed.
    await redis.command(['CONFIG', 'SET', 'timeout', '1']);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await answered();
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await answered();
    await redis.command(['CONFIG', 'SET', 'timeout', '0']);
    await waitReady();

    // Frozen: /readyz says so; a message meanwhile is not answered wrongly; after SIGCONT the same
    // resident is answered at once (the turn given up on does not hold the conversation).
    const frozen = openid();
    await answered(frozen);
    redis.pause();
    await vi.waitFor(async () => expect((await readyz()).failing).toContain('redis'), { timeout: 10_000, interval: 100 });
    // The turn gives up within REDIS_COMMAND_TIMEOUT_MS; the webhook then answers the polite error
    // text, or 500 when its own reply ledger cannot be written either (WeChat retries a 500).
    expect([texts.error, 'internal error']).toContain((await send(frozen, '2')).reply);
    redis.resume();
    await waitReady();
    expect(await send(frozen, '2')).toEqual({ status: 200, reply: expect.stringContaining('请具体说说') });
    await answered();

    // Restarted (its data kept on disk): down meanwhile, and the conversation goes on afterwards.
    await redis.stop();
    await vi.waitFor(async () => expect((await readyz()).failing).toEqual(expect.arrayContaining(['redis', 'wechat-outbound'])), { timeout: 10_000, interval: 100 });
    expect([texts.error, 'internal error']).toContain((await send(frozen, '公众号的字太小了')).reply);
    await redis.start();
    await waitReady();
    expect(await send(frozen, '公众号的字太小了，老人看不清')).toEqual({ status: 200, reply: expect.stringContaining('有照片的话可以发一张') });
    await answered();

    expect(service.exitCode).toBeNull();
    const log = output.join('');
    expect(log).toContain('wechat-mp outbound: redis connection restored');
    expect(log).toContain('redis: connection restored');
    expect(errors.join('')).not.toMatch(/Unhandled|uncaught|ERR_UNHANDLED/i);
  }, 180_000);
});
