import { afterAll, describe, expect, it } from 'vitest';
import { bookingKeys, RedisBookingBackend } from '../../integrations/govservice/booking/redis-store';
import { request, slotAt, testRules } from './booking-fixtures';
import { describeBookingContract } from './booking.contract';
import { connectTestRedis, deleteKeys, testPrefix } from './redis-test-env';

const connecting = connectTestRedis();
connecting.catch(() => undefined);
afterAll(async () => {
  await (await connecting.catch(() => undefined))?.close();
});

describeBookingContract('redis', async (rules) => {
  const client = await connecting;
  const prefix = testPrefix('booking');
  return { backend: new RedisBookingBackend(client, rules, prefix), cleanup: async () => void (await deleteKeys(client, prefix)) };
});

describe('RedisBookingBackend: several instances', () => {
  it('200 attempts from four connections (four instances) at 5 places: exactly 5 bookings, counters and indexes agree', async () => {
    const client = await connecting;
    const prefix = testPrefix('booking-instances');
    const rules = await testRules({ places: 5 });
    const clients = await Promise.all(Array.from({ length: 4 }, () => connectTestRedis()));
    try {
      const backends = clients.map((c) => new RedisBookingBackend(c, rules, prefix));
      const slot = slotAt('2026-12-02', '10:00');
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => backends[i % 4]!.reserve(request(5000 + i, slot))));
      const booked = results.flatMap((r) => (r.status === 'booked' ? [r.booking] : []));
      expect(booked).toHaveLength(5);
      expect(results.filter((r) => r.status === 'full')).toHaveLength(195);
      const keys = bookingKeys(prefix);
      expect(await client.hGetAll(keys.slot(slot))).toEqual({ n: '5' });
      expect(await client.zCard(keys.upcoming())).toBe(5);
      for (const b of booked) expect(await client.exists(keys.record(b.reference))).toBe(1);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await deleteKeys(client, prefix);
    }
  });
});
