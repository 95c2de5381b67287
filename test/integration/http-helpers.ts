import { request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import { pino, type Logger } from 'pino';

/** A koa app listening on a free port of 127.0.0.1. */
export interface Listening {
  base: string;
  port: number;
  close(): Promise<void>;
}

export async function listen(app: Koa): Promise<Listening> {
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A raw GET that sends `path` exactly as given (fetch would normalise `..` away). */
export function rawGet(port: number, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A pino logger that keeps its JSON lines in memory. */
export function memoryLogger(level = 'info'): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const raw: string[] = [];
  const logger = pino({ level }, { write: (line: string) => void raw.push(line) });
  return { logger, lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/** An open SSE stream: `next()` resolves with the next `messages` event's payload. */
export interface SseClient {
  status: number;
  type: string;
  next(): Promise<unknown>;
  close(): void;
}

/** A simulator identity as a browser holds it: the cookie header to send back, and who it is. */
export interface SimSession {
  cookie: string;
  userId: string;
  setCookies: string[];
}

/** Asks the simulator who this (cookie-less) client is, as the page does on load. */
export async function simSession(base: string, method: 'GET' | 'POST' = 'GET', cookie?: string): Promise<SimSession> {
  const res = await fetch(`${base}/api/sim/session`, { method, headers: cookie ? { cookie } : {} });
  if (res.status !== 200) throw new Error(`session: ${res.status}`);
  const setCookies = res.headers.getSetCookie();
  const { userId } = (await res.json()) as { userId: string };
  return { cookie: setCookies.map((c) => c.split(';')[0]).join('; '), userId, setCookies };
}

export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
      res.setEncoding('utf8');
      let buffer = '';
      const events: unknown[] = [];
      const waiters: ((value: unknown) => void)[] = [];
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n');
          if (!lines.includes('event: messages')) continue;
          const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          const parsed: unknown = JSON.parse(data);
          const waiter = waiters.shift();
          if (waiter) waiter(parsed);
          else events.push(parsed);
        }
      });
      resolve({
        status: res.statusCode ?? 0,
        type: String(res.headers['content-type'] ?? ''),
        next: () => (events.length > 0 ? Promise.resolve(events.shift()) : new Promise((r) => waiters.push(r))),
        close: () => req.destroy(),
      });
    });
    req.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
    });
    req.end();
  });
}
