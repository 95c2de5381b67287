import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../bot/logger';
import { HttpBookingBackend } from '../../integrations/govservice/booking/http-backend';
import { MemoryBookingBackend } from '../../integrations/govservice/booking/memory-store';
import { GovApiError, SignedHttpClient } from '../../integrations/govservice/signed-http';
import { startHallQueueFake } from '../fakes/hall-queue';
import { request, slotAt, testRules } from './booking-fixtures';
import { describeBookingContract } from './booking.contract';

const KEY = { keyId: 'banshi-test', secret: 'a-shared-secret-of-at-least-32-chars!' };
const client = (base: string, o: Partial<{ secret: string; timeoutMs: number }> = {}) =>
  new SignedHttpClient({ baseUrl: base, keyId: KEY.keyId, secret: o.secret ?? KEY.secret, timeoutMs: o.timeoutMs ?? 2_000, backoffMs: 10, service: 'hall-queue', logger: silentLogger() });

// The same contract as the built-in backends, through the adapter and the fake's HTTP.
describeBookingContract('http adapter + fake hall system', async (rules) => {
  const fake = await startHallQueueFake({ ...KEY, system: new MemoryBookingBackend(rules) });
  return { backend: new HttpBookingBackend(client(fake.base)), cleanup: () => fake.close() };
});

describe('HttpBookingBackend: signed requests, deadlines, retries, idempotency', () => {
  it('retries a write through 503s with the same Idempotency-Key, and books once', async () => {
    const fake = await startHallQueueFake({ ...KEY, system: new MemoryBookingBackend(await testRules({ places: 5 })) });
    try {
      const backend = new HttpBookingBackend(client(fake.base));
      fake.fail('503', 2);
      const r = request(1, slotAt('2026-12-02', '10:00'));
      expect(await backend.reserve(r)).toMatchObject({ status: 'booked', existing: false });
      const posts = fake.requests.filter((q) => q.method === 'POST');
      expect(posts.map((q) => q.status)).toEqual([503, 503, 200]);
      expect(new Set(posts.map((q) => q.idempotencyKey))).toEqual(new Set([r.key]));
      // A retry of the same message later gets the first answer, not a second booking.
      expect(await backend.reserve(r)).toMatchObject({ status: 'booked', booking: { reference: r.reference } });
      const free = await backend.availability({ hall: r.slot.hall, window: r.slot.window, dates: ['2026-12-02'], elderly: false, now: r.now });
      expect(free.find((s) => s.slot.start === '10:00')?.free).toBe(4);
    } finally {
      await fake.close();
    }
  });

  it('gives up after the deadline and the retries, with an error naming the system and the call', async () => {
    const fake = await startHallQueueFake({ ...KEY, system: new MemoryBookingBackend(await testRules()), hangMs: 400 });
    try {
      fake.fail('hang', 3);
      const backend = new HttpBookingBackend(client(fake.base, { timeoutMs: 100 }));
      const error = await backend.get('YY20261201000001').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GovApiError);
      expect(error).toMatchObject({ service: 'hall-queue', operation: 'get', retryable: true });
      expect((error as Error).message).toContain('no answer within 100 ms');
    } finally {
      await fake.close();
    }
  });

  it('a wrong secret is refused (401, not retried); an unknown booking is undefined (404)', async () => {
    const fake = await startHallQueueFake({ ...KEY, system: new MemoryBookingBackend(await testRules()) });
    try {
      const forged = new HttpBookingBackend(client(fake.base, { secret: 'someone-elses-secret-of-32-chars-long' }));
      await expect(forged.get('YY1')).rejects.toMatchObject({ status: 401, retryable: false });
      expect(fake.requests.filter((q) => q.status === 401)).toHaveLength(1);
      expect(await new HttpBookingBackend(client(fake.base)).get('YY20261201000404')).toBeUndefined();
    } finally {
      await fake.close();
    }
  });
});
