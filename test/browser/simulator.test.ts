import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Bot, TurnResult } from '../../bot/bot';
import { CoreConfigSchema } from '../../bot/config';
import { silentLogger } from '../../bot/logger';
import { loadMenu } from '../../flows/menu';
import { createHttpApp } from '../../integrations/http/app';
import { createWebDelivery, type WebDelivery } from '../../integrations/http/simulator/web-delivery';
import { listen, type Listening } from '../integration/http-helpers';

const fakeBot: Bot = {
  async handle(message): Promise<TurnResult> {
    const reply = (text: string): TurnResult => ({ replies: [{ kind: 'text', text }], effects: [], duplicate: false });
    if (message.kind === 'subscribe') return reply('您好，欢迎关注！\n可以直接说想办的事。');
    if (message.kind === 'menu')
      return {
        replies: [{ kind: 'choices', text: '想查哪类事项的材料？', options: [{ label: '身份证' }, { label: '社保' }, { label: '户口' }] }],
        effects: [],
        duplicate: false,
      };
    if (message.kind === 'text') return reply(`您说的是：${message.text}`);
    return reply('收到');
  },
};

describe('web chat simulator in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let server: Listening;
  let web: WebDelivery;

  beforeAll(async () => {
    web = createWebDelivery();
    const app = createHttpApp({
      bot: fakeBot,
      menu: await loadMenu(),
      health: [],
      logger: silentLogger(),
      config: CoreConfigSchema.parse({ CITY_NAME: '演示市' }),
      webDelivery: web,
    });
    server = await listen(app);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 420, height: 860 }, locale: 'zh-CN' });
    await page.goto(server.base);
  });

  afterAll(async () => {
    await browser?.close();
    web?.close();
    await server?.close();
  });

  const botBubbles = () => page.locator('.row.bot:not([role="status"])');

  it('shows the account name and the bottom menu', async () => {
    await expect.poll(() => page.locator('#title').textContent()).toBe('城市办事助手 · 演示市');
    await expect.poll(() => page.locator('.menu-button').count()).toBe(3);
  });

  it('follows with the follow card and shows the welcome', async () => {
    await page.getByRole('button', { name: '关注', exact: true }).first().click();
    await expect.poll(() => botBubbles().count()).toBe(1);
    expect(await botBubbles().last().textContent()).toContain('欢迎关注');
  });

  it('opens a sub-menu, clicks an item, then a numbered option', async () => {
    await page.getByRole('button', { name: '办事指南' }).click();
    await page.getByRole('button', { name: '查办事材料' }).click();
    await expect.poll(() => botBubbles().count()).toBe(2);
    await page.locator('.choice', { hasText: '2. 社保' }).click();
    await expect.poll(() => botBubbles().count()).toBe(3);
    expect(await page.locator('.row.user').last().textContent()).toBe('2');
    expect(await botBubbles().last().textContent()).toContain('您说的是：2');
  });

  it('sends a typed message with Enter', async () => {
    await page.getByLabel('输入消息').fill('我想办居住证');
    await page.getByLabel('输入消息').press('Enter');
    await expect.poll(() => botBubbles().count()).toBe(4);
    expect(await botBubbles().last().textContent()).toContain('我想办居住证');
    expect(await page.getByLabel('输入消息').inputValue()).toBe('');
  });

  it('shows a late message pushed over SSE', async () => {
    const userId = await page.evaluate(() => localStorage.getItem('banshi-sim-user'));
    expect(userId).toMatch(/^u-[0-9a-f]{12}$/);
    await web.delivery.deliver({ channel: 'web', userId: String(userId), conversationId: `web:${userId}` }, [
      { kind: 'text', text: '您的工单已受理，工作人员会尽快联系您。' },
    ]);
    await expect.poll(() => botBubbles().last().textContent()).toContain('工单已受理');
    await page.screenshot({ path: '/tmp/sim.png' });
  });

  it('sends a preset location and the demo image from the + panel', async () => {
    const before = await botBubbles().count();
    await page.getByRole('button', { name: /更多功能/ }).click();
    await page.getByRole('button', { name: '发送位置' }).click();
    await page.getByRole('button', { name: /火车站广场/ }).click();
    await expect.poll(() => botBubbles().count()).toBe(before + 1);
    expect(await page.locator('.row.user .location-card').last().textContent()).toContain('火车站广场');

    await page.getByRole('button', { name: /更多功能/ }).click();
    await page.getByRole('button', { name: '发送图片' }).click();
    await expect.poll(() => botBubbles().count()).toBe(before + 2);
    const src = await page.locator('.row.user .media img').last().getAttribute('src');
    expect(src).toBe(`${server.base}/demo-photo.svg`);
    expect(await page.locator('.row.user .media img').last().evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  });

  it('shows a sub-menu popping up above its button', async () => {
    await page.getByRole('button', { name: '更多服务' }).click();
    const sub = page.getByRole('button', { name: '使用帮助' });
    expect(await sub.isVisible()).toBe(true);
    const subBox = await sub.boundingBox();
    const menuBox = await page.getByRole('button', { name: '更多服务' }).boundingBox();
    expect(subBox && menuBox && subBox.y + subBox.height <= menuBox.y).toBe(true);
    await page.screenshot({ path: '/tmp/sim-submenu.png' });
    await page.keyboard.press('Escape');
    expect(await sub.isVisible()).toBe(false);
  });

  it('starts over as a new user with a fresh id and the follow card', async () => {
    const oldId = await page.evaluate(() => localStorage.getItem('banshi-sim-user'));
    await page.getByRole('button', { name: '新用户' }).click();
    const newId = await page.evaluate(() => localStorage.getItem('banshi-sim-user'));
    expect(newId).not.toBe(oldId);
    expect(await botBubbles().count()).toBe(0);
    expect(await page.locator('.follow-card').isVisible()).toBe(true);
  });
});
