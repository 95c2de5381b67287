import { createServer, type Server } from 'node:http';
import type Koa from 'koa';

/** Timeouts of the HTTP server: how long a connection may hold a slot without doing its part. */
export interface ServerTimeouts {
  /** Request headers must have arrived within this (slow-loris connections are closed with 408). */
  headersTimeoutMs: number;
  /** The whole request, body included (bodies are at most 64 KB). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection between requests. */
  keepAliveTimeoutMs: number;
  /** A connection on which nothing moves either way (a reader that stopped reading an event stream). */
  socketTimeoutMs: number;
  /** How often header and request deadlines are checked. */
  checkIntervalMs: number;
}

export const DEFAULT_SERVER_TIMEOUTS: ServerTimeouts = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  socketTimeoutMs: 120_000,
  checkIntervalMs: 2_000,
};

/**
 * Creates the HTTP server for `app` with bounded timeouts and listens on `port`/`host`. Idle or
 * slow connections are closed by these deadlines rather than counted against a connection cap, so
 * they never keep the webhook or the probes from being answered.
 */
export async function listenHttp(app: Koa, options: { port: number; host: string; timeouts?: Partial<ServerTimeouts> }): Promise<Server> {
  const t = { ...DEFAULT_SERVER_TIMEOUTS, ...options.timeouts };
  const server = createServer(
    { headersTimeout: t.headersTimeoutMs, requestTimeout: t.requestTimeoutMs, connectionsCheckingInterval: t.checkIntervalMs, maxHeaderSize: 16 * 1024 },
    app.callback(),
  );
  server.keepAliveTimeout = t.keepAliveTimeoutMs;
  server.timeout = t.socketTimeoutMs;
  server.maxHeadersCount = 100;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
