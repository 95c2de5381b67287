import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { composeBot, type Composed } from '../../bot/compose';
import { silentLogger } from '../../bot/logger';
import { createHttpApp } from '../../integrations/http/app';
import { createWebDelivery, type WebDelivery } from '../../integrations/http/simulator/web-delivery';
import { listen, type Listening } from '../integration/http-helpers';

describe('web chat simulator in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let server: Listening;
  let web: WebDelivery;
  let composed: Composed;

  beforeAll(async () => {
    // The real bot with its shipped flows and the embedded (memory) stores.
    composed = await composeBot({ env: { CITY_NAME: '演示市', LOG_LEVEL: 'silent' }, logger: silentLogger() });
    web = createWebDelivery();
    composed.registerDelivery('web', web.delivery);
    server = await listen(createHttpApp({ ...composed, webDelivery: web }));
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
    await composed?.close();
  });

  const botBubbles = () => page.locator('.row.bot:not([role="status"])');

  it('shows the account name and the bottom menu', async () => {
    await expect.poll(() => page.locator('#title').textContent()).toBe('城市办事助手 · 演示市');
    await expect.poll(() => page.locator('.menu-button').count()).toBe(3);
  });

  it('follows with the follow card and shows the welcome with the numbered main menu', async () => {
    await page.getByRole('button', { name: '关注', exact: true }).first().click();
    await expect.poll(() => page.locator('.row.bot .choice').count()).toBeGreaterThan(1);
    expect(await botBubbles().first().textContent()).toContain('演示市');
  });

  it('opens a sub-menu and clicks an item, and the bot answers', async () => {
    const before = await botBubbles().count();
    await page.locator('#menu').getByRole('button', { name: '办事指南' }).click();
    await page.locator('#menu').getByRole('button', { name: '查办事材料' }).click();
    await expect.poll(() => botBubbles().count()).toBeGreaterThan(before);
    expect((await botBubbles().last().textContent())?.trim().length).toBeGreaterThan(0);
  });

  it('types a message with Enter, then clicks a numbered option of the answer', async () => {
    const input = page.getByLabel('输入消息');
    await input.fill('换身份证');
    await input.press('Enter');
    expect(await input.inputValue()).toBe('');
    expect(await page.locator('.row.user').last().textContent()).toBe('换身份证');
    // The guide asks which case applies, as numbered options.
    await expect.poll(() => botBubbles().last().locator('.choice').count()).toBeGreaterThan(1);
    const options = botBubbles().last().locator('.choice');
    const first = await options.first().textContent();
    expect(first).toMatch(/^1\. \S/);

    const before = await botBubbles().count();
    await options.first().click();
    await expect.poll(() => botBubbles().count()).toBeGreaterThan(before);
    expect(await page.locator('.row.user').last().textContent()).toBe('1');
    expect((await botBubbles().last().textContent())?.trim().length).toBeGreaterThan(0);
    await expect.poll(() => page.locator('.row.bot[role="status"]').count()).toBe(0);
  });

  it('shows a late message pushed over SSE', async () => {
    const userId = await page.evaluate(() => localStorage.getItem('banshi-sim-user'));
    expect(userId).toMatch(/^u-[0-9a-f]{12}$/);
    await web.delivery.deliver({ channel: 'web', userId: String(userId), conversationId: `web:${userId}` }, [
      { kind: 'text', text: '您的工单已受理，工作人员会尽快联系您。' },
    ]);
    await expect.poll(() => botBubbles().last().textContent()).toContain('工单已受理');
    // Auto-scroll keeps the newest message in view.
    await expect.poll(() => page.locator('#messages').evaluate((list) => list.scrollHeight - list.scrollTop - list.clientHeight)).toBeLessThan(2);
    await page.screenshot({ path: '/tmp/sim.png' });
  });

  it('sends a preset location and the demo image from the + panel', async () => {
    const before = await botBubbles().count();
    await page.getByRole('button', { name: /更多功能/ }).click();
    await page.getByRole('button', { name: '发送位置' }).click();
    await page.getByRole('button', { name: /火车站广场/ }).click();
    await expect.poll(() => botBubbles().count()).toBeGreaterThan(before);
    expect(await page.locator('.row.user .location-card').last().textContent()).toContain('火车站广场');

    await page.getByRole('button', { name: /更多功能/ }).click();
    const afterLocation = await botBubbles().count();
    await page.getByRole('button', { name: '发送图片' }).click();
    await expect.poll(() => botBubbles().count()).toBeGreaterThan(afterLocation);
    const src = await page.locator('.row.user .media img').last().getAttribute('src');
    expect(src).toBe(`${server.base}/demo-photo.svg`);
    expect(await page.locator('.row.user .media img').last().evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  });

  it('shows a sub-menu popping up above its button', async () => {
    await page.locator('#menu').getByRole('button', { name: '更多服务' }).click();
    const sub = page.locator('#menu').getByRole('button', { name: '使用帮助' });
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
