import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { composeBot, type Composed } from '../../bot/compose';
import { ALWAYS_OPEN } from '../../bot/handoff/office-hours';
import { silentLogger } from '../../bot/logger';
import type { WechatChannel } from '../../integrations/wechat-mp/channel';
import { BufferingProxy } from '../fakes/buffering-proxy';
import { FakeWechatPlatform } from '../fakes/wechat-platform';
import { FakeWorkOrderDesk } from '../fakes/work-order-desk';
import { ACCOUNT } from '../fixtures/wechat/harness';
import { createAccount, serveConsole, type ConsoleServer } from '../integration/console-support';
import { launchChromium, logIn, newPage, SECRET, wechatChannel, WechatResident } from './console-support';

/**
 * The "done when", in real Chromium against the real service (shipped flows, memory
 * stores, the official-account webhook in safe mode and the platform API fake): a resident's
 * 转人工 reaches the queue; an agent logs in, takes it, sees the transcript with masked details,
 * reveals one with a reason, replies (the platform receives it), the bot stays silent meanwhile;
 * a private note stays private; a transfer reaches the supervisor live; the supervisor closes with
 * a work order; the resident gets its number and rates the service; the supervisor's view, the
 * audit log and its export; the live badge through a dropped connection and behind buffering
 * proxies; 1280 px and a tablet; nothing from another origin.
 */
const PASSWORD = 'a long console password';
const HEARTBEAT_MS = 1000;

let browser: Browser;
let composed: Composed;
let platform: FakeWechatPlatform;
let channel: WechatChannel;
let server: ConsoleServer;
let proxy: BufferingProxy;
let orders: FakeWorkOrderDesk;
let agent: Page;
let boss: Page;
let base: string;
let webhook: string;
const resident = () => new WechatResident('oResidentE2Eabcdefghijklmnopq', platform);
const foreign: string[] = [];

beforeAll(async () => {
  platform = await FakeWechatPlatform.start({ appid: ACCOUNT.appId, secret: SECRET });
  orders = new FakeWorkOrderDesk();
  // Always open: these tests run at any hour (office hours are tested with a manual clock elsewhere).
  composed = await composeBot({ env: { HUMAN_AGENTS: 'on', LOG_LEVEL: 'silent' }, logger: silentLogger(), workOrders: orders, officeHours: ALWAYS_OPEN });
  channel = await wechatChannel(composed, platform);
  server = await serveConsole(composed, { heartbeatMs: HEARTBEAT_MS, routers: [channel.webhook.router] });
  webhook = `${server.base}/wechat`;
  // Every browser goes through a proxy that passes streams through (it can drop connections).
  proxy = await BufferingProxy.start(server.base, 'pass');
  base = proxy.base;
  await createAccount(composed, 'wang', PASSWORD, { displayName: '1023号', teams: ['general'] });
  await createAccount(composed, 'boss', PASSWORD, { role: 'supervisor', displayName: '8001号', teams: ['general', 'supervisor'] });
  browser = await launchChromium();
  ({ page: agent } = await newPage(browser));
  agent.on('request', (r) => void (r.url().startsWith(base) || r.url().startsWith('data:') || foreign.push(r.url())));
});

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await server?.close();
  await channel?.close();
  await platform?.close();
  await composed?.close();
});

const queueItems = (page: Page) => page.locator('#queue li.case');
const transcriptText = (page: Page) => page.locator('#transcript').innerText();
const caseOf = async () => (await composed.desk!.deps.store.active()).find((c) => c.address.userId === resident().openid);

describe('a resident’s 转人工, taken, answered, transferred and closed in the console', () => {
  it('the agent logs in; the resident’s 转人工 reaches the queue and appears without reloading', async () => {
    await logIn(agent, base, 'wang', PASSWORD);
    await expect.poll(() => queueItems(agent).count()).toBe(0);
    const r = resident();
    await r.say(webhook, '意见建议');
    await r.say(webhook, '1');
    const handed = await r.say(webhook, '转人工');
    expect(handed).toContain('已为您转接人工客服');
    expect(await r.say(webhook, '我叫王芳，电话13912345678，身份证110105194912310025')).toContain('收到，工作人员接入后就能看到您的消息');
    await expect.poll(() => queueItems(agent).count()).toBe(1);
    expect(await queueItems(agent).first().innerText()).toContain('公众号居民');
    expect(await queueItems(agent).first().innerText()).toContain('意见建议');
  });

  it('接入: the resident is told through the platform API; the transcript has the bot’s turns, details masked until revealed with a reason', async () => {
    await agent.getByRole('button', { name: '接入下一位' }).click();
    await expect.poll(() => agent.locator('#mine li.case').count()).toBe(1);
    await expect.poll(() => resident().received()).toContainEqual('工作人员1023号已接入，请讲。');
    await expect.poll(() => transcriptText(agent)).toContain('感谢您反映情况');
    const text = await transcriptText(agent);
    expect(text).toContain('意见建议');
    expect(text).toContain('感谢您反映情况');
    expect(text).toContain('139****5678');
    expect(text).not.toContain('13912345678');
    expect(text).not.toContain('110105194912310025');
    expect(await agent.locator('#reach').innerText()).toMatch(/微信客服消息：48小时窗口内还可发 \d 条/);

    await agent.locator('#transcript .reveal').first().click();
    await agent.getByRole('button', { name: '查看', exact: true }).click();
    // A reason is needed: the form does not go without one.
    await expect.poll(() => agent.locator('#reveal-dialog').evaluate((d) => (d as HTMLDialogElement).open)).toBe(true);
    await agent.getByLabel('查看原因').fill('核对居民身份以便办理');
    await agent.getByRole('button', { name: '查看', exact: true }).click();
    await expect.poll(() => transcriptText(agent)).toContain('110105194912310025');
    const reveal = (await composed.stores.audit.list({ limit: 5, action: 'reveal' }))[0];
    expect(reveal).toMatchObject({ actor: 'wang', detail: { reason: '核对居民身份以便办理' } });
  });

  it('the agent’s reply reaches the resident through the customer-service API; the bot stays silent while the agent owns the chat', async () => {
    await agent.getByLabel('回复内容').fill('王女士您好，您反映的大厅问题我来处理。');
    await agent.getByRole('button', { name: '发送' }).click();
    await expect.poll(() => resident().received()).toContainEqual('王女士您好，您反映的大厅问题我来处理。');
    const before = resident().received().length;
    // Words that would start flows, a command, a greeting: no passive reply, no message from the bot.
    for (const words of ['换身份证要带什么', '菜单', '你好', '上周五去的，等了三个小时']) expect(await resident().say(webhook, words)).toBe('');
    await expect.poll(() => transcriptText(agent)).toContain('上周五去的，等了三个小时');
    expect(resident().received()).toHaveLength(before);
    const session = await composed.stores.sessions.get(`wechat-mp:${resident().openid}`);
    expect((session as { frames: unknown[] }).frames).toEqual([]);
  });

  it('quick replies fill in what the bot collected; a private note is saved but never sent', async () => {
    await agent.locator('#quick').selectOption({ label: '问候' });
    expect(await agent.getByLabel('回复内容').inputValue()).toBe('您好，我是人工客服1023号，请问有什么可以帮您？');
    await agent.getByLabel('回复内容').fill('');
    const sent = resident().received().length;
    await agent.getByLabel('内部备注（不发送给居民）').check();
    await agent.getByLabel('回复内容').fill('居民年纪较大，回访时说慢一点');
    await agent.getByRole('button', { name: '发送' }).click();
    await expect.poll(() => agent.locator('#transcript .entry.note').count()).toBe(1);
    expect(resident().received()).toHaveLength(sent);
  });

  it('a transfer to the supervisors’ team reaches the supervisor live; the resident is told', async () => {
    ({ page: boss } = await newPage(browser));
    await logIn(boss, base, 'boss', PASSWORD);
    await agent.getByRole('button', { name: '转接' }).click();
    await agent.getByLabel('转给班组').selectOption({ label: '值班主管' });
    await agent.getByRole('button', { name: '转接', exact: true }).last().click();
    await expect.poll(() => resident().received()).toContainEqual('正在为您转接到「值班主管」，请稍候。');
    await expect.poll(() => queueItems(boss).count()).toBe(1);
    await expect.poll(() => agent.locator('#mine li.case').count()).toBe(0);
    await queueItems(boss).first().getByRole('button', { name: '接入' }).click();
    await expect.poll(() => resident().received()).toContainEqual('工作人员8001号已接入，请讲。');
    await expect.poll(() => boss.locator('#transcript .entry.note').count()).toBe(1);
  });

  it('the supervisor closes with a new work order; the resident gets its number and rates the service', async () => {
    const id = (await caseOf())!.id;
    await boss.getByRole('button', { name: '结束会话' }).click();
    await boss.getByLabel('处理结果').fill('已登记大厅排队时间过长的意见，转大厅整改');
    await boss.getByLabel('新建工单').check();
    await boss.locator('#close-category').selectOption('投诉');
    await boss.getByRole('button', { name: '结束并通知居民' }).click();
    await expect.poll(() => orders.opened.length).toBe(1);
    const order = orders.opened[0]!;
    expect(order).toMatchObject({ source: 'chat', category: '投诉', caseId: id, openedBy: { kind: 'agent', username: 'boss' } });
    expect(order.transcript.map((l) => l.text)).toContain('上周五去的，等了三个小时');
    expect(order.transcript.map((l) => l.text)).not.toContain('居民年纪较大，回访时说慢一点');
    const reference = (await composed.desk!.get(id))!.resolution!.workOrder!;
    await expect.poll(() => resident().received()).toContainEqual(`本次人工服务已结束，已为您登记工单，工单号 ${reference}，处理进展会通知您。`);
    // Each message is its own customer-service call: the rating question may land a moment later.
    await expect.poll(() => resident().received().at(-1)).toMatch(/^请为刚才的人工服务打个分/);
    expect(await resident().say(webhook, '5')).toBe('谢谢您的评价！');
    expect(await composed.desk!.get(id)).toMatchObject({ status: 'closed', outcome: 'resolved', rating: { score: 5 } });
  });

  it('the supervisor’s view shows queues, agents’ load, SLA clocks and the work orders to chase', async () => {
    const other = new WechatResident('oResidentE2Eotherabcdefghijk', platform);
    await other.say(webhook, '人工');
    // The work order of the closed chat is now past its deadline.
    const closed = (await composed.desk!.deps.store.ended(0, 10)).find((c) => c.address.userId === resident().openid)!;
    orders.setDue(closed.resolution!.workOrder!, Date.now() - 60_000);
    await boss.goto(`${base}/console/supervisor`);
    await expect.poll(() => boss.locator('#teams tbody').innerText()).toContain('综合咨询');
    await expect.poll(() => boss.locator('#teams tbody tr').first().innerText()).toMatch(/综合咨询[\s\S]*服务中\s+1/);
    expect(await boss.locator('#agents tbody').innerText()).toContain('1023号（wang）');
    await expect.poll(() => boss.locator('#cases tbody').innerText()).toMatch(/排队中/);
    expect(await boss.locator('#cases tbody td.sla').first().innerText()).toMatch(/\/ 5分/);
    expect(await boss.locator('#today').innerText()).toMatch(/评价数\s*1/);
    await expect.poll(() => boss.locator('#work-orders').innerText()).toMatch(/超期未办结（1）[\s\S]*GD/);
  });

  it('the audit log lists every action, and exports it as CSV', async () => {
    await boss.goto(`${base}/console/audit`);
    const table = await boss.locator('#audit').innerText();
    for (const action of ['登录', '接入', '查看隐藏信息', '回复', '内部备注', '转接', '结束会话']) expect(table).toContain(action);
    const download = boss.waitForEvent('download');
    await boss.getByRole('link', { name: '导出 CSV' }).click();
    const file = await download;
    const csv = await (await file.createReadStream()).toArray();
    const text = Buffer.concat(csv as Buffer[]).toString('utf8');
    expect(text).toContain('查看隐藏信息');
    expect(text).not.toContain('110105194912310025');
  });
});

describe('live updates', () => {
  it('the badge says 重新连接中 when the connection drops and 已连接 again after, with what was missed', async () => {
    await agent.goto(`${base}/console`);
    await expect.poll(() => agent.locator('#live-badge').textContent()).toBe('已连接');
    const waiting = await queueItems(agent).count();
    proxy.cut();
    await expect.poll(() => agent.locator('#live-badge').textContent()).toBe('重新连接中');
    await new WechatResident('oResidentE2Ethirdabcdefghijk', platform).say(webhook, '人工');
    await expect.poll(() => agent.locator('#live-badge').textContent(), { timeout: 15_000 }).toBe('已连接');
    await expect.poll(() => queueItems(agent).count()).toBe(waiting + 1);
  });

  for (const mode of ['nginx', 'whole'] as const) {
    it(`works behind a buffering proxy (${mode === 'nginx' ? 'nginx-like: honours X-Accel-Buffering' : 'holds whole responses: the page polls'})`, async () => {
      const buffering = await BufferingProxy.start(server.base, mode);
      try {
        const { context, page } = await newPage(browser);
        await logIn(page, buffering.base, 'wang', PASSWORD);
        const before = await queueItems(page).count();
        await new WechatResident(`oResidentE2E${mode.padEnd(16, 'x')}`, platform).say(webhook, '人工');
        await expect.poll(() => queueItems(page).count(), { timeout: 15_000 }).toBe(before + 1);
        expect(await page.locator('#live-badge').textContent()).toBe('已连接');
        expect(await page.locator('#live-badge').getAttribute('data-mode')).toBe(mode === 'nginx' ? 'sse' : 'poll');
        await context.close();
      } finally {
        await buffering.close();
      }
    });
  }
});

describe('layout', () => {
  it('fits 1280 px without sideways scrolling; everything comes from the service itself (no CDN)', async () => {
    for (const path of ['/console', '/console/supervisor', '/console/audit']) {
      await boss.goto(`${base}${path}`);
      await boss.waitForLoadState('networkidle').catch(() => undefined);
      expect(await boss.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    }
    expect(foreign).toEqual([]);
  });

  it('works on a tablet: lists above the chat, taps take and answer', async () => {
    const { context, page } = await newPage(browser, { width: 820, height: 1180 }, { hasTouch: true, isMobile: true });
    await logIn(page, base, 'wang', PASSWORD);
    await expect.poll(() => queueItems(page).count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: '接入下一位' }).tap();
    await expect.poll(() => page.locator('#mine li.case').count()).toBe(1);
    const lists = await page.locator('.queues').boundingBox();
    const chat = await page.locator('.chat').boundingBox();
    expect(chat!.y).toBeGreaterThan(lists!.y + lists!.height - 1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(820);
    await page.getByLabel('回复内容').fill('您好，请讲');
    await page.getByRole('button', { name: '发送' }).tap();
    await expect.poll(() => page.locator('#composer-status').textContent()).toBe('已发送');
    await page.getByRole('button', { name: '交回机器人' }).tap();
    await expect.poll(() => page.locator('#mine li.case').count()).toBe(0);
    await context.close();
  });
});
