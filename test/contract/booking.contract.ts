import { afterEach, describe, expect, it } from 'vitest';
import type { BookingBackend } from '../../integrations/govservice/booking/port';
import type { BuiltinRules } from '../../integrations/govservice/booking/builtin';
import { BookingService } from '../../integrations/govservice/booking/service';
import { HALL, ITEM, NOW, WINDOW, request, slotAt, testCatalog, testRules } from './booking-fixtures';

export interface BookingHarness {
  backend: BookingBackend;
  cleanup(): Promise<void>;
}

/** Makes a backend on fresh state for the given rules (memory, Redis, or the HTTP adapter and its fake). */
export type MakeBackend = (rules: BuiltinRules) => Promise<BookingHarness>;

const TOMORROW = '2026-12-02';
const DAY_MS = 86_400_000;

/** The booking backend contract: capacity, the green channel, per-person rules, changes, no-shows. */
export function describeBookingContract(name: string, make: MakeBackend): void {
  describe(`BookingBackend contract (${name})`, () => {
    let h: BookingHarness | undefined;
    const open = async (options: Parameters<typeof testRules>[0] = {}) => {
      h = await make(await testRules(options));
      return h.backend;
    };
    afterEach(async () => {
      await h?.cleanup();
      h = undefined;
    });

    it('takes a place, shows it masked, and lists it for the resident who booked', async () => {
      const backend = await open({ places: 5 });
      const r = request(1, slotAt(TOMORROW, '10:00'));
      const result = await backend.reserve(r);
      expect(result).toMatchObject({ status: 'booked', existing: false, noShows: 0 });
      if (result.status !== 'booked') return;
      expect(result.booking).toMatchObject({ reference: r.reference, status: 'booked', version: 1, pool: 'normal', hallName: '市政务服务中心', slot: r.slot });
      expect(result.booking.applicant).toMatchObject({ nameMasked: '张*兰', idMasked: `${r.applicant.idNumber.slice(0, 4)}**********${r.applicant.idNumber.slice(-4)}`, phoneMasked: '139****5678' });
      expect(JSON.stringify(result.booking)).not.toContain(r.applicant.idNumber);
      const free = await backend.availability({ hall: HALL, window: WINDOW, dates: [TOMORROW], elderly: false, now: NOW });
      expect(free.find((s) => s.slot.start === '10:00')?.free).toBe(4);
      expect(free.map((s) => s.slot.start)).toEqual(['10:00', '11:00', '12:00', '13:00', '15:30', '16:30', '17:30', '18:30']);
      expect((await backend.listByBooker(r.booker, NOW)).map((b) => b.reference)).toEqual([r.reference]);
      expect(await backend.get(r.reference)).toEqual(result.booking);
    });

    it('200 concurrent attempts at a slot with 5 places: exactly 5 succeed, the others are offered the next free slot', async () => {
      const backend = await open({ places: 5 });
      const cat = await testCatalog();
      const rules = await testRules({ places: 5 });
      const service = new BookingService(rules.config, cat.calendar, backend, cat);
      const slot = slotAt(TOMORROW, '10:00');
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => service.reserve(request(1000 + i, slot))));
      expect(results.filter((r) => r.status === 'booked')).toHaveLength(5);
      const full = results.filter((r) => r.status === 'full');
      expect(full).toHaveLength(195);
      for (const r of full) expect(r.next?.slot).toEqual(slotAt(TOMORROW, '11:00'));
      const free = await backend.availability({ hall: HALL, window: WINDOW, dates: [TOMORROW], elderly: true, now: NOW });
      expect(free.find((s) => s.slot.start === '10:00')?.free).toBe(0);
    });

    it('keeps the green channel share for residents 60+, and opens it to all shortly before the slot', async () => {
      const backend = await open({ places: 5, share: 0.4, releaseHoursBefore: 24 });
      const slot = slotAt('2026-12-03', '10:00');
      const young = await Promise.all(Array.from({ length: 10 }, (_, i) => backend.reserve(request(2000 + i, slot))));
      expect(young.filter((r) => r.status === 'booked')).toHaveLength(3);
      const old = await Promise.all(Array.from({ length: 10 }, (_, i) => backend.reserve(request(3000 + i, slot, { elderly: true, birth: '19500101' }))));
      const booked = old.flatMap((r) => (r.status === 'booked' ? [r.booking] : []));
      expect(booked.map((b) => b.pool)).toEqual(['green', 'green']);
      expect(booked[0]?.applicant.elderly).toBe(true);
      // Green places elderly residents did not take open to everyone from 24 h before.
      const later = slotAt('2026-12-03', '11:00');
      await Promise.all(Array.from({ length: 3 }, (_, i) => backend.reserve(request(4000 + i, later))));
      const before = await backend.reserve(request(4100, later));
      expect(before.status).toBe('full');
      const released = await backend.reserve(request(4101, later, { now: Date.parse('2026-12-02T11:30:00+08:00') }));
      expect(released).toMatchObject({ status: 'booked', booking: { pool: 'green' } });
    });

    it('one booking per person per item per day, also under concurrency; the same request again is the same booking', async () => {
      const backend = await open({ places: 5 });
      const starts = ['10:00', '11:00', '12:00', '13:00', '15:30', '16:30', '17:30', '18:30'];
      const attempts = await Promise.all(starts.map((s) => backend.reserve(request(7, slotAt(TOMORROW, s)))));
      const ok = attempts.filter((r) => r.status === 'booked');
      expect(ok).toHaveLength(1);
      expect(attempts.filter((r) => r.status === 'refused' && r.rule === 'same-item-day')).toHaveLength(7);
      const kept = ok[0]?.status === 'booked' ? ok[0].booking : undefined;
      // The resident sends 确认 again after an error: the booking they have, not a refusal.
      const again = await backend.reserve(request(7, kept!.slot));
      expect(again).toMatchObject({ status: 'booked', existing: true, booking: { reference: kept!.reference } });
      // A platform retry of the same message (same key): the same booking, one place taken.
      const retry = await backend.reserve({ ...request(7, kept!.slot), key: `test:${kept!.reference}`, reference: 'YY20261201999999' });
      expect(retry).toMatchObject({ status: 'booked', booking: { reference: kept!.reference } });
      const free = await backend.availability({ hall: HALL, window: WINDOW, dates: [TOMORROW], elderly: false, now: NOW });
      expect(free.find((s) => s.slot.start === kept!.slot.start)?.free).toBe(4);
      // Another item the same day is fine.
      expect(await backend.reserve({ ...request(7, slotAt(TOMORROW, '16:30')), item: { code: 'GA-JZZ-SL', name: '居住证申领' } })).toMatchObject({ status: 'booked' });
    });

    it('limits active bookings per person and per resident account', async () => {
      const backend = await open({ places: 5, maxActive: 3, maxActivePerBooker: 4 });
      const days = ['2026-12-02', '2026-12-03', '2026-12-04', '2026-12-07'];
      const mine = await Promise.all(days.map((d) => backend.reserve(request(8, slotAt(d, '10:00')))));
      expect(mine.map((r) => r.status)).toEqual(['booked', 'booked', 'booked', 'refused']);
      expect(mine[3]).toMatchObject({ rule: 'max-active' });
      // A daughter booking for several older relatives: her account's limit.
      const booker = { channel: 'test' as const, userId: 'daughter', conversationId: 'test:daughter' };
      const family = [];
      for (let i = 0; i < 5; i++) family.push(await backend.reserve(request(50 + i, slotAt(TOMORROW, '11:00'), { booker, forFamily: true })));
      expect(family.map((r) => r.status)).toEqual(['booked', 'booked', 'booked', 'booked', 'refused']);
      expect(family[4]).toMatchObject({ rule: 'max-booker' });
    });

    it('cancels before the deadline and frees the place; not after it, not for another resident', async () => {
      const backend = await open({ places: 5 });
      const r = request(9, slotAt(TOMORROW, '15:30'));
      await backend.reserve(r);
      expect(await backend.cancel({ reference: r.reference, booker: { ...r.booker, userId: 'someone-else' }, now: NOW })).toEqual({ status: 'not-found' });
      const late = Date.parse('2026-12-02T14:00:00+08:00');
      expect(await backend.cancel({ reference: r.reference, booker: r.booker, now: late })).toEqual({ status: 'too-late', deadline: Date.parse('2026-12-02T13:30:00+08:00') });
      const done = await backend.cancel({ reference: r.reference, booker: r.booker, now: NOW });
      expect(done).toMatchObject({ status: 'cancelled', booking: { status: 'cancelled', version: 2 } });
      expect((await backend.get(r.reference))?.status).toBe('cancelled');
      expect(await backend.listByBooker(r.booker, NOW)).toEqual([]);
      const free = await backend.availability({ hall: HALL, window: WINDOW, dates: [TOMORROW], elderly: false, now: NOW });
      expect(free.find((s) => s.slot.start === '15:30')?.free).toBe(5);
      expect(await backend.cancel({ reference: r.reference, booker: r.booker, now: NOW + 1_000 })).toEqual({ status: 'not-found' });
      // Cancelled: the same person may book that item that day again.
      expect(await backend.reserve(request(9, slotAt(TOMORROW, '16:30')))).toMatchObject({ status: 'booked' });
    });

    it('moves a booking: the old place is freed and the new one taken at once; a full slot or a late change is refused', async () => {
      const backend = await open({ places: 1 });
      const r = request(10, slotAt(TOMORROW, '10:00'));
      await backend.reserve(r);
      await backend.reserve(request(11, slotAt('2026-12-03', '10:00')));
      const change = { reference: r.reference, booker: r.booker, key: 'test:change-1', now: NOW };
      expect(await backend.reschedule({ ...change, key: 'test:change-0', slot: slotAt('2026-12-03', '10:00') })).toEqual({ status: 'full' });
      const moved = await backend.reschedule({ ...change, slot: slotAt('2026-12-03', '11:00') });
      expect(moved).toMatchObject({ status: 'booked', booking: { version: 2, slot: slotAt('2026-12-03', '11:00') } });
      const free = await backend.availability({ hall: HALL, window: WINDOW, dates: [TOMORROW, '2026-12-03'], elderly: false, now: NOW });
      expect(free.filter((s) => s.free === 0).map((s) => `${s.slot.date} ${s.slot.start}`)).toEqual(['2026-12-03 10:00', '2026-12-03 11:00']);
      expect(await backend.reschedule({ ...change, key: 'test:change-2', slot: slotAt('2026-12-04', '10:00'), now: Date.parse('2026-12-03T10:30:00+08:00') })).toMatchObject({ status: 'too-late' });
      expect(await backend.reschedule({ ...change, key: 'test:change-3', booker: { ...r.booker, userId: 'x' }, slot: slotAt('2026-12-04', '10:00') })).toEqual({ status: 'not-found' });
    });

    it('restricts booking after repeated no-shows, later and more leniently for residents 60+', async () => {
      const backend = await open({ places: 5 });
      const young = [request(12, slotAt('2026-12-02', '10:00')), request(12, slotAt('2026-12-03', '10:00'))];
      for (const r of young) await backend.reserve(r);
      await backend.recordNoShow(young[0]!.reference, Date.parse('2026-12-02T12:00:00+08:00'));
      const after1 = Date.parse('2026-12-02T13:00:00+08:00');
      expect(await backend.reserve(request(12, slotAt('2026-12-04', '10:00'), { now: after1 }))).toMatchObject({ status: 'booked', noShows: 1 });
      await backend.recordNoShow(young[1]!.reference, Date.parse('2026-12-03T12:00:00+08:00'));
      const refused = await backend.reserve(request(12, slotAt('2026-12-07', '10:00'), { now: Date.parse('2026-12-03T13:00:00+08:00') }));
      expect(refused).toEqual({ status: 'refused', rule: 'restricted', until: Date.parse('2026-12-03T12:00:00+08:00') + 30 * DAY_MS });
      expect((await backend.get(young[0]!.reference))?.status).toBe('no-show');

      const old = [request(13, slotAt('2026-12-02', '11:00'), { elderly: true, birth: '19500101' }), request(13, slotAt('2026-12-03', '11:00'), { elderly: true, birth: '19500101' })];
      for (const r of old) {
        await backend.reserve(r);
        await backend.recordNoShow(r.reference, Date.parse('2026-12-03T12:00:00+08:00'));
      }
      expect(await backend.reserve(request(13, slotAt('2026-12-07', '11:00'), { elderly: true, birth: '19500101', now: Date.parse('2026-12-03T13:00:00+08:00') }))).toMatchObject({ status: 'booked', noShows: 2 });
    });

    it('refuses a time that is not one of the hall\'s slots', async () => {
      const backend = await open({ places: 5 });
      expect(await backend.reserve(request(14, slotAt('2026-12-05', '10:00')))).toEqual({ status: 'full' });
      expect(await backend.reserve(request(14, slotAt(TOMORROW, '14:00')))).toEqual({ status: 'full' });
      expect(ITEM.code).toBe('GA-SFZ-HL');
    });
  });
}
