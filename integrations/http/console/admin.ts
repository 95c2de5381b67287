import type { Router } from '@koa/router';
import type { Context } from 'koa';
import { stringify } from 'csv-stringify/sync';
import type { AgentDesk } from '../../../bot/handoff/agent-desk';
import { maskText } from '../../../bot/handoff/mask';
import type { Clock } from '../../../bot/ports';
import { AuditActionSchema, canSupervise, PasswordSchema, RoleSchema, UsernameSchema, type AuditEntry, type AuditLog, type AuditQuery, type StaffDirectory } from '../../../bot/staff/model';
import type { ConsoleAuth } from './auth';
import { stateOf } from './api';
import { readForm } from './forms';
import { accountsPage, auditActionLabel, auditPage, formatTime, messagePage } from './pages';
import { hashPassword } from './passwords';

interface AdminDeps {
  staff: StaffDirectory;
  audit: AuditLog;
  auth: ConsoleAuth;
  agents: AgentDesk;
  clock: Clock;
  checkForm(ctx: Context, form: URLSearchParams): void;
  html(ctx: Context, page: string, status?: number): void;
}

const PAGE = 100;
const EXPORT_MAX = 20_000;

/** A local (Beijing) date's start, or undefined. */
function dayMs(date: unknown, end = false): number | undefined {
  if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const ms = Date.parse(`${date}T00:00:00+08:00`);
  return Number.isNaN(ms) ? undefined : end ? ms + 86_400_000 - 1 : ms;
}

function auditQuery(ctx: Context, limit: number): { query: AuditQuery; shown: Record<string, string> } {
  const q = ctx.query;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, 40) : undefined);
  const action = AuditActionSchema.safeParse(q['action']);
  const shown = { actor: text(q['actor']) ?? '', action: action.success ? action.data : '', from: text(q['from']) ?? '', to: text(q['to']) ?? '' };
  const query: AuditQuery = {
    limit,
    ...(shown.actor ? { actor: shown.actor } : {}),
    ...(action.success ? { action: action.data } : {}),
    ...(dayMs(q['from']) !== undefined ? { from: dayMs(q['from']) } : {}),
    ...(dayMs(q['to'], true) !== undefined ? { to: dayMs(q['to'], true) } : {}),
    ...(typeof q['before'] === 'string' && /^\d+-\d+$/.test(q['before']) ? { before: q['before'] } : {}),
  };
  return { query, shown };
}

/** Audit entries as shown or exported: details masked once more (a reason typed with a phone in it). */
function maskedEntry(e: AuditEntry): AuditEntry {
  return { ...e, ...(e.detail ? { detail: Object.fromEntries(Object.entries(e.detail).map(([k, v]) => [k, typeof v === 'string' ? maskText(v) : v])) } : {}) };
}

/**
 * The supervisor's audit log (read, filter, page, export as CSV — the export itself audited) and
 * the admin's account management (create, change role, teams, capacity, display name, password,
 * disable, unlock), as plain server-rendered pages with forms.
 */
export function mountConsoleAdmin(router: Router, deps: AdminDeps): void {
  const forbid = (ctx: Context, text: string) => deps.html(ctx, messagePage('无权访问', text, { href: '/console', label: '回到工作台' }), 403);

  router.get('/audit', async (ctx) => {
    const s = stateOf(ctx);
    if (!canSupervise(s.profile.role)) return forbid(ctx, '审计日志只对班长和管理员开放。');
    const { query, shown } = auditQuery(ctx, PAGE + 1);
    const entries = (await deps.audit.list(query)).map(maskedEntry);
    const page = entries.slice(0, PAGE);
    const params = new URLSearchParams(Object.entries(shown).filter(([, v]) => v));
    const next = entries.length > PAGE ? new URLSearchParams({ ...Object.fromEntries(params), before: page.at(-1)!.id }).toString() : undefined;
    deps.html(ctx, auditPage(s.profile, s.csrf, shown, page, next, params.toString()));
  });

  router.get('/audit.csv', async (ctx) => {
    const s = stateOf(ctx);
    if (!canSupervise(s.profile.role)) return forbid(ctx, '审计日志只对班长和管理员开放。');
    const { query, shown } = auditQuery(ctx, EXPORT_MAX);
    const entries = (await deps.audit.list(query)).map(maskedEntry);
    await deps.audit.append({ at: deps.clock.now(), actor: s.profile.username, action: 'audit-export', detail: { rows: entries.length, ...Object.fromEntries(Object.entries(shown).filter(([, v]) => v)) } });
    const rows = entries.map((e) => [formatTime(e.at), e.actor, auditActionLabel(e.action), e.target ?? '', Object.entries(e.detail ?? {}).map(([k, v]) => `${k}: ${String(v)}`).join('；'), e.ip ?? '', e.id]);
    // A BOM so spreadsheet programs read the Chinese right.
    ctx.body = `\uFEFF${stringify([['时间', '人员', '操作', '对象', '详情', '地址', '编号'], ...rows])}`;
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('Content-Disposition', `attachment; filename="audit-${new Date(deps.clock.now()).toISOString().slice(0, 10)}.csv"`);
  });

  const teams = () => deps.agents.desk.config.teams.map((t) => ({ id: t.id, name: t.name }));

  async function showAccounts(ctx: Context, message?: { ok: boolean; text: string }, status = 200): Promise<void> {
    const s = stateOf(ctx);
    const accounts = await deps.staff.list();
    const rows = await Promise.all(
      accounts.map(async (a) => {
        const until = await deps.auth.lockedUntil(a.username);
        return { username: a.username, displayName: a.displayName, role: a.role, teams: a.teams, capacity: a.capacity, disabled: a.disabled, ...(until ? { lockedUntil: until } : {}) };
      }),
    );
    deps.html(ctx, accountsPage(s.profile, s.csrf, rows, teams(), message), status);
  }

  const adminOnly = (ctx: Context): boolean => {
    if (stateOf(ctx).profile.role === 'admin') return true;
    forbid(ctx, '账号管理只对管理员开放。');
    return false;
  };

  /** The fields a form sets; an error text when one is wrong. */
  function fields(form: URLSearchParams): { ok: true; v: { displayName: string; role: 'agent' | 'supervisor' | 'admin'; teams: string[]; capacity: number } } | { ok: false; text: string } {
    const displayName = (form.get('displayName') ?? '').trim();
    if (!displayName || [...displayName].length > 20) return { ok: false, text: '显示名要填，最多20字。' };
    const role = RoleSchema.safeParse(form.get('role'));
    if (!role.success) return { ok: false, text: '请选择角色。' };
    const known = new Set(teams().map((t) => t.id));
    const chosen = form.getAll('teams').filter((t) => known.has(t));
    if (chosen.length === 0) return { ok: false, text: '请至少选一个班组。' };
    const capacity = Number(form.get('capacity'));
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 20) return { ok: false, text: '同时接待人数是1到20之间的整数。' };
    return { ok: true, v: { displayName, role: role.data, teams: chosen, capacity } };
  }

  function password(form: URLSearchParams, required: boolean): { ok: true; v?: string } | { ok: false; text: string } {
    const p = form.get('password') ?? '';
    const p2 = form.get('password2') ?? '';
    if (!p && !required) return { ok: true };
    const valid = PasswordSchema.safeParse(p);
    if (!valid.success) return { ok: false, text: '密码至少12位，最多128位。' };
    if (p !== p2) return { ok: false, text: '两次输入的密码不一样。' };
    return { ok: true, v: p };
  }

  router.get('/accounts', async (ctx) => {
    if (adminOnly(ctx)) await showAccounts(ctx);
  });

  router.post('/accounts', async (ctx) => {
    const form = await readForm(ctx);
    deps.checkForm(ctx, form);
    if (!adminOnly(ctx)) return;
    const username = UsernameSchema.safeParse((form.get('username') ?? '').trim().toLowerCase());
    if (!username.success) return showAccounts(ctx, { ok: false, text: '账号用小写字母开头，可含数字和 . _ -，2到32位。' }, 400);
    const f = fields(form);
    if (!f.ok) return showAccounts(ctx, { ok: false, text: f.text }, 400);
    const p = password(form, true);
    if (!p.ok || !p.v) return showAccounts(ctx, { ok: false, text: p.ok ? '请设置初始密码。' : p.text }, 400);
    const now = deps.clock.now();
    const created = await deps.staff.create({ username: username.data, ...f.v, passwordHash: await hashPassword(p.v), disabled: false, createdAt: now, updatedAt: now });
    if (created === 'exists') return showAccounts(ctx, { ok: false, text: `账号 ${username.data} 已经存在。` }, 409);
    await deps.audit.append({ at: now, actor: stateOf(ctx).profile.username, action: 'account-create', target: username.data, detail: { role: f.v.role, teams: f.v.teams.join(','), capacity: f.v.capacity } });
    await showAccounts(ctx, { ok: true, text: `已创建账号 ${username.data}。` });
  });

  router.post('/accounts/:username', async (ctx) => {
    const form = await readForm(ctx);
    deps.checkForm(ctx, form);
    if (!adminOnly(ctx)) return;
    const me = stateOf(ctx).profile;
    const username = UsernameSchema.safeParse(ctx.params['username']);
    const current = username.success ? await deps.staff.get(username.data) : undefined;
    if (!username.success || !current) return showAccounts(ctx, { ok: false, text: '没有这个账号。' }, 404);
    const f = fields(form);
    if (!f.ok) return showAccounts(ctx, { ok: false, text: f.text }, 400);
    const p = password(form, false);
    if (!p.ok) return showAccounts(ctx, { ok: false, text: p.text }, 400);
    const disabled = form.get('disabled') === '1';
    // An admin can neither lock themselves out nor take their own admin role away.
    if (current.username === me.username && (disabled || f.v.role !== 'admin')) return showAccounts(ctx, { ok: false, text: '不能停用自己的账号或取消自己的管理员角色。' }, 400);
    const now = deps.clock.now();
    await deps.staff.update(current.username, { ...f.v, disabled, updatedAt: now, ...(p.v ? { passwordHash: await hashPassword(p.v) } : {}) });
    if (form.get('unlock') === '1') await deps.auth.unlock(current.username);
    const changes = {
      ...(f.v.role !== current.role ? { role: f.v.role } : {}),
      ...(f.v.teams.join(',') !== current.teams.join(',') ? { teams: f.v.teams.join(',') } : {}),
      ...(f.v.capacity !== current.capacity ? { capacity: f.v.capacity } : {}),
      ...(f.v.displayName !== current.displayName ? { displayName: f.v.displayName } : {}),
      ...(disabled !== current.disabled ? { disabled } : {}),
      ...(p.v ? { password: 'changed' } : {}),
      ...(form.get('unlock') === '1' ? { unlocked: true } : {}),
    };
    await deps.audit.append({ at: now, actor: me.username, action: 'account-update', target: current.username, detail: changes });
    await showAccounts(ctx, { ok: true, text: `已保存 ${current.username}。` });
  });
}
