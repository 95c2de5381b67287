import type { Server } from 'node:http';
import Koa from 'koa';
import getRawBody from 'raw-body';
import { canonical, sameSignature, SIGNATURE_HEADERS, sign } from '../../integrations/govservice/signed-http';

/**
 * What the city systems' fakes share, from the written contract (docs/booking-api.md): the
 * signature check (key id, timestamp window, nonce replay, HMAC over method, path and query,
 * timestamp, nonce and body hash) and `Idempotency-Key` replay of POST answers.
 */
export interface SignedFakeOptions {
  keyId: string;
  secret: string;
  /** How long requests hang when `hang()` is asked for (timeouts). */
  hangMs?: number;
}

export interface Handled {
  status: number;
  body: unknown;
}

export type Handler = (req: { method: string; path: string; query: URLSearchParams; body: unknown }) => Promise<Handled>;

export class SignedFake {
  readonly requests: { method: string; path: string; idempotencyKey?: string; status: number }[] = [];
  readonly #nonces = new Map<string, number>();
  readonly #replies = new Map<string, Handled>();
  #failures: ('503' | 'hang')[] = [];
  #server: Server | undefined;

  constructor(
    private readonly options: SignedFakeOptions,
    private readonly handler: Handler,
  ) {}

  get base(): string {
    const address = this.#server?.address();
    if (!address || typeof address === 'string') throw new Error('fake not started');
    return `http://127.0.0.1:${address.port}/api`;
  }

  /** The next `n` requests fail with 503 (or hang past the client's timeout). */
  fail(kind: '503' | 'hang', n = 1): void {
    this.#failures.push(...Array.from({ length: n }, () => kind));
  }

  async start(): Promise<this> {
    const app = new Koa();
    app.use(async (ctx) => {
      const raw = await getRawBody(ctx.req, { encoding: 'utf8', limit: '1mb' });
      const pathAndQuery = ctx.originalUrl;
      const idempotencyKey = ctx.get(SIGNATURE_HEADERS.idempotency) || undefined;
      const reply = (status: number, body: unknown) => {
        this.requests.push({ method: ctx.method, path: ctx.path, ...(idempotencyKey ? { idempotencyKey } : {}), status });
        ctx.status = status;
        ctx.body = body;
      };
      const failure = this.#failures.shift();
      if (failure === '503') return reply(503, { error: 'unavailable' });
      if (failure === 'hang') {
        await new Promise((r) => setTimeout(r, this.options.hangMs ?? 1_000));
        return reply(503, { error: 'late' });
      }
      const problem = this.#check(ctx.method, pathAndQuery, raw, (h) => ctx.get(h));
      if (problem) return reply(401, { error: problem });
      if (!ctx.path.startsWith('/api/')) return reply(404, { error: 'not_found' });
      const cached = ctx.method === 'POST' && idempotencyKey ? this.#replies.get(`${ctx.path}|${idempotencyKey}`) : undefined;
      if (cached) return reply(cached.status, cached.body);
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        return reply(400, { error: 'bad_json' });
      }
      const handled = await this.handler({ method: ctx.method, path: ctx.path.slice('/api'.length), query: new URLSearchParams(ctx.querystring), body });
      if (ctx.method === 'POST' && idempotencyKey && handled.status < 500) this.#replies.set(`${ctx.path}|${idempotencyKey}`, handled);
      return reply(handled.status, handled.body);
    });
    this.#server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    return this;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  #check(method: string, pathAndQuery: string, body: string, header: (name: string) => string): string | undefined {
    if (header(SIGNATURE_HEADERS.key) !== this.options.keyId) return 'unknown_key';
    const timestamp = header(SIGNATURE_HEADERS.timestamp);
    const nonce = header(SIGNATURE_HEADERS.nonce);
    if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return 'stale_timestamp';
    const now = Date.now();
    for (const [n, at] of this.#nonces) if (at < now - 300_000) this.#nonces.delete(n);
    if (!nonce || this.#nonces.has(nonce)) return 'replayed_nonce';
    const expected = sign(this.options.secret, canonical(method, pathAndQuery, timestamp, nonce, body));
    if (!sameSignature(header(SIGNATURE_HEADERS.signature), expected)) return 'bad_signature';
    this.#nonces.set(nonce, now);
    return undefined;
  }
}
