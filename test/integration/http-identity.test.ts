import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Router } from '@koa/router';
import type { Bot, TurnResult } from '../../bot/bot';
import { CoreConfigSchema, loadCoreConfig } from '../../bot/config';
import type { InboundMessage } from '../../bot/message';
import { frozenClock } from '../../bot/clock';
import { loadMenu, type Menu } from '../../flows/menu';
import { createHttpApp, type HttpAppOptions } from '../../integrations/http/app';
import { createWebDelivery, type WebDelivery } from '../../integrations/http/simulator/web-delivery';
import { listen, memoryLogger, openSse, simSession, type Listening, type SimSession } from './http-helpers';

/** A bot that records what it is handed; "slow" waits for the test to release it. */
function recordingBot(): Bot & { seen: InboundMessage[]; release: () => void } {
  const seen: InboundMessage[] = [];
  let release = (): void => undefined;
  return {
    seen,
    release: () => release(),
    async handle(message): Promise<TurnResult> {
      seen.push(message);
      if (message.kind === 'text' && message.text === 'slow') await new Promise<void>((r) => (release = r));
      const text = message.kind === 'text' ? `收到：${message.text}` : `收到${message.kind}`;
      return { replies: [{ kind: 'text', text }], effects: [], duplicate: false };
    },
  };
}

/** A request with a Host header of our choosing (fetch does not let a caller set it). */
function withHost(port: number, path: string, host: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: { host, ...init.headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('simulator identity: a server-issued HttpOnly cookie', () => {
  let menu: Menu;
  let bot: ReturnType<typeof recordingBot>;
  let web: WebDelivery;
  let logs: ReturnType<typeof memoryLogger>;
  let server: Listening;
  let alice: SimSession;

  async function start(overrides: Partial<HttpAppOptions> = {}): Promise<Listening> {
    return listen(
      createHttpApp({
        bot,
        menu,
        health: [],
        logger: logs.logger,
        config: CoreConfigSchema.parse({ CITY_NAME: '演示市' }),
        webDelivery: web,
        clock: frozenClock(Date.UTC(2026, 2, 2)),
        cookieKeys: ['a-test-cookie-key-of-at-least-32-characters'],
        allowedHosts: ['sim.example.gov.cn'],
        ...overrides,
      }),
    );
  }

  beforeAll(async () => {
    menu = await loadMenu();
    bot = recordingBot();
    web = createWebDelivery();
    logs = memoryLogger('debug');
    server = await start();
    alice = await simSession(server.base);
  });

  afterAll(async () => {
    web.close();
    await server.close();
  });

  const post = (body: unknown, cookie?: string, headers: Record<string, string> = {}) =>
    fetch(`${server.base}/api/sim/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(cookie ? { cookie } : {}), ...headers },
      body: JSON.stringify(body),
    });

  it('issues a signed, HttpOnly, SameSite=Strict cookie scoped to the simulator API', () => {
    expect(alice.userId).toMatch(/^u-[A-Za-z0-9_-]{12}$/);
    const cookie = alice.setCookies.find((c) => c.startsWith('banshi_sim='));
    expect(cookie).toContain(`banshi_sim=${alice.userId}`);
    expect(cookie).toMatch(/; path=\/api\/sim/);
    expect(cookie).toMatch(/; httponly/);
    expect(cookie).toMatch(/; samesite=strict/);
    expect(alice.setCookies.some((c) => c.startsWith('banshi_sim.sig='))).toBe(true);
  });

  it('keeps the same user for the same cookie and gives a new one on POST /session (新用户)', async () => {
    expect((await simSession(server.base, 'GET', alice.cookie)).userId).toBe(alice.userId);
    const fresh = await simSession(server.base, 'POST', alice.cookie);
    expect(fresh.userId).not.toBe(alice.userId);
    expect((await simSession(server.base, 'GET', fresh.cookie)).userId).toBe(fresh.userId);
  });

  it('runs turns as the cookie\'s user', async () => {
    const res = await post({ kind: 'text', text: '你好' }, alice.cookie);
    expect(res.status).toBe(200);
    expect(bot.seen.at(-1)).toMatchObject({ userId: alice.userId, conversationId: `web:${alice.userId}` });
  });

  it('refuses to act as another user: another id in the body is 403 and never reaches the bot', async () => {
    const bob = await simSession(server.base);
    const before = bot.seen.length;
    // Alice's id, without her cookie (a fresh identity), with Bob's cookie, and with her own id.
    const anonymous = await post({ userId: alice.userId, kind: 'text', text: '再说一遍' });
    const asBob = await post({ userId: alice.userId, kind: 'text', text: '删除我的对话记录' }, bob.cookie);
    expect(anonymous.status).toBe(403);
    expect(asBob.status).toBe(403);
    expect(((await asBob.json()) as { error: { code: string } }).error.code).toBe('not_your_user');
    expect(bot.seen.length).toBe(before);
    expect((await post({ userId: alice.userId, kind: 'text', text: '你好' }, alice.cookie)).status).toBe(200);
  });

  it('refuses another user\'s event stream, and a forged cookie buys a new identity, not the forged one', async () => {
    const bob = await simSession(server.base);
    const other = await fetch(`${server.base}/api/sim/events?userId=${alice.userId}`, { headers: { cookie: bob.cookie } });
    expect(other.status).toBe(403);

    // The cookie value without its signature, or with a signature of another value.
    const aliceSig = alice.cookie.split('; ').find((c) => c.startsWith('banshi_sim.sig='));
    for (const forged of [`banshi_sim=${alice.userId}`, `banshi_sim=${alice.userId}; ${bob.cookie.split('; ')[1]}`, `banshi_sim=u-attacker0001; ${aliceSig}`]) {
      const session = await simSession(server.base, 'GET', forged);
      expect(session.userId).not.toBe(alice.userId);
      expect(session.userId).not.toBe('u-attacker0001');
    }

    // Late messages for Alice reach only Alice's stream.
    const bobStream = await openSse(`${server.base}/api/sim/events`, { cookie: bob.cookie });
    const aliceStream = await openSse(`${server.base}/api/sim/events`, { cookie: alice.cookie });
    try {
      await web.delivery.deliver({ channel: 'web', userId: alice.userId, conversationId: `web:${alice.userId}` }, [{ kind: 'text', text: '给Alice的回复' }]);
      await web.delivery.deliver({ channel: 'web', userId: bob.userId, conversationId: `web:${bob.userId}` }, [{ kind: 'text', text: '给Bob的回复' }]);
      expect(await aliceStream.next()).toEqual({ messages: [{ kind: 'text', text: '给Alice的回复' }] });
      expect(await bobStream.next()).toEqual({ messages: [{ kind: 'text', text: '给Bob的回复' }] });
    } finally {
      bobStream.close();
      aliceStream.close();
    }
  });

  it('refuses writes a browser sent from another site', async () => {
    const res = await post({ kind: 'text', text: '你好' }, alice.cookie, { Origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('cross_origin');
    expect((await post({ kind: 'text', text: '你好' }, alice.cookie, { Origin: server.base })).status).toBe(200);
  });

  it('answers pages only for IP addresses, localhost and the allowed host names (DNS rebinding)', async () => {
    for (const path of ['/', '/api/sim/session', '/api/sim/menu', '/app.js']) {
      expect((await withHost(server.port, path, 'evil.example')).status, path).toBe(400);
      expect((await withHost(server.port, path, `evil.example:${server.port}`)).status, path).toBe(400);
      expect((await withHost(server.port, path, `127.0.0.1:${server.port}`)).status, path).toBe(200);
      expect((await withHost(server.port, path, `localhost:${server.port}`)).status, path).toBe(200);
      expect((await withHost(server.port, path, `[::1]:${server.port}`)).status, path).toBe(200);
      expect((await withHost(server.port, path, 'sim.example.gov.cn')).status, path).toBe(200);
    }
    // Probes answer whatever the Host (load balancers probe by IP or by service name).
    expect((await withHost(server.port, '/healthz', 'evil.example')).status).toBe(200);
  });

  it('builds the link of a sent image from the checked host, and only http(s) links', async () => {
    const ok = await withHost(server.port, '/api/sim/messages', 'sim.example.gov.cn', {
      method: 'POST',
      body: JSON.stringify({ kind: 'image', url: 'demo-photo.svg' }),
      headers: { 'content-type': 'application/json', cookie: alice.cookie },
    });
    expect(ok.status).toBe(200);
    expect(bot.seen.at(-1)).toMatchObject({ kind: 'image', url: 'http://sim.example.gov.cn/demo-photo.svg' });
    const forged = await withHost(server.port, '/api/sim/messages', 'evil.example', {
      method: 'POST',
      body: JSON.stringify({ kind: 'image', url: 'demo-photo.svg' }),
      headers: { 'content-type': 'application/json', cookie: alice.cookie },
    });
    expect(forged.status).toBe(400);
    expect((await post({ kind: 'image', url: 'javascript:alert(1)' }, alice.cookie)).status).toBe(400);
  });

  it('sends the replies of a turn whose page went away mid-turn over the page\'s stream', async () => {
    const page = await simSession(server.base);
    // POST "slow", then drop the connection while the bot is still working.
    const req = request(`${server.base}/api/sim/messages`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: page.cookie } });
    req.on('error', () => undefined);
    req.end(JSON.stringify({ kind: 'text', text: 'slow' }));
    await expect.poll(() => bot.seen.at(-1)?.userId).toBe(page.userId);
    req.destroy();
    await new Promise((r) => setTimeout(r, 50));
    bot.release();
    // The page comes back: the backlog has the answer it never got.
    await expect.poll(async () => {
      const sse = await openSse(`${server.base}/api/sim/events`, { cookie: page.cookie });
      const got = await Promise.race([sse.next(), new Promise((r) => setTimeout(() => r(undefined), 200))]);
      sse.close();
      return got;
    }).toEqual({ messages: [{ kind: 'text', text: '收到：slow' }] });
  });

  it('logs a closed tab (an SSE stream the browser dropped) at debug, without a stack trace', async () => {
    const before = logs.lines().length;
    const sse = await openSse(`${server.base}/api/sim/events`, { cookie: alice.cookie });
    sse.close();
    await expect.poll(() => logs.lines().slice(before).some((l) => l.msg === 'http client went away')).toBe(true);
    const lines = logs.lines().slice(before);
    expect(lines.filter((l) => (l.level as number) >= 40)).toEqual([]);
    expect(JSON.stringify(lines)).not.toContain('stack');
  });

  it('puts the security headers on every response: pages, JSON, errors, probes and other routers', async () => {
    const extra = new Router();
    extra.get('/wechat', (ctx) => {
      ctx.type = 'text/plain';
      ctx.body = 'echo';
    });
    extra.get('/boom', () => {
      throw new Error('kaput');
    });
    const other = await start({ routers: [extra] });
    try {
      for (const path of ['/', '/app.js', '/healthz', '/readyz', '/api/sim/menu', '/api/nope', '/nope', '/wechat', '/boom']) {
        const res = await fetch(`${other.base}${path}`);
        expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
        expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
        expect(res.headers.get('x-frame-options'), path).toBe('DENY');
        expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      }
      // JSON may load nothing; the page runs only its own scripts.
      expect((await fetch(`${other.base}/api/sim/menu`)).headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect((await fetch(`${other.base}/`)).headers.get('content-security-policy')).toContain("script-src 'self'");
    } finally {
      await other.close();
    }
  });

  it('is off under NODE_ENV=production unless SIMULATOR=on', async () => {
    const prod = await start({ config: loadCoreConfig({ NODE_ENV: 'production' }) });
    const demo = await start({ config: loadCoreConfig({ NODE_ENV: 'production', SIMULATOR: 'on' }) });
    try {
      expect((await fetch(`${prod.base}/`)).status).toBe(404);
      expect((await fetch(`${prod.base}/api/sim/session`)).status).toBe(404);
      expect((await fetch(`${prod.base}/healthz`)).status).toBe(200);
      expect((await fetch(`${demo.base}/api/sim/session`)).status).toBe(200);
    } finally {
      await prod.close();
      await demo.close();
    }
  });
});
