import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { AgentDesk } from '../../../bot/handoff/agent-desk';
import { maskDeep } from '../../../bot/handoff/mask';
import type { Logger } from '../../../bot/logger';
import type { Clock, ConversationLock, SessionStore } from '../../../bot/ports';
import { canSupervise, type AuditLog, type StaffDirectory } from '../../../bot/staff/model';
import { DEFAULT_BODY_LIMIT_BYTES } from '../body';
import { clearCookie, readSignedCookie, setSignedCookie } from '../cookies';
import { HttpError } from '../errors';
import { resolveInside } from '../static-files';
import { requireAllowedHost, sameOriginWrites } from '../security';
import { mountConsoleAdmin } from './admin';
import { mountConsoleApi, stateOf, type ConsoleState } from './api';
import { ConsoleAuth, sameToken } from './auth';
import type { ConsoleConfig } from './config';
import { readForm } from './forms';
import { createConsoleLive, type ConsoleLive } from './live';
import { CONSOLE_CSP, loginPage, messagePage, supervisorPage, workspacePage } from './pages';

export const CONSOLE_COOKIE = 'banshi_console';
const LOGIN_CSRF_COOKIE = 'banshi_console_login';
export const CONSOLE_PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));
const ASSET_TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };

export interface ConsoleRouterOptions {
  agents: AgentDesk;
  staff: StaffDirectory;
  audit: AuditLog;
  /** The shared store: logins and failure counts (every instance accepts a login). */
  sessions: SessionStore;
  lock: ConversationLock;
  clock: Clock;
  logger: Logger;
  config: ConsoleConfig;
  allowedHosts?: readonly string[];
  /** Live streams this instance keeps open (HTTP_MAX_STREAMS). */
  maxStreams?: number;
  /** Heartbeat of the live stream (pages switch to polling when heartbeats stop coming). */
  heartbeatMs?: number;
  /** How often an open stream renews its login and presence (default: 30 s, or a quarter of the idle time when shorter). */
  renewMs?: number;
  bodyLimitBytes?: number;
}

export interface ConsoleRouter {
  router: Router;
  live: ConsoleLive;
  auth: ConsoleAuth;
  close(): void;
}

function html(ctx: Context, page: string, status = 200): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.set('Content-Security-Policy', CONSOLE_CSP);
  // Forms then carry their true Origin (with no-referrer the browser sends "null"), which the
  // same-origin check reads; other sites still get no referrer.
  ctx.set('Referrer-Policy', 'same-origin');
  ctx.body = page;
}

/**
 * The agent console at `/console`: login (argon2id, lock-out, audited), the workspace, the
 * supervisor's view, the audit log with export and account management, each page behind its
 * role; the JSON API and the live stream under `/console/api`. Logins live in the shared store
 * behind a signed, HttpOnly, SameSite=Strict cookie; every form carries the login's CSRF token and
 * every API write its `X-CSRF-Token` header (and writes from another origin are refused too).
 * Every JSON answer is masked (ID numbers, phones, addresses, WeChat ids) except a reveal's.
 */
export function createConsoleRouter(options: ConsoleRouterOptions): ConsoleRouter {
  const allowed = options.allowedHosts ?? [];
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const bodyLimitBytes = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const auth = new ConsoleAuth({ staff: options.staff, audit: options.audit, sessions: options.sessions, lock: options.lock, clock: options.clock, config: options.config, logger: options.logger });
  const live = createConsoleLive({ agents: options.agents, limits: { maxStreams: options.maxStreams ?? 1000, heartbeatMs }, logger: options.logger, renewMs: options.renewMs ?? Math.min(30_000, options.config.idleMs / 4) });
  const router = new Router({ prefix: '/console' });

  router.use(requireAllowedHost(allowed), sameOriginWrites());
  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

  router.get('/assets/:file', async (ctx) => {
    const full = resolveInside(CONSOLE_PUBLIC_DIR.replace(/\/$/, ''), `/${String(ctx.params['file'])}`);
    const type = full ? ASSET_TYPES[extname(full)] : undefined;
    if (!full || !type) throw new HttpError(404, 'not_found', 'not found');
    const body = await readFile(full).catch(() => undefined);
    if (!body) throw new HttpError(404, 'not_found', 'not found');
    ctx.type = type;
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = body;
  });

  // ── login ────────────────────────────────────────────────────────────────
  const loginForm = (ctx: Context, status: number, extra: { error?: string; username?: string; notice?: string } = {}) => {
    const csrf = randomBytes(18).toString('base64url');
    setSignedCookie(ctx, LOGIN_CSRF_COOKIE, csrf, { path: '/console/login', maxAgeMs: 30 * 60_000 });
    html(ctx, loginPage({ csrf, ...extra }), status);
  };
  router.get('/login', async (ctx) => {
    if (await auth.session(readSignedCookie(ctx, CONSOLE_COOKIE))) return ctx.redirect('/console');
    loginForm(ctx, 200, ctx.query['bye'] === '1' ? { notice: '已退出登录。' } : ctx.query['expired'] === '1' ? { notice: '登录已过期，请重新登录。' } : {});
  });
  router.post('/login', async (ctx) => {
    const form = await readForm(ctx);
    const expected = readSignedCookie(ctx, LOGIN_CSRF_COOKIE);
    if (!expected || !sameToken(expected, form.get('_csrf') ?? '')) return loginForm(ctx, 403, { error: '页面已过期，请重新输入。' });
    const username = (form.get('username') ?? '').slice(0, 64);
    const result = await auth.login(username, (form.get('password') ?? '').slice(0, 256), ctx.ip);
    if (!result.ok) {
      const minutes = Math.max(1, Math.ceil((result.retryAfterMs ?? 0) / 60_000));
      const error = result.reason === 'invalid' ? '账号或密码不正确。' : result.reason === 'locked' ? `密码错误次数过多，账号已暂时锁定，请 ${minutes} 分钟后再试，或联系管理员解锁。` : `登录失败次数过多，请 ${minutes} 分钟后再试。`;
      if (result.reason !== 'invalid') ctx.set('Retry-After', String(minutes * 60));
      return loginForm(ctx, result.reason === 'invalid' ? 401 : 429, { error, username });
    }
    clearCookie(ctx, LOGIN_CSRF_COOKIE, '/console/login');
    setSignedCookie(ctx, CONSOLE_COOKIE, result.token, { path: '/console', maxAgeMs: options.config.sessionMs });
    ctx.status = 303;
    ctx.redirect(canSupervise(result.profile.role) && ctx.query['next'] === 'supervisor' ? '/console/supervisor' : '/console');
  });

  // ── everything else needs a login ─────────────────────────────────────────
  const requireLogin: Middleware = async (ctx, next) => {
    const token = readSignedCookie(ctx, CONSOLE_COOKIE);
    const found = await auth.session(token);
    const isApi = ctx.path.startsWith('/console/api/');
    if (!found || !token) {
      if (isApi) throw new HttpError(401, 'login_required', '登录已过期，请重新登录。');
      ctx.status = 303;
      ctx.redirect(token ? '/console/login?expired=1' : '/console/login');
      return;
    }
    const state: ConsoleState = { profile: found.profile, token, csrf: found.session.csrf };
    (ctx.state as { console: ConsoleState }).console = state;
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD' && isApi && !sameToken(ctx.get('X-CSRF-Token'), state.csrf)) {
      throw new HttpError(403, 'csrf', '页面已过期，请刷新后再试。');
    }
    await next();
    // Every JSON answer masked, however it was built; a reveal is the one exception.
    if (isApi && ctx.body && typeof ctx.body === 'object' && !Buffer.isBuffer(ctx.body) && !(ctx.body instanceof ReadableStream) && !state.unmasked && typeof (ctx.body as { pipe?: unknown }).pipe !== 'function') {
      ctx.body = maskDeep(ctx.body);
    }
  };
  /** A form post's CSRF token (the login's). */
  const checkForm = (ctx: Context, form: URLSearchParams): void => {
    if (!sameToken(form.get('_csrf') ?? '', stateOf(ctx).csrf)) throw new HttpError(403, 'csrf', '页面已过期，请刷新后再试。');
  };
  router.use(async (ctx, next) => {
    if (ctx.path === '/console/login' || ctx.path.startsWith('/console/assets/')) return next();
    return requireLogin(ctx, next);
  });

  router.post('/logout', async (ctx) => {
    const form = await readForm(ctx);
    checkForm(ctx, form);
    const s = stateOf(ctx);
    await auth.logout(s.token, s.profile.username, ctx.ip);
    clearCookie(ctx, CONSOLE_COOKIE, '/console');
    ctx.status = 303;
    ctx.redirect('/console/login?bye=1');
  });
  router.get('/', (ctx) => {
    const s = stateOf(ctx);
    html(ctx, workspacePage(s.profile, s.csrf, heartbeatMs));
  });
  router.get('/supervisor', (ctx) => {
    const s = stateOf(ctx);
    if (!canSupervise(s.profile.role)) return html(ctx, messagePage('无权访问', '班长视图只对班长和管理员开放。', { href: '/console', label: '回到工作台' }), 403);
    html(ctx, supervisorPage(s.profile, s.csrf, heartbeatMs));
  });
  mountConsoleAdmin(router, { staff: options.staff, audit: options.audit, auth, agents: options.agents, clock: options.clock, checkForm, html });
  mountConsoleApi(router, { agents: options.agents, staff: options.staff, live, bodyLimitBytes, stillLoggedIn: async (token) => (await auth.session(token)) !== undefined });

  return { router, live, auth, close: () => live.close() };
}
