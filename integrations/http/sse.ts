import { PassThrough } from 'node:stream';
import type { Context } from 'koa';
import { HttpError } from './errors';

/** Caps and timers of live event streams (Server-Sent Events). */
export interface SseLimits {
  /** Streams open at once on this instance; past it new ones get 503. */
  maxStreams: number;
  /** Streams of one client (a simulator user, later an agent); a new one closes that client's oldest. */
  maxPerClient: number;
  /** Streams from one remote address; past it new ones get 429. */
  maxPerAddress: number;
  /** A stream that carried no event for this long is closed; a live page reconnects by itself. */
  idleMs: number;
  /** A comment line this often keeps proxies from closing the stream and finds dead peers. */
  heartbeatMs: number;
  /** Bytes waiting for a client that stopped reading, before it is dropped. */
  maxBufferedBytes: number;
  /** Heartbeats as a named event (`data: {"at":…}`) pages can see and time, instead of a comment line. */
  heartbeatEvent?: string;
  /** A comment of this many bytes opens the stream, for proxies that hold back the first kilobytes. */
  paddingBytes?: number;
}

export const DEFAULT_SSE_LIMITS: SseLimits = {
  maxStreams: 1000,
  maxPerClient: 4,
  maxPerAddress: 50,
  idleMs: 15 * 60_000,
  heartbeatMs: 25_000,
  maxBufferedBytes: 256 * 1024,
};

/** One open stream. */
export interface SseStream {
  readonly client: string;
  /** Sends one event (with an `id:` line when given, for Last-Event-ID); false when the stream is gone (closed, or dropped for not reading). */
  send(event: string, data: unknown, id?: string): boolean;
  /** Ends the stream; with a reason the page is told first (event `closed`), and should not reconnect. */
  close(reason?: string): void;
}

/** The live streams of one kind of page, with their caps. */
export interface SseHub {
  /**
   * Answers `ctx` with an event stream for `client`. Throws HttpError 503 (instance full) or 429
   * (too many from this address) with Retry-After; the connection is then closed.
   */
  open(ctx: Context, client: string): SseStream;
  /** The open streams of `client`, oldest first. */
  streamsOf(client: string): readonly SseStream[];
  /** Open streams right now, for tests and metrics. */
  count(): number;
  /** Ends every open stream (call before closing the HTTP server). */
  closeAll(): void;
}

/** Retry hint for refused streams; the page waits at least this long before trying again. */
const RETRY_AFTER_S = 30;

function refuse(ctx: Context, status: 429 | 503, message: string): never {
  ctx.set('Retry-After', String(RETRY_AFTER_S));
  // The refused connection is not kept alive: its slot is the point of refusing.
  ctx.set('Connection', 'close');
  throw new HttpError(status, 'too_many_streams', message);
}

export function createSseHub(limits: Partial<SseLimits> = {}): SseHub {
  const l = { ...DEFAULT_SSE_LIMITS, ...limits };
  const byClient = new Map<string, SseStream[]>();
  const byAddress = new Map<string, number>();
  let total = 0;

  function remove<K>(map: Map<K, SseStream[]>, key: K, stream: SseStream): void {
    const list = map.get(key)?.filter((s) => s !== stream) ?? [];
    if (list.length > 0) map.set(key, list);
    else map.delete(key);
  }

  function open(ctx: Context, client: string): SseStream {
    const address = ctx.ip || 'unknown';
    if (total >= l.maxStreams) refuse(ctx, 503, 'too many live streams on this server; try again later');
    if ((byAddress.get(address) ?? 0) >= l.maxPerAddress) refuse(ctx, 429, 'too many live streams from this address');
    // The same client's oldest stream goes (a forgotten tab), rather than refusing the newest.
    const own = byClient.get(client) ?? [];
    for (const old of own.slice(0, Math.max(0, own.length - l.maxPerClient + 1))) old.close('replaced');

    const body = new PassThrough();
    const res = ctx.res;
    let closed = false;
    let idle: NodeJS.Timeout | undefined;
    const heartbeat = setInterval(() => write(l.heartbeatEvent ? `event: ${l.heartbeatEvent}\ndata: {"at":${Date.now()}}\n\n` : ': ping\n\n'), l.heartbeatMs);
    heartbeat.unref();

    const write = (chunk: string): boolean => {
      if (closed) return false;
      if (body.writableLength + res.writableLength > l.maxBufferedBytes) {
        // A client that stopped reading: drop the connection, not the whole server's memory.
        ctx.req.socket.destroy();
        stream.close();
        return false;
      }
      body.write(chunk);
      return true;
    };
    const restartIdle = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => stream.close(), l.idleMs);
      idle.unref();
    };
    const stream: SseStream = {
      client,
      send(event, data, id) {
        const ok = write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        if (ok) restartIdle();
        return ok;
      },
      close(reason) {
        if (closed) return;
        if (reason) write(`event: closed\ndata: ${JSON.stringify({ reason })}\n\n`);
        closed = true;
        clearInterval(heartbeat);
        clearTimeout(idle);
        total -= 1;
        const left = (byAddress.get(address) ?? 1) - 1;
        if (left > 0) byAddress.set(address, left);
        else byAddress.delete(address);
        remove(byClient, client, stream);
        body.end();
      },
    };

    total += 1;
    byAddress.set(address, (byAddress.get(address) ?? 0) + 1);
    byClient.set(client, [...(byClient.get(client) ?? []), stream]);

    const socket = ctx.req.socket;
    socket.setNoDelay(true);
    // Heartbeats keep a healthy stream busy; a stream where nothing moves for three of them is dead.
    socket.setTimeout(Math.max(l.heartbeatMs * 3, 1000));
    ctx.status = 200;
    ctx.type = 'text/event-stream; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache, no-transform');
    ctx.set('X-Accel-Buffering', 'no');
    ctx.body = body;
    write(`retry: 3000\n: connected${l.paddingBytes ? ` ${' '.repeat(l.paddingBytes)}` : ''}\n\n`);

    restartIdle();
    res.once('close', () => stream.close());
    body.once('close', () => stream.close());
    return stream;
  }

  return {
    open,
    streamsOf: (client) => byClient.get(client) ?? [],
    count: () => total,
    closeAll() {
      for (const list of [...byClient.values()]) for (const stream of list) stream.close();
    },
  };
}
