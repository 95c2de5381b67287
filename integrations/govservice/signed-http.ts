import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import type { Logger } from '../../bot/logger';

/**
 * Signed JSON requests to a city's systems (the hall queueing system, the integrated platform):
 * every request carries a key id, a timestamp, a nonce and an HMAC-SHA256 signature over method,
 * path and query, timestamp, nonce and the body's SHA-256; state-changing ones an
 * `Idempotency-Key`. Each call has a deadline; network errors, 429 and 5xx are retried with
 * backoff (reads always, writes only with an idempotency key). Contract: docs/booking-api.md.
 */

export interface SignedHttpOptions {
  /** Base URL up to the version path, e.g. https://queue.example.gov.cn/api. */
  baseUrl: string;
  keyId: string;
  secret: string;
  timeoutMs: number;
  /** Tries in all for retryable failures (default 3). */
  attempts?: number;
  /** First retry delay (doubles; default 200 ms). */
  backoffMs?: number;
  /** Name for errors and logs ("hall-queue", "gov-platform"). */
  service: string;
  logger: Logger;
}

export class GovApiError extends Error {
  override name = 'GovApiError';
  constructor(
    readonly service: string,
    readonly operation: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
    message: string,
  ) {
    super(`${service} ${operation}: ${message}`);
  }
}

export const SIGNATURE_HEADERS = { key: 'x-banshi-key', timestamp: 'x-banshi-timestamp', nonce: 'x-banshi-nonce', signature: 'x-banshi-signature', idempotency: 'idempotency-key' } as const;

/** The string a request's signature covers. */
export function canonical(method: string, pathAndQuery: string, timestamp: string, nonce: string, body: string): string {
  return [method.toUpperCase(), pathAndQuery, timestamp, nonce, createHash('sha256').update(body).digest('hex')].join('\n');
}

export function sign(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('base64url');
}

/** Constant-time comparison of two signatures. */
export function sameSignature(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface RequestSpec<S extends z.ZodType> {
  operation: string;
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** Makes a write safe to retry; the server answers a repeat with the first answer. */
  idempotencyKey?: string;
  /** Response schema for 2xx. */
  schema: S;
  /** Statuses (besides 2xx) whose JSON body is a valid answer (e.g. 404 for "no such booking"). */
  accept?: number[];
}

export class SignedHttpClient {
  constructor(private readonly o: SignedHttpOptions) {}

  async request<S extends z.ZodType>(spec: RequestSpec<S>): Promise<{ status: number; body: z.infer<S> | undefined }> {
    const attempts = spec.method === 'GET' || spec.idempotencyKey ? (this.o.attempts ?? 3) : 1;
    let last: GovApiError | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        return await this.#once(spec);
      } catch (err) {
        last = err instanceof GovApiError ? err : new GovApiError(this.o.service, spec.operation, undefined, true, err instanceof Error ? err.message : String(err));
        if (!last.retryable || attempt === attempts) break;
        const delay = (this.o.backoffMs ?? 200) * 2 ** (attempt - 1);
        this.o.logger.warn({ service: this.o.service, operation: spec.operation, attempt, err: last.message }, 'government system call failed, will retry');
        await new Promise((r) => setTimeout(r, delay / 2 + Math.random() * (delay / 2)));
      }
    }
    throw last ?? new GovApiError(this.o.service, spec.operation, undefined, false, 'failed');
  }

  async #once<S extends z.ZodType>(spec: RequestSpec<S>): Promise<{ status: number; body: z.infer<S> | undefined }> {
    const query = spec.query && Object.keys(spec.query).length ? `?${new URLSearchParams(spec.query).toString()}` : '';
    const base = new URL(this.o.baseUrl);
    const pathAndQuery = `${base.pathname.replace(/\/$/, '')}${spec.path}${query}`;
    const body = spec.body === undefined ? '' : JSON.stringify(spec.body);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomUUID();
    const headers: Record<string, string> = {
      accept: 'application/json',
      [SIGNATURE_HEADERS.key]: this.o.keyId,
      [SIGNATURE_HEADERS.timestamp]: timestamp,
      [SIGNATURE_HEADERS.nonce]: nonce,
      [SIGNATURE_HEADERS.signature]: sign(this.o.secret, canonical(spec.method, pathAndQuery, timestamp, nonce, body)),
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(spec.idempotencyKey ? { [SIGNATURE_HEADERS.idempotency]: spec.idempotencyKey } : {}),
    };
    let response: Response;
    try {
      response = await fetch(new URL(pathAndQuery, base.origin), { method: spec.method, headers, body: body || undefined, signal: AbortSignal.timeout(this.o.timeoutMs) });
    } catch (err) {
      const timeout = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new GovApiError(this.o.service, spec.operation, undefined, true, timeout ? `no answer within ${this.o.timeoutMs} ms` : `network error: ${err instanceof Error ? err.message : String(err)}`);
    }
    const text = await response.text();
    const ok = response.ok || spec.accept?.includes(response.status);
    if (!ok) {
      const retryable = response.status === 429 || response.status >= 500;
      throw new GovApiError(this.o.service, spec.operation, response.status, retryable, `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
    }
    if (!response.ok) return { status: response.status, body: undefined };
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      throw new GovApiError(this.o.service, spec.operation, response.status, false, 'answer is not JSON');
    }
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) throw new GovApiError(this.o.service, spec.operation, response.status, false, `unexpected answer: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return { status: response.status, body: parsed.data };
  }
}
