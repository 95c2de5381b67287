import { request } from 'node:http';
import type { Composed } from '../../bot/compose';
import type { Role, StaffAccount } from '../../bot/staff/model';
import { createHttpApp } from '../../integrations/http/app';
import { DEFAULT_CONSOLE_CONFIG, type ConsoleConfig } from '../../integrations/http/console/config';
import { hashPassword } from '../../integrations/http/console/passwords';
import { createConsoleRouter, type ConsoleRouter } from '../../integrations/http/console/router';
import type { WebDelivery } from '../../integrations/http/simulator/web-delivery';
import { listen, type Listening } from './http-helpers';

export const COOKIE_KEYS = ['console-test-cookie-key-0123456789abcdefgh'];

/** A staff account with a real argon2id hash of `password`. */
export async function createAccount(composed: Composed, username: string, password: string, o: { role?: Role; teams?: string[]; capacity?: number; displayName?: string } = {}): Promise<StaffAccount> {
  const now = composed.clock.now();
  const account: StaffAccount = {
    username,
    displayName: o.displayName ?? `${username}号`,
    role: o.role ?? 'agent',
    teams: o.teams ?? ['general', 'social'],
    capacity: o.capacity ?? 3,
    passwordHash: await hashPassword(password),
    disabled: false,
    createdAt: now,
    updatedAt: now,
  };
  await composed.stores.staff.create(account);
  return account;
}

export interface ConsoleServer extends Listening {
  console: ConsoleRouter;
}

/** The service's HTTP app with the console mounted, on a free port (as bot/main.ts wires it). */
export async function serveConsole(composed: Composed, o: { heartbeatMs?: number; renewMs?: number; config?: Partial<ConsoleConfig>; webDelivery?: WebDelivery; routers?: Parameters<typeof createHttpApp>[0]['routers'] } = {}): Promise<ConsoleServer> {
  const agentConsole = createConsoleRouter({
    agents: composed.agents!,
    staff: composed.stores.staff,
    audit: composed.stores.audit,
    sessions: composed.stores.sessions,
    lock: composed.stores.lock,
    clock: composed.clock,
    logger: composed.logger,
    config: { ...DEFAULT_CONSOLE_CONFIG, ...o.config },
    heartbeatMs: o.heartbeatMs ?? 15_000,
    ...(o.renewMs ? { renewMs: o.renewMs } : {}),
  });
  const server = await listen(createHttpApp({ ...composed, cookieKeys: COOKIE_KEYS, webDelivery: o.webDelivery, routers: [...(o.routers ?? []), agentConsole.router] }));
  return {
    ...server,
    console: agentConsole,
    close: async () => {
      agentConsole.close();
      await server.close();
    },
  };
}

/** A browser-like client of the console over HTTP: a cookie jar, the page's CSRF token, JSON calls. */
export class ConsoleClient {
  readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(readonly base: string) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, ...value] = (pair ?? '').split('=');
      if (!name) continue;
      if (value.join('=') === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value.join('='));
    }
  }

  async get(path: string): Promise<Response> {
    const res = await fetch(`${this.base}${path}`, { headers: { cookie: this.cookieHeader }, redirect: 'manual' });
    this.keep(res);
    return res;
  }

  async form(path: string, fields: Record<string, string | string[]>, o: { origin?: string } = {}): Promise<Response> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
    const res = await fetch(`${this.base}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: this.cookieHeader, 'content-type': 'application/x-www-form-urlencoded', origin: o.origin ?? this.base },
      body,
    });
    this.keep(res);
    return res;
  }

  /** Logs in as the login page would (its CSRF token from the page and cookie); then reads the workspace's token. */
  async login(username: string, password: string): Promise<Response> {
    const page = await (await this.get('/console/login')).text();
    const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const res = await this.form('/console/login', { _csrf: token, username, password });
    if (res.status === 303 && res.headers.get('location') === '/console') {
      const workspace = await (await this.get('/console')).text();
      this.csrf = /name="csrf-token" content="([^"]+)"/.exec(workspace)?.[1] ?? '';
    }
    return res;
  }

  async api(method: 'GET' | 'POST', path: string, body?: unknown, o: { csrf?: string | null } = {}): Promise<{ status: number; json: Record<string, unknown> & { error?: { code: string; message: string } } }> {
    const headers: Record<string, string> = { cookie: this.cookieHeader, origin: this.base };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const csrf = o.csrf === undefined ? this.csrf : o.csrf;
    if (method === 'POST' && csrf !== null) headers['x-csrf-token'] = csrf;
    const res = await fetch(`${this.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    this.keep(res);
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  /** The live stream: `events()` lists what has come so far ({ id, event, data }). */
  stream(o: { lastEventId?: string; query?: string } = {}): { events(): { id?: string; event: string; data: unknown }[]; raw(): string; close(): void; status: Promise<number> } {
    const got: { id?: string; event: string; data: unknown }[] = [];
    let raw = '';
    let buffer = '';
    let resolveStatus!: (n: number) => void;
    const status = new Promise<number>((r) => (resolveStatus = r));
    const req = request(`${this.base}/console/api/events${o.query ?? ''}`, { headers: { cookie: this.cookieHeader, accept: 'text/event-stream', ...(o.lastEventId ? { 'last-event-id': o.lastEventId } : {}) } }, (res) => {
      resolveStatus(res.statusCode ?? 0);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        raw += chunk;
        buffer += chunk;
        let at: number;
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':') && l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trimStart()]));
          if (fields['event']) got.push({ ...(fields['id'] ? { id: fields['id'] } : {}), event: fields['event'], data: JSON.parse(fields['data'] ?? 'null') });
        }
      });
    });
    req.on('error', () => undefined);
    req.end();
    return { events: () => got, raw: () => raw, close: () => req.destroy(), status };
  }
}
