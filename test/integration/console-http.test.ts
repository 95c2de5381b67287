import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleClient, createAccount, serveConsole, type ConsoleServer } from './console-support';
import { deskHarness, type DeskHarness } from './handoff-support';

/**
 * The console over real HTTP on the real bot (memory stores, manual clock): logins, lock-out,
 * sessions and their expiry, CSRF, roles, masking of every payload and the audited reveal, the
 * audit log and its export, accounts, and the live stream's ids, replay and snapshot.
 */
let h: DeskHarness;
let server: ConsoleServer;
const PASSWORD = 'correct horse battery';

beforeEach(async () => {
  h = await deskHarness();
  server = await serveConsole(h.composed, { config: { maxFailures: 3 }, renewMs: 100 });
  await createAccount(h.composed, 'wang', PASSWORD);
  await createAccount(h.composed, 'boss', PASSWORD, { role: 'supervisor', teams: ['general', 'supervisor'] });
  await createAccount(h.composed, 'root', PASSWORD, { role: 'admin', teams: ['general', 'social', 'supervisor'] });
});
afterEach(async () => {
  await server.close();
  await h.composed.close();
});

const client = () => new ConsoleClient(server.base);
const audit = async () => (await h.composed.stores.audit.list({ limit: 100 })).map((e) => `${e.actor}:${e.action}`);

describe('login', () => {
  it('pages need a login; a good one gives an HttpOnly SameSite=Strict cookie for /console and is audited', async () => {
    const c = client();
    expect((await c.get('/console')).headers.get('location')).toBe('/console/login');
    expect((await c.api('GET', '/console/api/snapshot')).status).toBe(401);
    const res = await c.login('wang', PASSWORD);
    expect([res.status, res.headers.get('location')]).toEqual([303, '/console']);
    const cookie = res.headers.getSetCookie().find((x) => x.startsWith('banshi_console='));
    expect(cookie).toMatch(/path=\/console/i);
    expect(cookie).toMatch(/httponly/i);
    expect(cookie).toMatch(/samesite=strict/i);
    expect((await c.api('GET', '/console/api/snapshot')).json).toMatchObject({ me: { username: 'wang', role: 'agent' } });
    expect(await audit()).toContain('wang:login');
  });

  it('a wrong password and an unknown name get the same answer; three failures lock the name, an admin unlocks it', async () => {
    const wrong = await client().login('wang', 'not the password');
    const unknown = await client().login('nobody', 'not the password');
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(await wrong.text()).toContain('账号或密码不正确。');
    expect(await unknown.text()).toContain('账号或密码不正确。');
    const third = await client().login('wang', 'still wrong') && (await client().login('wang', 'wrong again'));
    expect(third.status).toBe(429);
    expect(await third.text()).toContain('账号已暂时锁定');
    // Locked: even the right password is refused, and nothing says whether it was right.
    const locked = await client().login('wang', PASSWORD);
    expect(locked.status).toBe(429);
    expect(await audit()).toEqual(expect.arrayContaining(['wang:login-failed', 'wang:login-locked', 'nobody:login-failed']));

    const admin = client();
    await admin.login('root', PASSWORD);
    const page = await (await admin.get('/console/accounts')).text();
    expect(page).toContain('解锁');
    const form = (await admin.get('/console/accounts')).headers;
    expect(form).toBeDefined();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const saved = await admin.form('/console/accounts/wang', { _csrf: csrf, displayName: 'wang号', role: 'agent', teams: ['general'], capacity: '3', unlock: '1' });
    expect(saved.status).toBe(200);
    expect((await client().login('wang', PASSWORD)).status).toBe(303);
  });

  it('the lock-out lapses after its time; an idle login ends, and so does one past its lifetime', async () => {
    for (let i = 0; i < 3; i++) await client().login('wang', 'wrong');
    expect((await client().login('wang', PASSWORD)).status).toBe(429);
    h.clock.advance(16 * 60_000);
    const c = client();
    expect((await c.login('wang', PASSWORD)).status).toBe(303);
    h.clock.advance(31 * 60_000);
    expect((await c.get('/console')).headers.get('location')).toBe('/console/login?expired=1');
    const d = client();
    await d.login('wang', PASSWORD);
    for (let i = 0; i < 21; i++) {
      h.clock.advance(29 * 60_000);
      await d.get('/console');
    }
    expect((await d.api('GET', '/console/api/snapshot')).status).toBe(401);
  });

  it('a login form without its token, or posted from another site, is refused', async () => {
    const c = client();
    await c.get('/console/login');
    expect((await c.form('/console/login', { _csrf: 'forged', username: 'wang', password: PASSWORD })).status).toBe(403);
    const page = await (await c.get('/console/login')).text();
    const token = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    expect((await c.form('/console/login', { _csrf: token, username: 'wang', password: PASSWORD }, { origin: 'https://evil.example' })).status).toBe(403);
  });

  it('a disabled account cannot log in, and its open login ends', async () => {
    const c = client();
    await c.login('wang', PASSWORD);
    await h.composed.stores.staff.update('wang', { disabled: true });
    expect((await c.api('GET', '/console/api/snapshot')).status).toBe(401);
    expect((await client().login('wang', PASSWORD)).status).toBe(401);
  });

  it('logout needs the form token, ends the login everywhere and is audited', async () => {
    const c = client();
    await c.login('wang', PASSWORD);
    expect((await c.form('/console/logout', { _csrf: 'x' })).status).toBe(403);
    const out = await c.form('/console/logout', { _csrf: c.csrf });
    expect(out.headers.get('location')).toBe('/console/login?bye=1');
    expect((await c.api('GET', '/console/api/snapshot')).status).toBe(401);
    expect(await audit()).toContain('wang:logout');
  });
});

describe('roles and CSRF', () => {
  it('agents cannot open the supervisor view, the audit log or accounts; supervisors cannot manage accounts', async () => {
    const agent = client();
    await agent.login('wang', PASSWORD);
    expect((await agent.get('/console/supervisor')).status).toBe(403);
    expect((await agent.get('/console/audit')).status).toBe(403);
    expect((await agent.get('/console/audit.csv')).status).toBe(403);
    expect((await agent.api('GET', '/console/api/supervisor')).status).toBe(403);
    expect((await agent.get('/console/accounts')).status).toBe(403);
    const boss = client();
    await boss.login('boss', PASSWORD);
    expect((await boss.get('/console/supervisor')).status).toBe(200);
    expect((await boss.get('/console/accounts')).status).toBe(403);
  });

  it('every API write needs the login’s CSRF token', async () => {
    const c = client();
    await c.login('wang', PASSWORD);
    expect((await c.api('POST', '/console/api/presence', { status: 'away' }, { csrf: null })).status).toBe(403);
    expect((await c.api('POST', '/console/api/presence', { status: 'away' }, { csrf: 'wrong' })).status).toBe(403);
    expect((await c.api('POST', '/console/api/presence', { status: 'away' })).status).toBe(200);
  });
});

describe('a chat through the API', () => {
  async function queuedChat(): Promise<{ c: ConsoleClient; id: string }> {
    const r = h.resident('rosa');
    await r.say('意见建议');
    await r.say('人工');
    await r.say('我叫王芳，电话13912345678，身份证110105194912310025，住北京南路358号2单元501室');
    const c = client();
    await c.login('wang', PASSWORD);
    const snap = await c.api('GET', '/console/api/snapshot');
    const id = (snap.json['queue'] as { id: string }[])[0]!.id;
    return { c, id };
  }

  it('masks ID numbers, phones and addresses in every payload; a reveal needs a reason, shows the original and is audited', async () => {
    const { c, id } = await queuedChat();
    const raw = ['13912345678', '110105194912310025', '358号'];
    const detail = await c.api('GET', `/console/api/cases/${id}`);
    const text = JSON.stringify(detail.json);
    for (const value of raw) expect(text).not.toContain(value);
    expect(text).toContain('139****5678');
    const line = (detail.json['transcript'] as { id: string; text: string; maskable: boolean }[]).find((e) => e.maskable)!;
    expect((await c.api('POST', `/console/api/cases/${id}/reveal`, { entry: line.id, reason: '看' })).status).toBe(400);
    const shown = await c.api('POST', `/console/api/cases/${id}/reveal`, { entry: line.id, reason: '核对居民身份' });
    expect(shown.json['text']).toContain('110105194912310025');
    const entry = (await h.composed.stores.audit.list({ limit: 5, action: 'reveal' }))[0];
    expect(entry).toMatchObject({ actor: 'wang', action: 'reveal', target: id, detail: { entry: line.id, reason: '核对居民身份' } });
    // The stream carries only masked lines too.
    const s = c.stream();
    await expect.poll(() => s.events().some((e) => e.event === 'snapshot')).toBe(true);
    await h.resident('rosa').say('再补充一下，我的电话是13812345678');
    await expect.poll(() => s.events().filter((e) => e.event === 'message').length).toBeGreaterThan(0);
    expect(s.raw()).not.toContain('13812345678');
    expect(s.raw()).toContain('138****5678');
    s.close();
  });

  it('take, reply, note, close: each audited; the wrong owner and a double click do nothing', async () => {
    const { c, id } = await queuedChat();
    expect((await c.api('POST', `/console/api/cases/${id}/reply`, { text: '你好' })).status).toBe(403);
    expect((await c.api('POST', `/console/api/cases/${id}/take`, {})).json).toMatchObject({ case: { status: 'agent', agent: 'wang' } });
    const key = 'k-0123456789';
    await c.api('POST', `/console/api/cases/${id}/reply`, { text: '您好，我是工作人员', key });
    await c.api('POST', `/console/api/cases/${id}/reply`, { text: '您好，我是工作人员', key });
    expect(h.resident('rosa').outbox().filter((t) => t === '您好，我是工作人员')).toHaveLength(1);
    await c.api('POST', `/console/api/cases/${id}/note`, { text: '居民年纪大，说慢一点' });
    const other = client();
    await other.login('boss', PASSWORD);
    expect((await other.api('POST', `/console/api/cases/${id}/reply`, { text: '插一句' })).json.error?.code).toBe('not_owner');
    const closed = await c.api('POST', `/console/api/cases/${id}/close`, { resolution: '已登记', workOrder: { mode: 'new', category: '建议' } });
    expect(closed.status).toBe(200);
    expect(closed.json['workOrder']).toMatchObject({ reference: expect.stringMatching(/^GD/) });
    expect(await audit()).toEqual(expect.arrayContaining(['wang:take', 'wang:reply', 'wang:note', 'wang:close']));
    expect((await h.composed.stores.audit.list({ limit: 20, action: 'reply' }))).toHaveLength(1);
  });

  it('the audit log is readable, filterable and exported as CSV (masked, the export audited)', async () => {
    const { c, id } = await queuedChat();
    await c.api('POST', `/console/api/cases/${id}/take`, {});
    const line = ((await c.api('GET', `/console/api/cases/${id}`)).json['transcript'] as { id: string; maskable: boolean }[]).find((e) => e.maskable)!;
    await c.api('POST', `/console/api/cases/${id}/reveal`, { entry: line.id, reason: '居民要求核对电话13912345678' });
    const boss = client();
    await boss.login('boss', PASSWORD);
    const page = await (await boss.get('/console/audit?actor=wang')).text();
    expect(page).toContain('查看隐藏信息');
    expect(page).not.toContain('13912345678');
    const csv = await boss.get('/console/audit.csv?action=reveal');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await csv.arrayBuffer());
    // A byte-order mark first, so spreadsheet programs read the Chinese as UTF-8.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const body = bytes.subarray(3).toString('utf8');
    expect(body.startsWith('时间,人员,操作')).toBe(true);
    expect(body).toContain('查看隐藏信息');
    expect(body).toContain('139****5678');
    expect(body).not.toContain('13912345678');
    expect(body).not.toContain('接入');
    expect(await audit()).toContain('boss:audit-export');
  });
});

describe('accounts', () => {
  it('an admin creates an account (password twice, at least 12) and changes its role; each is audited', async () => {
    const admin = client();
    await admin.login('root', PASSWORD);
    const token = () => admin.csrf;
    const bad = await admin.form('/console/accounts', { _csrf: token(), username: 'li', displayName: '1024号', role: 'agent', teams: 'general', capacity: '2', password: 'short', password2: 'short' });
    expect([bad.status, (await bad.text()).includes('密码至少12位')]).toEqual([400, true]);
    const differ = await admin.form('/console/accounts', { _csrf: token(), username: 'li', displayName: '1024号', role: 'agent', teams: 'general', capacity: '2', password: 'a long password 1', password2: 'a long password 2' });
    expect(await differ.text()).toContain('两次输入的密码不一样');
    const ok = await admin.form('/console/accounts', { _csrf: token(), username: 'li', displayName: '1024号', role: 'agent', teams: ['general', 'social'], capacity: '2', password: 'a long password 1', password2: 'a long password 1' });
    expect(await ok.text()).toContain('已创建账号 li');
    expect((await client().login('li', 'a long password 1')).status).toBe(303);
    await admin.form('/console/accounts/li', { _csrf: token(), displayName: '1024号', role: 'supervisor', teams: 'general', capacity: '4' });
    expect(await h.composed.stores.staff.get('li')).toMatchObject({ role: 'supervisor', capacity: 4, teams: ['general'] });
    const self = await admin.form('/console/accounts/root', { _csrf: token(), displayName: 'root号', role: 'agent', teams: 'general', capacity: '3' });
    expect(await self.text()).toContain('不能停用自己的账号或取消自己的管理员角色');
    expect(await audit()).toEqual(expect.arrayContaining(['root:account-create', 'root:account-update']));
  });
});

describe('the live stream', () => {
  it('sends ids; a reconnect with Last-Event-ID replays what was missed, then a snapshot; an unknown id gets the snapshot alone', async () => {
    const c = client();
    await c.login('wang', PASSWORD);
    const first = c.stream();
    await expect.poll(() => first.events().map((e) => e.event)).toContain('snapshot');
    expect(first.raw()).toContain(': connected');
    await h.resident('una').say('人工');
    await expect.poll(() => first.events().filter((e) => e.event === 'case').length).toBe(1);
    const seen = first.events().at(-1)!.id!;
    first.close();

    await h.resident('vic').say('人工');
    await h.resident('una').say('还要等多久');
    const again = c.stream({ lastEventId: seen });
    await expect.poll(() => again.events().map((e) => e.event)).toContain('snapshot');
    const kinds = again.events().map((e) => e.event);
    // Missed: vic's case, una's line; then the snapshot (with both waiting).
    expect(kinds.slice(0, kinds.indexOf('snapshot'))).toEqual(expect.arrayContaining(['case', 'message']));
    const snapshot = again.events().find((e) => e.event === 'snapshot')!.data as { queue: unknown[] };
    expect(snapshot.queue).toHaveLength(2);
    again.close();

    const stale = c.stream({ lastEventId: '99999999999999-0' });
    await expect.poll(() => stale.events().map((e) => e.event)).toEqual(['snapshot']);
    stale.close();
  });

  it('an open stream keeps its login alive, and ends (telling the page) once the login has ended', async () => {
    const c = client();
    await c.login('wang', PASSWORD);
    const s = c.stream();
    await expect.poll(() => s.events().some((e) => e.event === 'snapshot')).toBe(true);
    // Idle for longer than the idle time, but the open console renewed it.
    for (let i = 0; i < 4; i++) {
      h.clock.advance(10 * 60_000);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect((await c.api('GET', '/console/api/snapshot')).status).toBe(200);
    await h.composed.stores.staff.update('wang', { disabled: true });
    await expect.poll(() => s.events().map((e) => e.event)).toContain('closed');
    expect(s.events().find((e) => e.event === 'closed')?.data).toEqual({ reason: 'logged-out' });
    s.close();
  });

  it('polling answers the same replay as JSON (pages behind a proxy that holds the stream back)', async () => {
    const c = client();
    await c.login('wang', PASSWORD);
    const start = await c.api('GET', '/console/api/events?poll=1');
    expect(start.json).toMatchObject({ events: [], snapshot: { me: { username: 'wang' } } });
    await h.resident('wes').say('人工');
    const next = await c.api('GET', `/console/api/events?poll=1&after=${String(start.json['last'])}`);
    // The new case, then its first lines (the resident's 人工 and the bot's answer).
    expect((next.json['events'] as { type: string }[]).map((e) => e.type)).toEqual(['case', 'message', 'message']);
    expect(next.json['snapshot']).toBeUndefined();
  });

  it('an agent sees the queue of their teams and their own chats, not others’ chats; supervisors see all', async () => {
    await createAccount(h.composed, 'zhao', PASSWORD, { teams: ['social'] });
    const social = client();
    await social.login('zhao', PASSWORD);
    const s = social.stream();
    const boss = client();
    await boss.login('boss', PASSWORD);
    const b = boss.stream();
    await expect.poll(() => s.events().length > 0 && b.events().length > 0).toBe(true);
    await h.resident('xia').say('人工');
    await expect.poll(() => b.events().filter((e) => e.event === 'case').length).toBe(1);
    expect(s.events().filter((e) => e.event === 'case')).toHaveLength(0);
    s.close();
    b.close();
  });
});
