import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot, TurnResult } from '../../bot/bot';
import { CoreConfigSchema } from '../../bot/config';
import type { InboundMessage } from '../../bot/message';
import type { HealthCheck } from '../../bot/ports';
import { frozenClock } from '../../bot/clock';
import { silentLogger } from '../../bot/logger';
import { composeBot, type Composed } from '../../bot/compose';
import { loadMenu, type Menu } from '../../flows/menu';
import { createHttpApp, type HttpAppOptions } from '../../integrations/http/app';
import { createWebDelivery, type WebDelivery } from '../../integrations/http/simulator/web-delivery';
import { listen, memoryLogger, openSse, rawGet, simSession, type Listening, type SimSession } from './http-helpers';

const NOW = Date.UTC(2026, 2, 2, 2, 30);

/** A bot at the channel port that records what the HTTP edge hands it and answers by kind. */
function recordingBot(): Bot & { seen: InboundMessage[] } {
  const seen: InboundMessage[] = [];
  return {
    seen,
    async handle(message): Promise<TurnResult> {
      seen.push(message);
      if (message.kind === 'text' && message.text === 'boom') throw new Error('database password is hunter2');
      const text = message.kind === 'text' ? `收到：${message.text}` : `收到${message.kind}`;
      return {
        replies: [{ kind: 'choices', text, options: [{ label: '查材料' }, { label: '预约' }] }],
        effects: [],
        duplicate: false,
      };
    },
  };
}

const ok = (name: string): HealthCheck => ({ name, check: async () => undefined });

describe('http app (real koa over HTTP)', () => {
  let menu: Menu;
  let server: Listening;
  let bot: ReturnType<typeof recordingBot>;
  let web: WebDelivery;
  let logs: ReturnType<typeof memoryLogger>;
  /** The identity this test's "page" holds (its cookie). */
  let me: SimSession;

  async function start(overrides: Partial<HttpAppOptions> = {}): Promise<Listening> {
    return listen(
      createHttpApp({
        bot,
        menu,
        health: [ok('redis')],
        logger: logs.logger,
        config: CoreConfigSchema.parse({ CITY_NAME: '演示市' }),
        webDelivery: web,
        clock: frozenClock(NOW),
        ...overrides,
      }),
    );
  }

  beforeAll(async () => {
    menu = await loadMenu();
    bot = recordingBot();
    web = createWebDelivery();
    logs = memoryLogger();
    server = await start();
    me = await simSession(server.base);
  });

  afterAll(async () => {
    web.close();
    await server.close();
  });

  const post = (body: unknown, init: RequestInit = {}) =>
    fetch(`${server.base}/api/sim/messages`, {
      method: 'POST',
      ...init,
      headers: { 'Content-Type': 'application/json', cookie: me.cookie, ...(init.headers as Record<string, string> | undefined) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('GET /healthz answers 200 {status:ok}', async () => {
    const res = await fetch(`${server.base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz is 200 when every check passes', async () => {
    const res = await fetch(`${server.base}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { redis: 'ok' } });
  });

  it('GET /readyz is 503 naming the failing and the hanging dependency, without their error text', async () => {
    const failing = await start({
      readyTimeoutMs: 50,
      health: [
        ok('redis'),
        { name: 'ticketing', check: async () => Promise.reject(new Error('connect ECONNREFUSED redis://:secret@10.0.0.1')) },
        { name: 'govservice', check: () => new Promise<void>(() => undefined) },
      ],
    });
    try {
      const res = await fetch(`${failing.base}/readyz`);
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({
        status: 'unavailable',
        failing: ['ticketing', 'govservice'],
        checks: { redis: 'ok', ticketing: 'failed', govservice: 'timeout' },
      });
      expect(text).not.toContain('secret');
    } finally {
      await failing.close();
    }
  });

  it('POST /api/sim/messages turns a text into a web InboundMessage and answers the replies', async () => {
    const res = await post({ kind: 'text', text: '办身份证' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      replies: [{ kind: 'choices', text: '收到：办身份证', options: [{ label: '查材料' }, { label: '预约' }] }],
    });
    const inbound = bot.seen.at(-1);
    expect(inbound).toMatchObject({ kind: 'text', text: '办身份证', channel: 'web', userId: me.userId, conversationId: `web:${me.userId}`, receivedAt: NOW });
    expect(inbound?.id).toMatch(/^web-[0-9a-f-]{36}$/);
  });

  it('gives every simulator message a fresh id and maps each kind', async () => {
    const bodies = [
      { kind: 'menu', key: 'MENU_GUIDE' },
      { kind: 'location', latitude: 43.8256, longitude: 87.6168, label: '市政务服务中心' },
      { kind: 'image', url: 'http://127.0.0.1/demo-photo.svg' },
      { kind: 'voice', text: '社保怎么查' },
      { kind: 'subscribe' },
    ];
    const before = bot.seen.length;
    for (const body of bodies) expect((await post(body)).status).toBe(200);
    const seen = bot.seen.slice(before);
    expect(seen.map((m) => m.kind)).toEqual(['menu', 'location', 'image', 'voice', 'subscribe']);
    expect(seen[0]).toMatchObject({ key: 'MENU_GUIDE' });
    expect(seen[1]).toMatchObject({ latitude: 43.8256, longitude: 87.6168, label: '市政务服务中心' });
    expect(seen[2]).toMatchObject({ url: 'http://127.0.0.1/demo-photo.svg' });
    expect(seen[3]).toMatchObject({ recognition: '社保怎么查' });
    expect(new Set(seen.map((m) => m.id)).size).toBe(bodies.length);
  });

  it.each([
    ['an unknown kind', { kind: 'video' }, 'kind'],
    ['a text without text', { kind: 'text' }, 'text'],
    ['a bad user id', { userId: '../etc', kind: 'subscribe' }, 'userId'],
    ['a latitude out of range', { kind: 'location', latitude: 123, longitude: 87 }, 'latitude'],
  ])('rejects %s with 400 naming the field', async (_name, body, field) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: { code: string; message: string } };
    expect(json.error.code).toBe('invalid_body');
    expect(json.error.message).toContain(field);
  });

  it('rejects malformed JSON with 400 and a non-JSON content type with 415', async () => {
    const bad = await post('{"userId": ');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { code: 'bad_json', message: 'request body is not valid JSON' } });
    const form = await post('userId=u1', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
  });

  it('refuses a body over the limit with 413 before the bot sees it', async () => {
    const before = bot.seen.length;
    const res = await post({ kind: 'text', text: '长'.repeat(20_000) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('body_too_large');
    expect(bot.seen.length).toBe(before);
  });

  it('turns a bot crash into a JSON 500 without the message or stack, logged once', async () => {
    const before = logs.lines().length;
    const res = await post({ kind: 'text', text: 'boom' });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal_error', message: 'internal error' } });
    expect(text).not.toContain('hunter2');
    expect(text).not.toMatch(/\bat \S+:\d+/);
    const logged = logs.lines().slice(before).filter((l) => l.msg === 'http request failed');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ status: 500, path: '/api/sim/messages' });
  });

  it('answers unknown API routes with a JSON 404 and wrong methods with 405', async () => {
    const missing = await fetch(`${server.base}/api/nope`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const wrong = await fetch(`${server.base}/api/sim/menu`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
  });

  it('serves the menu and the account name', async () => {
    expect(await (await fetch(`${server.base}/api/sim/menu`)).json()).toEqual(menu);
    expect(await (await fetch(`${server.base}/api/sim/account`)).json()).toEqual({ name: '城市办事助手', city: '演示市' });
  });

  it.each([
    ['/', 'text/html; charset=utf-8', '城市办事助手'],
    ['/index.html', 'text/html; charset=utf-8', 'aria-live="polite"'],
    ['/app.js', 'text/javascript; charset=utf-8', '/api/sim/messages'],
    ['/style.css', 'text/css; charset=utf-8', '#95ec69'],
    ['/bot-avatar.svg', 'image/svg+xml', '<svg'],
  ])('serves %s as %s', async (path, type, needle) => {
    const res = await fetch(`${server.base}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain(needle);
  });

  it('sends a content security policy with the page', async () => {
    const res = await fetch(`${server.base}/`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it.each([
    '/../package.json',
    '/../../../../etc/passwd',
    '/%2e%2e/%2e%2e/package.json',
    '/..%2f..%2f..%2fpackage.json',
    '/%2e%2e%5c%2e%2e%5cpackage.json',
    '/simulator/../../app.ts',
    '/.%2e/app.ts',
    '/app.js%00.html',
    '/%E0%A4%A',
  ])('refuses traversal %s', async (path) => {
    const res = await rawGet(server.port, path);
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('"name": "banshi"');
    expect(res.body).not.toContain('root:');
    expect(res.body).not.toContain('createHttpApp');
  });

  it('does not serve files of other types or folders from the public dir', async () => {
    expect((await rawGet(server.port, '/app.ts')).status).toBe(404);
    expect((await rawGet(server.port, '/simulator/')).status).toBe(404);
  });

  it('delivers a late message to a connected page over SSE', async () => {
    const page = await simSession(server.base);
    const sse = await openSse(`${server.base}/api/sim/events`, { cookie: page.cookie });
    try {
      expect(sse.status).toBe(200);
      expect(sse.type).toBe('text/event-stream; charset=utf-8');
      const late = [{ kind: 'text' as const, text: '您的工单已受理，编号 GD-0001' }];
      await web.delivery.deliver({ channel: 'web', userId: page.userId, conversationId: `web:${page.userId}` }, late);
      expect(await sse.next()).toEqual({ messages: late });
    } finally {
      sse.close();
    }
    // The server notices the page went away and keeps later messages in the backlog instead.
    await expect.poll(() => web.connections()).toBe(0);
  });

  it('keeps late messages for a user with no open page and flushes them on connect', async () => {
    const page = await simSession(server.base);
    const address = { channel: 'web' as const, userId: page.userId, conversationId: `web:${page.userId}` };
    await web.delivery.deliver(address, [{ kind: 'text', text: '第一条' }]);
    await web.delivery.deliver(address, [{ kind: 'text', text: '第二条' }]);
    const sse = await openSse(`${server.base}/api/sim/events`, { cookie: page.cookie });
    try {
      expect(await sse.next()).toEqual({ messages: [{ kind: 'text', text: '第一条' }, { kind: 'text', text: '第二条' }] });
    } finally {
      sse.close();
    }
  });

  it('rejects an SSE request without a valid user id', async () => {
    const res = await fetch(`${server.base}/api/sim/events?userId=a%20b`, { headers: { cookie: me.cookie } });
    expect(res.status).toBe(400);
  });

  it('serves no simulator when SIMULATOR=off, but still the probes', async () => {
    const off = await start({ config: CoreConfigSchema.parse({ SIMULATOR: 'off' }) });
    try {
      expect((await fetch(`${off.base}/`)).status).toBe(404);
      expect((await fetch(`${off.base}/api/sim/menu`)).status).toBe(404);
      expect((await fetch(`${off.base}/api/sim/events?userId=u1`)).status).toBe(404);
      expect((await fetch(`${off.base}/healthz`)).status).toBe(200);
    } finally {
      await off.close();
    }
  });

  it('mounts extra routers passed in', async () => {
    const { Router } = await import('@koa/router');
    const extra = new Router();
    extra.get('/wechat/ping', (ctx) => {
      ctx.body = 'pong';
    });
    const withExtra = await start({ routers: [extra], logger: silentLogger() });
    try {
      expect(await (await fetch(`${withExtra.base}/wechat/ping`)).text()).toBe('pong');
    } finally {
      await withExtra.close();
    }
  });
});

describe('http app with the real bot from composeBot()', () => {
  let composed: Composed;
  let server: Listening;
  let web: WebDelivery;

  beforeAll(async () => {
    composed = await composeBot({ env: { CITY_NAME: '演示市', LOG_LEVEL: 'silent' }, logger: silentLogger() });
    web = createWebDelivery();
    composed.registerDelivery('web', web.delivery);
    server = await listen(createHttpApp({ ...composed, webDelivery: web }));
  });

  afterAll(async () => {
    web.close();
    await server.close();
    await composed.close();
  });

  let me: SimSession;
  const say = async (body: Record<string, unknown>) => {
    me ??= await simSession(server.base);
    const res = await fetch(`${server.base}/api/sim/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', cookie: me.cookie },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { replies: { kind: string; text?: string; options?: unknown[] }[] }).replies;
  };

  it('round-trips a follow, the main menu and a numbered choice through the real pipeline', async () => {
    const welcome = await say({ kind: 'subscribe' });
    expect(welcome.length).toBeGreaterThan(0);
    expect(welcome.map((r) => r.text ?? '').join('')).toContain('演示市');

    const menu = await say({ kind: 'text', text: '菜单' });
    const choices = menu.find((r) => r.kind === 'choices');
    expect(choices?.options?.length).toBeGreaterThan(1);

    const picked = await say({ kind: 'text', text: '1' });
    expect(picked.length).toBeGreaterThan(0);
    expect(picked).not.toEqual(menu);
  });

  it('answers a bottom-menu click from the shipped menu', async () => {
    const replies = await say({ kind: 'menu', key: 'MENU_HELP' });
    expect(replies.length).toBeGreaterThan(0);
  });

  it('reports ready with the embedded stores and serves the shipped menu', async () => {
    expect((await fetch(`${server.base}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${server.base}/api/sim/menu`)).json()).toEqual(composed.menu);
  });
});
