import { request, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { frozenClock } from '../../bot/clock';
import { composeBot, type Composed } from '../../bot/compose';
import { silentLogger } from '../../bot/logger';
import { createHttpApp } from '../../integrations/http/app';
import { listenHttp, type ServerTimeouts } from '../../integrations/http/server';
import { createWebDelivery, type WebDelivery } from '../../integrations/http/simulator/web-delivery';
import type { SseLimits } from '../../integrations/http/sse';
import { createWechatCipher, sig3 } from '../../integrations/wechat-mp/webhook/crypto';
import { createWechatWebhook } from '../../integrations/wechat-mp/webhook/router';
import { parseWechatXml } from '../../integrations/wechat-mp/webhook/xml';
import { ACCOUNT, NOW_S, postSafe, RecordingDelivery, textXml } from '../fixtures/wechat/harness';

/**
 * Idle and greedy clients against a real server (the composed bot, the real webhook): scaled-down
 * numbers of the production case (20,000 idle streams) that run in seconds, with the same caps.
 */
const TIMEOUTS: Partial<ServerTimeouts> = { headersTimeoutMs: 1500, requestTimeoutMs: 3000, keepAliveTimeoutMs: 400, checkIntervalMs: 250 };

interface Running {
  base: string;
  port: number;
  web: WebDelivery;
  close(): Promise<void>;
}

let composed: Composed;
const running: Running[] = [];
const sockets: Socket[] = [];
const requests: { destroy(): void }[] = [];

async function start(limits: Partial<SseLimits>): Promise<Running> {
  const clock = frozenClock(NOW_S * 1000);
  const webhook = createWechatWebhook({
    options: { token: ACCOUNT.token, appId: ACCOUNT.appId, encodingAesKey: ACCOUNT.encodingAesKey },
    bot: composed.bot,
    delivery: new RecordingDelivery(),
    deduper: composed.stores.deduper,
    sessions: composed.stores.sessions,
    clock,
  });
  const web = createWebDelivery(limits);
  const app = createHttpApp({ ...composed, webDelivery: web, routers: [webhook.router], clock });
  const server: Server = await listenHttp(app, { port: 0, host: '127.0.0.1', timeouts: TIMEOUTS });
  const { port } = server.address() as AddressInfo;
  const r: Running = {
    base: `http://127.0.0.1:${port}`,
    port,
    web,
    close: async () => {
      web.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await webhook.drain();
    },
  };
  running.push(r);
  return r;
}

interface Stream {
  status: number;
  res: IncomingMessage;
  text: () => string;
  /** Resolves when the server ended or dropped the stream. */
  ended: Promise<void>;
}

/** One SSE request on its own connection (no pooling), optionally from another loopback address. */
function openStream(port: number, options: { cookie?: string; localAddress?: string } = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/api/sim/events', agent: false, localAddress: options.localAddress, headers: { accept: 'text/event-stream', ...(options.cookie ? { cookie: options.cookie } : {}) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        const ended = new Promise<void>((done) => {
          res.once('end', () => done());
          res.once('close', () => done());
          res.once('error', () => done());
        });
        resolve({ status: res.statusCode ?? 0, res, text: () => text, ended });
      },
    );
    req.on('error', reject);
    requests.push(req);
    req.end();
  });
}

/** A slow-loris connection: sends half a request line and then nothing. */
function idleConnection(port: number): Promise<{ closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      // Read what the server answers (its 408), so its closing the connection is seen.
      socket.resume();
      resolve({ closed: new Promise<void>((done) => socket.once('close', () => done())) });
    });
    socket.on('error', () => undefined);
    socket.once('error', reject);
    sockets.push(socket);
  });
}

async function cookieOf(base: string): Promise<string> {
  const res = await fetch(`${base}/api/sim/session`);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

async function wechatAnswers(base: string, msgId: string): Promise<string> {
  const res = await postSafe(`${base}/wechat`, textXml({ from: 'oLimits', content: '菜单', msgId }), { nonce: msgId.slice(-9) });
  expect(res.status).toBe(200);
  const reply = parseWechatXml(createWechatCipher(ACCOUNT.encodingAesKey, ACCOUNT.appId).decrypt(parseWechatXml(await res.text()).Encrypt!).message);
  return reply.Content ?? '';
}

beforeAll(async () => {
  composed = await composeBot({ env: { LOG_LEVEL: 'silent' }, clock: frozenClock(NOW_S * 1000), logger: silentLogger() });
});

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const r of requests.splice(0)) r.destroy();
  for (const r of running.splice(0)) await r.close();
});

afterAll(async () => {
  await composed?.close();
});

describe('idle streams and connections cannot starve /wechat', () => {
  it('holds 1,000 slow-loris connections and 500 stream requests against a cap of 50, and still answers /wechat and /healthz', async () => {
    const s = await start({ maxStreams: 50, maxPerAddress: 10_000, maxPerClient: 4 });
    const loris = await Promise.all(Array.from({ length: 1000 }, () => idleConnection(s.port)));
    const streams = await Promise.all(Array.from({ length: 500 }, () => openStream(s.port)));

    const statuses = streams.reduce<Record<number, number>>((acc, st) => ({ ...acc, [st.status]: (acc[st.status] ?? 0) + 1 }), {});
    expect(statuses).toEqual({ 200: 50, 503: 450 });
    expect(s.web.connections()).toBe(50);
    const refused = streams.filter((st) => st.status === 503);
    expect(refused[0]?.res.headers['retry-after']).toBe('30');
    expect(refused[0]?.res.headers.connection).toBe('close');
    // Refused requests do not keep their connection.
    await Promise.all(refused.map((st) => st.ended));

    // Everything above is still held open, and the webhook and the probe answer.
    expect(await wechatAnswers(s.base, '7000000000000000001')).toContain('请问您想办什么');
    expect((await fetch(`${s.base}/healthz`)).status).toBe(200);
    const verify = new URLSearchParams({ timestamp: String(NOW_S), nonce: '4242', echostr: 'still-here' });
    verify.set('signature', sig3(ACCOUNT.token, String(NOW_S), '4242'));
    expect(await (await fetch(`${s.base}/wechat?${verify}`)).text()).toBe('still-here');

    // The slow-loris connections are closed by the header deadline, not left to pile up.
    await Promise.all(loris.map((l) => l.closed));
    expect(s.web.connections()).toBe(50);
  });

  it('caps streams per address (429) and gives each address its own share', async () => {
    const s = await start({ maxStreams: 100, maxPerAddress: 5, maxPerClient: 4 });
    const first = await Promise.all(Array.from({ length: 8 }, () => openStream(s.port)));
    expect(first.map((st) => st.status).sort()).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const elsewhere = await openStream(s.port, { localAddress: '127.0.0.2' });
    expect(elsewhere.status).toBe(200);
    expect(s.web.connections()).toBe(6);
  });

  it('keeps at most 4 streams per user: a fifth tab closes the oldest, telling it why', async () => {
    const s = await start({ maxPerClient: 4 });
    const cookie = await cookieOf(s.base);
    const tabs: Stream[] = [];
    for (let i = 0; i < 6; i++) tabs.push(await openStream(s.port, { cookie }));
    expect(tabs.every((t) => t.status === 200)).toBe(true);
    await Promise.all([tabs[0]!.ended, tabs[1]!.ended]);
    expect(s.web.connections()).toBe(4);
    // The closed tabs are told why, so they do not reconnect and push another tab out.
    expect(tabs[0]!.text()).toContain('event: closed\ndata: {"reason":"replaced"}');
    expect(tabs[5]!.text()).not.toContain('event: closed');
  });

  it('sends a heartbeat and closes a stream that carried nothing for the idle timeout', async () => {
    const s = await start({ heartbeatMs: 100, idleMs: 700 });
    const cookie = await cookieOf(s.base);
    const stream = await openStream(s.port, { cookie });
    await expect.poll(() => stream.text().split(': ping').length - 1).toBeGreaterThanOrEqual(2);
    await stream.ended;
    expect(s.web.connections()).toBe(0);
  });

  it('drops a client that stopped reading instead of buffering for it without bound', async () => {
    const s = await start({ maxBufferedBytes: 64 * 1024 });
    const cookie = await cookieOf(s.base);
    const stream = await openStream(s.port, { cookie });
    stream.res.pause();
    const session = (await (await fetch(`${s.base}/api/sim/session`, { headers: { cookie } })).json()) as { userId: string };
    const big = [{ kind: 'text' as const, text: '很长的消息'.repeat(4000) }];
    for (let i = 0; i < 400 && s.web.connections() > 0; i++) {
      await s.web.delivery.deliver({ channel: 'web', userId: session.userId, conversationId: `web:${session.userId}` }, big);
      await new Promise((r) => setImmediate(r));
    }
    expect(s.web.connections()).toBe(0);
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const s = await start({});
    const closed = await new Promise<Promise<void>>((resolve) => {
      const socket = connect(s.port, '127.0.0.1', () => {
        socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
      });
      sockets.push(socket);
      let seen = '';
      socket.setEncoding('utf8').on('data', (c: string) => {
        seen += c;
        if (seen.includes('{"status":"ok"}')) resolve(new Promise<void>((done) => socket.once('close', () => done())));
      });
    });
    await closed;
  });
});
