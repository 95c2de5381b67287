import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALWAYS_OPEN } from '../../bot/handoff/office-hours';
import { supervisorView } from '../../bot/handoff/supervision';
import { DEFAULT_FLOWS_DIR } from '../../flows/loader';
import { deskHarness, type DeskHarness } from './handoff-support';

/**
 * The resident's side of the human service through the real bot (shipped flows, memory stores)
 * and the agents' actions (AgentDesk), with a manual clock: triggers, the silent bot, the queue,
 * hand-back with a rating, closing with a work order, leaving a message after hours, the clocks.
 */
let h: DeskHarness;
beforeEach(async () => {
  h = await deskHarness();
});
afterEach(async () => {
  await h.composed.close();
});

const agents = () => h.composed.agents!;
const queue = async () => (await h.composed.desk!.deps.store.active()).filter((c) => c.status === 'queued');

describe('handing a conversation to people', () => {
  it('人工 joins the live queue with the place and wait; the bot is then silent but for one acknowledgement; 取消人工 resumes the flow', async () => {
    const r = h.resident('amy');
    await r.say('意见建议');
    await r.say('2');
    const asked = await r.say('人工');
    expect(asked.join('\n')).toMatch(/已为您转接人工客服。您是下一位/);
    const [c] = await queue();
    expect(c).toMatchObject({ trigger: 'asked', team: 'general', priority: 'normal', collected: { flow: 'feedback', title: '意见建议', slots: { topic: '网上办事和公众号' } } });
    expect((await r.session())?.handoff).toMatchObject({ caseId: c!.id, pinned: [{ flowId: 'feedback' }] });
    expect((await r.session())?.frames).toEqual([]);

    const first = await r.send({ kind: 'text', text: '公众号上的字太小了' });
    expect(first.texts).toEqual([expect.stringMatching(/^收到，工作人员接入后就能看到您的消息。/)]);
    expect(first.effects).toEqual(['handoff.message']);
    // Silent: words that would start flows, commands, photos, emoji — nothing from the bot.
    for (const text of ['换身份证要带什么', '菜单好像不对', '帮助', '😊']) expect(await r.say(text)).toEqual([]);
    expect((await r.send({ kind: 'image', url: 'https://example.test/a.jpg' })).texts).toEqual([]);
    expect((await r.session())?.frames).toEqual([]);

    const back = await r.say('取消人工');
    expect(back).toEqual(['好的，已取消人工服务，回到自助服务。', '好，我们接着办「意见建议」。', expect.stringContaining('具体说说')]);
    expect(await h.composed.desk!.get(c!.id)).toMatchObject({ status: 'bot', outcome: 'cancelled' });
    // Everything is in the transcript, bot turns included.
    const lines = await h.composed.desk!.deps.transcripts.read('test:amy');
    expect(lines.map((l) => `${l.from}:${l.text.slice(0, 6)}`)).toEqual(expect.arrayContaining(['resident:意见建议', 'bot:感谢您反映情', 'resident:人工', 'resident:公众号上的字', 'resident:😊', 'resident:[图片] h', 'resident:取消人工']));
  });

  it('each resident hears their place and the expected wait, from the agents online and the handling time', async () => {
    await h.agent('solo', { capacity: 1 });
    const told = [];
    for (const name of ['r1', 'r2', 'r3']) told.push((await h.resident(name).say('人工'))[0]!.split('\n')[0]);
    expect(told).toEqual([
      '已为您转接人工客服。您是下一位，工作人员马上接入。',
      '已为您转接人工客服。您前面还有 1 位，预计等待约 6 分钟。',
      '已为您转接人工客服。您前面还有 2 位，预计等待约 12 分钟。',
    ]);
  });

  it('the menu’s 转人工 and fed-up wording hand over too, each with its trigger', async () => {
    await h.resident('ben').send({ kind: 'menu', key: 'MENU_HUMAN' });
    await h.resident('cat').say('什么破机器人，我要找活人');
    const triggers = (await queue()).map((c) => c.trigger);
    expect(triggers).toEqual(['menu', 'asked']);
  });

  it('an agent takes the chat: the resident is told, the bot stays silent, replies go through the channel, the hand-back resumes the flow after a rating', async () => {
    const wang = await h.agent('wang');
    const r = h.resident('dan');
    await r.say('意见建议');
    await r.say('1');
    // An agent with room is online: the resident hears they are next, at once.
    expect((await r.say('转人工'))[0]).toMatch(/^已为您转接人工客服。您是下一位，工作人员马上接入。/);
    const taken = await agents().take(wang, 'next');
    expect(r.outbox()).toEqual([expect.stringMatching(/^工作人员\d+号已接入，请讲。$/)]);
    expect(taken).toMatchObject({ status: 'agent', agent: 'wang' });

    const silent = await r.send({ kind: 'text', text: '我上周五去大厅，等了三个小时' });
    expect(silent).toEqual({ texts: [], effects: ['handoff.message'] });
    await agents().reply(wang, taken.id, '很抱歉让您久等了，我帮您登记。');
    expect(r.outbox().at(-1)).toBe('很抱歉让您久等了，我帮您登记。');

    await agents().handBack(wang, taken.id);
    const after = r.outbox().slice(-2);
    expect(after[0]).toBe('本次人工服务已结束，感谢您的耐心。接下来由智能助手继续为您服务。');
    expect(after[1]).toMatch(/^请为刚才的人工服务打个分/);
    const rated = await r.say('满意');
    expect(rated).toEqual(['谢谢您的评价！', '好，我们接着办「意见建议」。', expect.stringContaining('哪天去的大厅')]);
    expect(await h.composed.desk!.get(taken.id)).toMatchObject({ status: 'bot', outcome: 'handed-back', rating: { score: 4 } });
    expect(await h.composed.desk!.deps.store.load('wang')).toBe(0);
  });

  it('closing with a new work order sends the transcript without private notes; the resident gets the number and rates; a bad rating offers a supervisor', async () => {
    const li = await h.agent('li');
    await h.agent('boss', { role: 'supervisor', teams: ['supervisor', 'general'] });
    const r = h.resident('eve');
    await r.say('人工');
    await r.say('小区门口路灯坏了一个月了，电话13912345678');
    const c = await agents().take(li, 'next');
    await agents().reply(li, c.id, '好的，我给您登记工单。');
    await agents().note(li, c.id, '居民情绪激动，注意回访');
    const { workOrder } = await agents().close(li, c.id, { resolution: '已登记路灯报修', workOrder: { mode: 'new', category: '求助' } });
    expect(workOrder?.reference).toMatch(/^GD/);
    const opened = h.orders.opened[0]!;
    expect(opened).toMatchObject({ source: 'chat', category: '求助', caseId: c.id, openedBy: { kind: 'agent', username: 'li' }, address: r.address });
    expect(opened.transcript.map((l) => l.text)).toEqual(expect.arrayContaining(['小区门口路灯坏了一个月了，电话13912345678', '好的，我给您登记工单。']));
    expect(opened.transcript.map((l) => l.text)).not.toContain('居民情绪激动，注意回访');
    expect(r.outbox().slice(-2)).toEqual([`本次人工服务已结束，已为您登记工单，工单号 ${workOrder!.reference}，处理进展会通知您。`, expect.stringMatching(/^请为刚才的人工服务打个分/)]);

    // Numbers are points: 2 is 不满意.
    expect(await r.say('2')).toEqual(['很抱歉没让您满意。主要是哪方面的问题？\n1. 问题没有解决\n2. 等待时间太长\n3. 工作人员态度不好\n4. 答复不清楚\n5. 其他\n回复数字即可选择']);
    expect(await r.say('等太久了')).toEqual(['需要请值班负责人再联系您、把问题处理好吗？\n1. 是\n2. 否\n回复数字即可选择']);
    expect(await h.composed.desk!.get(c.id)).toMatchObject({ rating: { score: 2, reason: '等待时间太长' } });
    const escalated = await r.say('要');
    expect(escalated.join('\n')).toContain('已为您转接人工客服');
    expect((await queue())[0]).toMatchObject({ trigger: 'bad-rating', team: 'supervisor', priority: 'high' });
  });

  it('a transfer to a team queues the chat again at its original place; a direct transfer moves the load', async () => {
    const [a, b] = [await h.agent('a1'), await h.agent('b1', { teams: ['social', 'general'] })];
    const r = h.resident('fay');
    await r.say('人工');
    const c = await agents().take(a, 'next');
    await agents().transfer(a, c.id, { team: 'social' });
    expect(r.outbox().at(-1)).toBe('正在为您转接到「社保医保」，请稍候。');
    expect(await h.composed.desk!.get(c.id)).toMatchObject({ status: 'queued', team: 'social' });
    await agents().take(b, c.id);
    await agents().transfer(b, c.id, { agent: 'a1' });
    expect([await h.composed.desk!.deps.store.load('a1'), await h.composed.desk!.deps.store.load('b1')]).toEqual([1, 0]);
    // Only the owner or a supervisor moves a chat; a supervisor may take it over.
    await expect(agents().transfer(b, c.id, { team: 'general' })).rejects.toThrow('找不到这个会话，或您无权查看。');
    const boss = await h.agent('boss1', { role: 'supervisor' });
    await agents().transfer(boss, c.id, { agent: 'boss1' });
    expect(await h.composed.desk!.get(c.id)).toMatchObject({ status: 'agent', agent: 'boss1' });
    const audit = await h.composed.stores.audit.list({ limit: 20 });
    expect(audit.map((e) => e.action)).toEqual(['transfer', 'transfer', 'take', 'transfer', 'take']);
  });

  it('urgency first: a crisis message in office hours goes to the front of the queue; an emergency during a chat raises it', async () => {
    await h.resident('gil').say('人工');
    const crisis = await h.resident('hal').say('我不想活了');
    expect(crisis[0]).toContain('12356');
    expect(crisis[1]).toBe('我已请工作人员优先联系您，请留在这里，工作人员会在这里回复您。');
    expect((await queue()).map((c) => [c.address.userId, c.priority])).toEqual([
      ['hal', 'urgent'],
      ['gil', 'normal'],
    ]);
    const bad = await h.resident('gil').say('我家着火了');
    expect(bad[0]).toContain('119');
    expect((await queue()).find((c) => c.address.userId === 'gil')?.priority).toBe('urgent');
  });

  it('stuck twice at the same question, a person takes over with the question pinned', async () => {
    const r = h.resident('ida');
    await r.say('意见建议');
    for (const t of ['啊', '哦', '嗯']) await r.say(t);
    expect(await queue()).toHaveLength(0);
    for (const t of ['啊', '哦']) await r.say(t);
    const third = await r.say('嗯');
    expect(third.join('\n')).toContain('已为您转接人工客服');
    expect((await queue())[0]).toMatchObject({ trigger: 'stuck', priority: 'high' });
    expect((await r.session())?.handoff?.pinned[0]).toMatchObject({ flowId: 'feedback', stepId: 'topic' });
  });

  it('a flow’s handoff step hands over with what it collected; a trigger in its reason routes it', async () => {
    await h.composed.close();
    h = await deskHarness({ flowsDirs: [DEFAULT_FLOWS_DIR, new URL('../fixtures/flows/handoff', import.meta.url).pathname] });
    const r = h.resident('kay');
    await r.say('测试报修');
    await r.say('厨房水管');
    const handed = await r.say('13912345678');
    expect(handed).toEqual(['好的，马上请工作人员处理。', '我已请工作人员优先联系您，请留在这里，工作人员会在这里回复您。']);
    // The phone, the last answer, came with the turn that handed over: the case has what was collected before it.
    expect((await queue())[0]).toMatchObject({ trigger: 'urgent', priority: 'urgent', reason: 'urgent: water leak reported', collected: { flow: 'report-leak', slots: { where: '厨房水管' } } });
    // A flow that handed over has nothing to resume.
    expect((await r.session())?.handoff?.pinned).toEqual([]);
  });

  it('a handover saved with the turn but never queued (the store failed right after) is queued on the next message', async () => {
    const r = h.resident('lou');
    await r.say('意见建议');
    const session = (await r.session())!;
    const pinned = session.frames;
    await h.composed.stores.sessions.set(`test:lou`, { ...session, frames: [], handoff: { caseId: 'hlostlostlost', since: h.clock.now(), pinned, toldAt: h.clock.now() } }, 3600);
    expect(await r.say('有人吗')).toEqual([expect.stringMatching(/^收到，工作人员接入后就能看到您的消息/)]);
    expect(await h.composed.desk!.get('hlostlostlost')).toMatchObject({ status: 'queued', collected: { flow: 'feedback' } });
  });

  it('unfollowing during a chat ends it and erases the transcript and what the bot had collected', async () => {
    const r = h.resident('jo');
    await r.say('意见建议');
    await r.say('1');
    await r.say('人工');
    const [c] = await queue();
    await r.send({ kind: 'unsubscribe' });
    expect(await h.composed.desk!.get(c!.id)).toMatchObject({ status: 'bot', outcome: 'resident-left', collected: { slots: {} } });
    expect(await h.composed.desk!.deps.transcripts.read('test:jo')).toEqual([]);
  });
});

describe('outside office hours', () => {
  it('a message left after hours becomes a work order with the promised callback', async () => {
    h.clock.set(Date.parse('2026-12-01T22:30:00+08:00'));
    const r = h.resident('kim');
    const asked = await r.say('人工');
    expect(asked[0]).toBe('人工客服现在下班了（服务时间：周一至周五 10:00-14:00、15:30-19:30、20:00-22:00；周六 11:00-17:00；周日 休息）。您可以留言，工作人员会在明天 14:00前给您回电；着急的话也可以拨打 12345 热线（24小时）。');
    await r.say('我家小区门口的路灯坏了好几天了');
    await r.say('王女士');
    await r.say('13912345678');
    const done = await r.say('确认留言');
    expect(done[0]).toMatch(/^已记下您的留言，工单号 GD\d+。工作人员会在明天 14:00前打 139\*\*\*\*5678 联系您/);
    expect(h.orders.opened[0]).toMatchObject({
      source: 'callback',
      description: '我家小区门口的路灯坏了好几天了',
      contact: { name: '王女士', phone: '13912345678' },
      callbackBy: Date.parse('2026-12-02T14:00:00+08:00'),
      openedBy: { kind: 'resident' },
    });
    expect(await queue()).toHaveLength(0);
  });

  it('without work orders connected, the resident hears the hours and 12345', async () => {
    await h.composed.close();
    h = await deskHarness({ workOrders: null });
    h.clock.set(Date.parse('2026-12-06T09:00:00+08:00'));
    const asked = await h.resident('lee').say('人工');
    expect(asked[0]).toMatch(/^人工客服现在下班了（服务时间：.*；下次上班：明天 10:00）。需要人工帮忙，可以拨打 12345/);
  });
});

describe('the desk’s clocks', () => {
  it('a waiting resident hears their place again after a silence, twice at most; a resident silent with an agent is let go', async () => {
    const r = h.resident('max');
    await r.say('人工');
    h.clock.advance(3 * 60_000);
    expect((await h.composed.sweeper!.sweep({ claim: false })).told).toBe(1);
    expect(r.outbox().at(-1)).toMatch(/^现在咨询的人比较多，您仍在排队。您是下一位/);
    h.clock.advance(3 * 60_000);
    await h.composed.sweeper!.sweep({ claim: false });
    h.clock.advance(3 * 60_000);
    expect((await h.composed.sweeper!.sweep({ claim: false })).told).toBe(0);
    expect(r.outbox()).toHaveLength(2);

    const wang = await h.agent('wang2');
    const c = await agents().take(wang, 'next');
    await r.say('在吗');
    h.clock.advance(3 * 60_000);
    await h.composed.sweeper!.sweep({ claim: false });
    expect(r.outbox().at(-1)).toBe('工作人员正在为您查询处理，请稍候。');
    await agents().reply(wang, c.id, '请问您要办什么？');
    h.clock.advance(30 * 60_000);
    expect((await h.composed.sweeper!.sweep({ claim: false })).expired).toBe(1);
    expect(r.outbox().slice(-2)).toEqual(['您已经有一段时间没有回复，本次人工服务先结束了。需要时再回复“人工”。', expect.stringMatching(/^请为刚才的人工服务打个分/)]);
    expect(await h.composed.desk!.get(c.id)).toMatchObject({ outcome: 'resident-timeout' });
  });

  it('when the team’s hours end while residents wait, they are told and the wait ends', async () => {
    h.clock.set(Date.parse('2026-12-01T13:58:00+08:00'));
    const r = h.resident('ned');
    await r.say('意见建议');
    await r.say('人工');
    h.clock.set(Date.parse('2026-12-01T14:01:00+08:00'));
    expect((await h.composed.sweeper!.sweep({ claim: false })).expired).toBe(1);
    expect(r.outbox().at(-1)).toMatch(/^很抱歉，今天的人工服务时间结束了/);
    // The pinned flow is offered back when the resident returns.
    expect((await r.session())?.paused).toMatchObject({ title: '意见建议' });
  });

  it('only one instance sweeps a period', async () => {
    h.clock.advance(10_000);
    const [x, y] = await Promise.all([h.composed.sweeper!.sweep(), h.composed.sweeper!.sweep()]);
    expect([x.ran, y.ran].sort()).toEqual([false, true]);
  });
});

describe('the supervisor’s view', () => {
  it('queues per team, agents’ load, SLA clocks in working time (the lunch break does not count), today’s ratings, work orders to chase', async () => {
    // Each message moves the clock a second: qin asks at 13:56:00 sharp.
    h.clock.set(Date.parse('2026-12-01T13:55:59+08:00'));
    const wang = await h.agent('wang9');
    const boss = await h.agent('boss9', { role: 'supervisor', teams: ['general', 'supervisor'] });
    await h.resident('qin').say('人工');
    await h.resident('ren').say('人工');
    h.clock.set(Date.parse('2026-12-01T15:32:59+08:00'));
    await agents().setPresence(wang, 'online');
    const c = await agents().take(wang, 'next');
    h.clock.advance(1000);
    await agents().reply(wang, c.id, '您好');
    const view = await supervisorView(h.composed.desk!, h.composed.stores.staff);
    expect(view.teams.find((t) => t.id === 'general')).toMatchObject({ open: true, waiting: 1, online: 1 });
    expect(view.agents.find((a) => a.username === 'wang9')).toMatchObject({ status: 'online', load: 1, capacity: 3, chats: [c.id] });
    const clocks = view.cases.find((x) => x.case.id === c.id)!.clocks;
    // 13:56–14:00 and 15:30–15:33: 7 working minutes, past the 5-minute target; stopped at the reply.
    expect(clocks.firstResponse).toEqual({ ms: 7 * 60_000, targetMs: 5 * 60_000, state: 'breached', done: true });
    expect(clocks.resolution).toMatchObject({ ms: 7 * 60_000, state: 'ok', done: false });
    const waiting = view.cases.find((x) => x.case.id !== c.id)!.clocks.firstResponse;
    expect(waiting).toMatchObject({ ms: 7 * 60_000 - 1000, state: 'breached', done: false });
    await agents().handBack(wang, c.id);
    await h.resident('qin').say('非常不满意');
    await h.resident('qin').say('态度不好');
    const later = await supervisorView(h.composed.desk!, h.composed.stores.staff);
    expect(later.today).toMatchObject({ ended: 1, served: 1, rated: 1, averageScore: 1, bad: 1 });
    expect(later.workOrders).toMatchObject({ connected: true, overdue: [], rectification: [] });
    expect(boss.role).toBe('supervisor');
  });
});

describe('switches', () => {
  it('HUMAN_AGENTS=off points to 12345 as before; no desk, no transcripts', async () => {
    await h.composed.close();
    h = await deskHarness({ env: { HUMAN_AGENTS: 'off' } });
    expect(h.composed.desk).toBeUndefined();
    const asked = await h.resident('oz').say('人工');
    expect(asked[0]).toContain('12345');
  });

  it('a desk that never closes (officeHours) always queues', async () => {
    await h.composed.close();
    h = await deskHarness({ officeHours: ALWAYS_OPEN });
    h.clock.set(Date.parse('2026-12-06T03:00:00+08:00'));
    expect((await h.resident('pat').say('人工'))[0]).toContain('已为您转接人工客服');
  });
});
