import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { composeBot, type Composed } from '../../bot/compose';
import { ALWAYS_OPEN } from '../../bot/handoff/office-hours';
import { silentLogger } from '../../bot/logger';
import type { WechatChannel } from '../../integrations/wechat-mp/channel';
import { cleanUpPrefix, REDIS_URL, testPrefix } from '../contract/redis-test-env';
import { FakeWechatPlatform } from '../fakes/wechat-platform';
import { FakeWorkOrderDesk } from '../fakes/work-order-desk';
import { ACCOUNT } from '../fixtures/wechat/harness';
import { ConsoleClient, createAccount, serveConsole, type ConsoleServer } from '../integration/console-support';
import { launchChromium, logIn, newPage, SECRET, wechatChannel, WechatResident } from './console-support';

/**
 * Two instances of the service on one Redis, each with its webhook, outbound queue (BullMQ) and
 * console: a chat queued through one appears live on the other's console; the agent takes and
 * answers it on one while the resident writes to both; the login and the live stream move to the
 * other instance (Last-Event-ID replay from the shared stream); the hand-back and the rating go
 * through different instances; two agents taking one chat on two instances get it once.
 */
const prefix = testPrefix('console-scale');
const PASSWORD = 'a long console password';
let browser: Browser;
let platform: FakeWechatPlatform;
const instances: { composed: Composed; channel: WechatChannel; server: ConsoleServer; webhook: string }[] = [];
let agent: Page;
let boss: Page;
const resident = () => new WechatResident('oResidentScaleabcdefghijklmn', platform);
let holder: ConsoleClient | undefined;
let taken = '';
const A = () => instances[0]!;
const B = () => instances[1]!;

beforeAll(async () => {
  platform = await FakeWechatPlatform.start({ appid: ACCOUNT.appId, secret: SECRET });
  const orders = new FakeWorkOrderDesk();
  for (let i = 0; i < 2; i++) {
    const composed = await composeBot({ env: { REDIS_URL, KEY_PREFIX: prefix, HUMAN_AGENTS: 'on', LOG_LEVEL: 'silent' }, logger: silentLogger(), workOrders: orders, officeHours: ALWAYS_OPEN });
    const channel = await wechatChannel(composed, platform, { client: composed.redis!, keyPrefix: prefix });
    const server = await serveConsole(composed, { heartbeatMs: 1000, routers: [channel.webhook.router] });
    instances.push({ composed, channel, server, webhook: `${server.base}/wechat` });
  }
  await createAccount(A().composed, 'wang', PASSWORD, { displayName: '1023号', teams: ['general'] });
  await createAccount(A().composed, 'boss', PASSWORD, { role: 'supervisor', displayName: '8001号', teams: ['general', 'supervisor'] });
  browser = await launchChromium();
  ({ page: agent } = await newPage(browser));
  ({ page: boss } = await newPage(browser));
});

afterAll(async () => {
  await browser?.close();
  for (const i of instances) {
    await i.server.close();
    await i.channel.close();
    await i.composed.close();
  }
  await platform?.close();
  await cleanUpPrefix(prefix);
});

const queueItems = (page: Page) => page.locator('#queue li.case');

describe('two instances on one Redis', () => {
  it('a chat queued through instance B appears live on A’s console; taking it on A is seen on B', async () => {
    await logIn(agent, A().server.base, 'wang', PASSWORD);
    await logIn(boss, B().server.base, 'boss', PASSWORD);
    expect(await resident().say(B().webhook, '意见建议')).toContain('意见建议');
    expect(await resident().say(A().webhook, '人工')).toContain('已为您转接人工客服');
    await expect.poll(() => queueItems(agent).count()).toBe(1);
    await expect.poll(() => queueItems(boss).count()).toBe(1);
    await agent.getByRole('button', { name: '接入下一位' }).click();
    await expect.poll(() => agent.locator('#mine li.case').count()).toBe(1);
    await expect.poll(() => queueItems(boss).count()).toBe(0);
    await expect.poll(() => boss.locator('#others li.case').count()).toBe(1);
    await expect.poll(() => resident().received()).toContainEqual('工作人员1023号已接入，请讲。');
  });

  it('the agent answers on A while the resident writes to both instances: the bot is silent on both, nothing lost or doubled', async () => {
    await agent.getByLabel('回复内容').fill('您好，请问有什么可以帮您？');
    await agent.getByRole('button', { name: '发送' }).click();
    await expect.poll(() => resident().received().filter((t) => t === '您好，请问有什么可以帮您？').length).toBe(1);
    const before = resident().received().length;
    const lines = ['第一句：我想问社保卡', '第二句：换身份证要带什么', '第三句：菜单', '第四句：谢谢'];
    for (const [i, line] of lines.entries()) expect(await resident().say(instances[i % 2]!.webhook, line)).toBe('');
    for (const line of lines) await expect.poll(() => agent.locator('#transcript').innerText()).toContain(line);
    const transcript = await A().composed.desk!.deps.transcripts.read(`wechat-mp:${resident().openid}`);
    for (const line of lines) expect(transcript.filter((e) => e.text === line)).toHaveLength(1);
    expect(resident().received()).toHaveLength(before);
  });

  it('the login works on B too; its stream resumes there from the last id seen on A', async () => {
    const c = new ConsoleClient(A().server.base);
    await c.login('boss', PASSWORD);
    const onA = c.stream();
    await expect.poll(() => onA.events().some((e) => e.event === 'snapshot')).toBe(true);
    const seen = onA.events().at(-1)!.id!;
    onA.close();
    await new WechatResident('oResidentScaleotherabcdefghi', platform).say(B().webhook, '人工');
    const onB = new ConsoleClient(B().server.base);
    onB.cookies.clear();
    for (const [k, v] of c.cookies) onB.cookies.set(k, v);
    const resumed = onB.stream({ lastEventId: seen });
    await expect.poll(() => resumed.events().map((e) => e.event)).toContain('snapshot');
    const replayed = resumed.events().slice(0, resumed.events().findIndex((e) => e.event === 'snapshot'));
    expect(replayed.map((e) => e.event)).toContain('case');
    resumed.close();

    await agent.goto(`${B().server.base}/console`);
    await expect.poll(() => agent.locator('#live-badge').textContent()).toBe('已连接');
    await expect.poll(() => agent.locator('#mine li.case').count()).toBe(1);
  });

  it('two agents press 接入 on the same chat on two instances at once: one gets it', async () => {
    const x = new ConsoleClient(A().server.base);
    const y = new ConsoleClient(B().server.base);
    await x.login('boss', PASSWORD);
    await createAccount(A().composed, 'li', PASSWORD, { displayName: '1024号', teams: ['general'] });
    await y.login('li', PASSWORD);
    const waiting = (await x.api('GET', '/console/api/snapshot')).json['queue'] as { id: string }[];
    const id = waiting[0]!.id;
    const [p, q] = await Promise.all([x.api('POST', `/console/api/cases/${id}/take`, {}), y.api('POST', `/console/api/cases/${id}/take`, {})]);
    expect([p.status, q.status].sort(), JSON.stringify([p.json, q.json])).toEqual([200, 409]);
    holder = p.status === 200 ? x : y;
    taken = id;
  });

  it('transferred on one instance to the supervisors, taken and closed with a work order in a console on the other; rated through either', async () => {
    const other = new WechatResident('oResidentScaleotherabcdefghi', platform);
    expect((await holder!.api('POST', `/console/api/cases/${taken}/transfer`, { team: 'supervisor' })).status).toBe(200);
    await boss.goto(`${B().server.base}/console`);
    await expect.poll(() => queueItems(boss).count()).toBe(1);
    await queueItems(boss).first().getByRole('button', { name: '接入' }).click();
    await expect.poll(() => other.received()).toContainEqual('工作人员8001号已接入，请讲。');
    // Served (a rating is asked only of residents an agent talked with).
    await boss.getByLabel('回复内容').fill('社保卡补办带身份证到社保大厅就行。');
    await boss.getByRole('button', { name: '发送' }).click();
    await expect.poll(() => other.received()).toContainEqual('社保卡补办带身份证到社保大厅就行。');
    await boss.getByRole('button', { name: '结束会话' }).click();
    await boss.getByLabel('处理结果').fill('已解答社保卡补办问题');
    await boss.getByLabel('新建工单').check();
    await boss.getByRole('button', { name: '结束并通知居民' }).click();
    await expect.poll(() => other.received().join('\n')).toMatch(/已为您登记工单，工单号 GD\d+/);
    expect(await other.say(A().webhook, '4')).toBe('谢谢您的评价！');
    const closed = (await A().composed.desk!.deps.store.ended(0, 10)).find((c) => c.id === taken);
    expect(closed).toMatchObject({ outcome: 'resolved', lastAgent: 'boss', rating: { score: 4 }, resolution: { workOrder: expect.stringMatching(/^GD/) } });
  });

  it('hand-back on B resumes the resident’s flow after a rating given through A', async () => {
    await agent.locator('#mine li.case').first().click();
    await agent.getByRole('button', { name: '交回机器人' }).click();
    await expect.poll(() => resident().received().at(-1)).toMatch(/^请为刚才的人工服务打个分/);
    expect(resident().received()).toContainEqual('本次人工服务已结束，感谢您的耐心。接下来由智能助手继续为您服务。');
    const rated = await resident().say(A().webhook, '满意');
    expect(rated).toBe('谢谢您的评价！');
    // Further messages of the turn (the resumed flow's lead-in and question) go as customer-service messages.
    await expect.poll(() => resident().received().join('\n')).toContain('好，我们接着办「意见建议」。');
    const ended = (await B().composed.desk!.deps.store.ended(0, 10)).find((c) => c.address.userId === resident().openid);
    expect(ended).toMatchObject({ outcome: 'handed-back', rating: { score: 4 } });
  });
});
