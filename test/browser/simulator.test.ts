import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { composeBot, type Composed } from '../../bot/compose';
import { silentLogger } from '../../bot/logger';
import { createHttpApp } from '../../integrations/http/app';
import { createWebDelivery, type WebDelivery } from '../../integrations/http/simulator/web-delivery';
import { listen, type Listening } from '../integration/http-helpers';
import { CHROMIUM_PATH } from '../preflight';
import type { MemoryJobQueue } from '../../bot/memory';

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
      executablePath: CHROMIUM_PATH,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const context = await browser.newContext({ viewport: { width: 420, height: 860 }, locale: 'zh-CN' });
    page = await context.newPage();
    await page.goto(server.base);
  });

  afterAll(async () => {
    await browser?.close();
    web?.close();
    await server?.close();
    await composed?.close();
  });

  const botBubbles = () => page.locator('.row.bot:not([role="status"])');
  /** The page's identity as the browser holds it: the server-issued cookie. */
  const simCookie = async () => (await page.context().cookies(`${server.base}/api/sim/session`)).find((c) => c.name === 'banshi_sim');
  const deliverTo = (userId: string, text: string) =>
    web.delivery.deliver({ channel: 'web', userId, conversationId: `web:${userId}` }, [{ kind: 'text', text }]);

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

  it('is identified by a server-issued HttpOnly cookie that page scripts cannot read', async () => {
    const cookie = await simCookie();
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/sim' });
    expect(cookie?.value).toMatch(/^u-[A-Za-z0-9_-]{12}$/);
    expect(await page.evaluate(() => document.cookie)).not.toContain(String(cookie?.value));
    expect(await page.evaluate(() => localStorage.getItem('banshi-sim-user'))).toBeNull();
  });

  it('cannot act as, or listen as, another user from the page', async () => {
    const before = await botBubbles().count();
    const status = await page.evaluate(async () => {
      const res = await fetch('/api/sim/messages', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ userId: 'u-somebodyelse', kind: 'text', text: '再说一遍' }),
      });
      return res.status;
    });
    expect(status).toBe(403);
    const stream = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const source = new EventSource('/api/sim/events?userId=u-somebodyelse');
          source.onopen = () => (source.close(), resolve('open'));
          source.onerror = () => (source.close(), resolve('refused'));
        }),
    );
    expect(stream).toBe('refused');
    expect(await botBubbles().count()).toBe(before);
  });

  it('shows a late message pushed over SSE', async () => {
    const userId = String((await simCookie())?.value);
    await deliverTo(userId, '您的工单已受理，工作人员会尽快联系您。');
    await expect.poll(() => botBubbles().last().textContent()).toContain('工单已受理');
    // Auto-scroll keeps the newest message in view.
    await expect.poll(() => page.locator('#messages').evaluate((list) => list.scrollHeight - list.scrollTop - list.clientHeight)).toBeLessThan(2);
    await page.screenshot({ path: '/tmp/sim.png' });
  });

  it('files a 12345 complaint from the bottom menu, and the department\'s reply arrives with the rating question', async () => {
    const say = async (text: string) => {
      const before = await botBubbles().count();
      await page.getByLabel('输入消息').fill(text);
      await page.getByLabel('输入消息').press('Enter');
      await expect.poll(() => botBubbles().count()).toBeGreaterThan(before);
    };
    await page.locator('#menu').getByRole('button', { name: '12345诉求' }).click();
    await page.locator('#menu').getByRole('button', { name: '投诉求助建议' }).click();
    await expect.poll(() => botBubbles().last().locator('.choice').count()).toBe(6);
    await botBubbles().last().locator('.choice').first().click();
    await expect.poll(() => botBubbles().last().textContent()).toContain('请具体说说');
    // The address in the story says where: the next question is when.
    await say('幸福路88号门口的烧烤摊每天晚上油烟太大了');
    await expect.poll(() => botBubbles().last().textContent()).toContain('大概是什么时候的事');
    for (const text of ['每天晚上', '没有', '王女士', '13912345678', '可以']) await say(text);
    await expect.poll(() => botBubbles().last().textContent()).toContain('联系电话：139****5678');
    await botBubbles().last().locator('.choice').first().click();
    await expect.poll(() => botBubbles().last().textContent()).toMatch(/已受理，工单号 GD\d{14}/u);
    const reference = /GD\d{14}/u.exec((await botBubbles().last().textContent()) ?? '')![0];

    const dept = { kind: 'department' as const, name: '区城管局' };
    const at = Date.now();
    await composed.workOrders.transition(reference, { to: '派单', lead: '区城管局', actor: { kind: 'agent', name: 'op' }, at, key: 'b1' });
    await composed.workOrders.transition(reference, { to: '办理', actor: dept, at, key: 'b2' });
    await composed.workOrders.transition(reference, { to: '答复', reply: '已约谈商户，限期加装油烟净化器。', actor: dept, at, key: 'b2r' });
    await composed.workOrders.transition(reference, { to: '办结', actor: dept, at, key: 'b3' });
    await (composed.jobs as MemoryJobQueue).runDue();
    // Pushed over SSE: the reply, then five levels, none chosen for the resident.
    await expect.poll(() => page.locator('.row.bot').filter({ hasText: `（工单 ${reference}）已办结` }).count()).toBe(1);
    await expect.poll(() => botBubbles().last().locator('.choice').count()).toBe(5);
    expect(await botBubbles().last().locator('.choice[aria-pressed="true"], .choice.selected').count()).toBe(0);
    await botBubbles().last().locator('.choice').nth(3).click();
    await expect.poll(() => botBubbles().last().textContent()).toContain('谢谢您的评价');
    expect((await composed.workOrders.get(reference))?.rating?.level).toBe(4);
    await page.screenshot({ path: '/tmp/sim-12345.png', fullPage: true });
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
    // Loaded (it may still be on its way when the bubble appears).
    await expect.poll(() => page.locator('.row.user .media img').last().evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
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

  it('keeps its user across a reload and greets them back', async () => {
    const before = (await simCookie())?.value;
    await page.reload();
    await expect.poll(() => page.locator('.system').last().textContent()).toContain('欢迎回来');
    expect((await simCookie())?.value).toBe(before);
  });

  it('starts over as a new user with a fresh id and the follow card, and hears only the new user', async () => {
    const oldId = String((await simCookie())?.value);
    await page.getByRole('button', { name: '新用户' }).click();
    await expect.poll(() => page.locator('.follow-card').isVisible()).toBe(true);
    const newId = String((await simCookie())?.value);
    expect(newId).not.toBe(oldId);
    expect(await botBubbles().count()).toBe(0);
    // The stream follows the new identity: the old user's late messages no longer reach this page.
    await expect.poll(() => web.connections()).toBe(1);
    await deliverTo(oldId, '给旧用户的消息');
    await deliverTo(newId, '给新用户的消息');
    await expect.poll(() => botBubbles().last().textContent()).toContain('给新用户的消息');
    expect(await page.locator('#messages').textContent()).not.toContain('给旧用户的消息');
    await page.screenshot({ path: '/tmp/sim-new-user.png' });
  });

  it('tells a tab pushed out by newer tabs of the same user, which then stays quiet', async () => {
    const extra = [];
    for (let i = 0; i < 4; i++) {
      const tab = await page.context().newPage();
      await tab.goto(server.base);
      extra.push(tab);
    }
    await expect.poll(() => page.locator('.system').last().textContent()).toContain('已在其他页面打开');
    await expect.poll(() => web.connections()).toBe(4);
    for (const tab of extra) await tab.close();
  });
});
