import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Bot } from '../../bot/bot';
import { parseWechatXml } from '../../integrations/wechat-mp/webhook/xml';
import { createWechatCipher } from '../../integrations/wechat-mp/webhook/crypto';
import { startWechatChannel, type WechatChannel } from '../../integrations/wechat-mp/channel';
import type { Composed } from '../../bot/compose';
import type { QueueRedisClient } from '../../integrations/wechat-mp/api/bull-queue';
import type { FakeWechatPlatform} from '../fakes/wechat-platform';
import { type CustomSendBody } from '../fakes/wechat-platform';
import { ACCOUNT, send, signSafe, textXml } from '../fixtures/wechat/harness';
import { CHROMIUM_PATH } from '../preflight';

export const SECRET = 'console-browser-secret';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/** The official-account channel of one instance (webhook + platform API with its queue), as bot/main.ts wires it. */
export async function wechatChannel(composed: Composed, platform: FakeWechatPlatform, redis?: { client: QueueRedisClient; keyPrefix: string }): Promise<WechatChannel> {
  const channel = await startWechatChannel({
    config: {
      enabled: true,
      token: ACCOUNT.token,
      appId: ACCOUNT.appId,
      appSecret: SECRET,
      encodingAesKey: ACCOUNT.encodingAesKey,
      messageMode: 'safe',
      apiBase: platform.base,
      replyBudgetMs: 4000,
      timestampWindowS: 300,
      bodyLimitBytes: 64 * 1024,
      textLimitBytes: 2048,
    },
    env: { WECHAT_SEND_ATTEMPTS: '3', WECHAT_SEND_BACKOFF_MS: '10' },
    bot: composed.bot as Bot,
    ...composed.stores,
    clock: composed.clock,
    logger: composed.logger,
    ...(redis ? { redis } : {}),
  });
  composed.registerDelivery('wechat-mp', channel.outbound.delivery);
  return channel;
}

let msgSerial = 7_000_000_000_000_000_000n;

/** A WeChat resident writing to the official account through a webhook (safe mode, signed like the platform). */
export class WechatResident {
  constructor(
    readonly openid: string,
    private readonly platform: FakeWechatPlatform,
  ) {}

  /** Sends text to `webhookUrl`; resolves with the passive reply's text ('' when the answer was `success`). */
  async say(webhookUrl: string, content: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const xml = textXml({ from: this.openid, content, msgId: String(++msgSerial), createTime: now });
    const res = await send(webhookUrl, signSafe(xml, { timestamp: String(now) }), { encodingAesKey: ACCOUNT.encodingAesKey, appId: ACCOUNT.appId });
    expect(res.status).toBe(200);
    const body = await res.text();
    if (body === 'success' || body === '') return '';
    const envelope = parseWechatXml(body);
    return parseWechatXml(createWechatCipher(ACCOUNT.encodingAesKey, ACCOUNT.appId).decrypt(envelope.Encrypt!).message).Content ?? '';
  }

  /** Customer-service messages the platform took for this resident, as text. */
  received(): string[] {
    return this.platform.customMessages(this.openid).map((m: CustomSendBody) => (m.msgtype === 'text' ? m.text.content : `[${m.msgtype}]`));
  }
}

/** Logs in on the console's login page as a person would. */
export async function logIn(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(`${base}/console`);
  await page.getByLabel('账号').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(`${base}/console`);
  await expect.poll(() => page.locator('#live-badge').textContent(), { timeout: 15_000 }).toBe('已连接');
}

export async function newPage(browser: Browser, viewport = { width: 1280, height: 860 }, extra: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...extra });
  const page = await context.newPage();
  // The console asks before handing back or putting back; people say yes here.
  page.on('dialog', (d) => void d.accept());
  return { context, page };
}
