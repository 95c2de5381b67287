import { z } from 'zod';
import type { ProgressBackend } from '../../integrations/govservice/progress/port';
import { webhookSignature } from '../../integrations/govservice/progress/webhook';
import { SignedFake, type SignedFakeOptions } from './signed-server';

/**
 * A city's integrated government platform on loopback, from docs/progress-api.md: signed
 * requests, the lookup that answers 404 alike for an unknown number and a wrong second factor,
 * system reads by number, applications by booking; and the signed status webhook it pushes.
 * Its applications are a progress backend of its own (the test passes one, e.g. a simulator).
 */
export async function startGovPlatformFake(options: SignedFakeOptions & { platform: ProgressBackend; now?: () => number }): Promise<SignedFake> {
  const now = options.now ?? (() => Date.now());
  const LookupBody = z.object({ number: z.string(), phoneLast4: z.string() });
  const fake = new SignedFake(options, async ({ method, path, query, body }) => {
    if (method === 'POST' && path === '/v1/applications/lookup') {
      const b = LookupBody.safeParse(body);
      if (!b.success) return { status: 400, body: { error: 'invalid_body' } };
      const application = await options.platform.lookup(b.data.number, b.data.phoneLast4, now());
      return application ? { status: 200, body: { application } } : { status: 404, body: { error: 'not_found' } };
    }
    if (method === 'GET' && path === '/v1/applications') {
      const refs = (query.get('bookingReference') ?? '').split(',').filter(Boolean);
      return { status: 200, body: { applications: await options.platform.byBookings(refs, now()) } };
    }
    const m = /^\/v1\/applications\/([^/]+)$/.exec(path);
    if (method === 'GET' && m) {
      const application = await options.platform.get(decodeURIComponent(m[1] ?? ''), now());
      return application ? { status: 200, body: { application } } : { status: 404, body: { error: 'not_found' } };
    }
    return { status: 404, body: { error: 'not_found' } };
  });
  return fake.start();
}

/** Pushes one signed status event to the assistant's webhook, as the platform does. */
export async function pushStatusEvent(url: string, secret: string, event: { eventId: string; number: string; version: number }, options: { timestamp?: number; signature?: string } = {}): Promise<{ status: number; body: unknown }> {
  const body = JSON.stringify(event);
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-platform-timestamp': timestamp, 'x-platform-signature': options.signature ?? webhookSignature(secret, timestamp, body) },
    body,
  });
  return { status: response.status, body: await response.json() };
}
