import { randomUUID } from 'node:crypto';
import { canonical, sign, SIGNATURE_HEADERS } from '../../integrations/govservice/signed-http';
import { SignedFake } from './signed-server';

export const PLATFORM_KEY_ID = 'banshi-test';
export const PLATFORM_SECRET = 'workorder-platform-secret-for-tests-only-0123456789';

interface Received {
  reference: string;
  seq: number;
  order: { status: string; history: unknown[] };
}

/**
 * The city 12345 platform as docs/workorder-platform.md describes it, on loopback: signed
 * requests checked (key, 300 s window, nonce once, HMAC), `POST /workorders` kept per reference
 * by sequence (an older or equal one is 409), `Idempotency-Key` replays answered as the first
 * time. `down` answers 503 to everything (the platform being out).
 */
export class FakeWorkOrderPlatform {
  readonly orders = new Map<string, Received>();
  down = false;
  readonly server: SignedFake;

  constructor() {
    this.server = new SignedFake({ keyId: PLATFORM_KEY_ID, secret: PLATFORM_SECRET }, async ({ method, path, body }) => {
      if (this.down) return { status: 503, body: { error: 'maintenance' } };
      if (method !== 'POST' || path !== '/workorders') return { status: 404, body: { error: 'not_found' } };
      const r = body as Received;
      const held = this.orders.get(r.reference);
      if (held && held.seq >= r.seq) return { status: 409, body: { error: 'stale', seq: held.seq } };
      this.orders.set(r.reference, r);
      return { status: held ? 200 : 201, body: { ok: true } };
    });
  }

  get base(): string {
    return this.server.base;
  }

  /** POST requests it answered, with their idempotency keys and statuses. */
  get requests() {
    return this.server.requests;
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

/** Headers of a request signed as the platform signs its status updates. */
export function platformSigned(method: string, pathAndQuery: string, body: string, options: { secret?: string; keyId?: string; timestamp?: number; nonce?: string } = {}): Record<string, string> {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? randomUUID();
  return {
    'content-type': 'application/json',
    [SIGNATURE_HEADERS.key]: options.keyId ?? PLATFORM_KEY_ID,
    [SIGNATURE_HEADERS.timestamp]: timestamp,
    [SIGNATURE_HEADERS.nonce]: nonce,
    [SIGNATURE_HEADERS.signature]: sign(options.secret ?? PLATFORM_SECRET, canonical(method, pathAndQuery, timestamp, nonce, body)),
  };
}
