import { idCheckChar } from '../../flows/slots/id-number';
import { loadCatalog, type Catalog } from '../../integrations/govservice/catalog';
import { BuiltinRules } from '../../integrations/govservice/booking/builtin';
import { buildBookingConfig, type BookingConfig } from '../../integrations/govservice/booking/rules';
import type { ReserveRequest } from '../../integrations/govservice/booking/port';
import type { Slot } from '../../integrations/govservice/booking/schema';

/** Tue 2026-12-01 10:00 in Shanghai. */
export const NOW = Date.parse('2026-12-01T10:00:00+08:00');
export const HALL = 'city-center';
export const WINDOW = 'A区 公安户政窗口';
export const ITEM = { code: 'GA-SFZ-HL', name: '居民身份证换领、补领' };

let catalog: Promise<Catalog> | undefined;
export const testCatalog = (): Promise<Catalog> => (catalog ??= loadCatalog());

/** A booking configuration like the shipped one, with `places` per slot at the city centre's 户政 window. */
export async function testConfig(options: { places?: number; share?: number; releaseHoursBefore?: number; maxActive?: number; maxActivePerBooker?: number } = {}): Promise<BookingConfig> {
  return buildBookingConfig(
    {
      rules: {
        daysAhead: 5,
        sameDay: false,
        leadMinutes: 60,
        perItemPerDay: 1,
        maxActive: options.maxActive ?? 3,
        maxActivePerBooker: options.maxActivePerBooker ?? 50,
        cancelBeforeMinutes: 120,
        noShow: { strikes: 2, withinDays: 30, restrictDays: 30, elderlyStrikes: 4 },
        remindAt: '18:00',
      },
      greenChannel: { minAge: 60, share: options.share ?? 0, releaseHoursBefore: options.releaseHoursBefore ?? 24 },
      defaults: { slotMinutes: 60, places: 4 },
      windows: [{ hall: HALL, window: WINDOW, places: options.places ?? 5 }],
      items: [ITEM.code, 'GA-JZZ-SL'],
    },
    await testCatalog(),
  );
}

export async function testRules(options: Parameters<typeof testConfig>[0] = {}): Promise<BuiltinRules> {
  const cat = await testCatalog();
  return new BuiltinRules(await testConfig(options), cat.calendar, 'test-secret-test-secret-test-secret');
}

/** A valid 18-digit ID number for person `n`, born on `birth` (YYYYMMDD). */
export function idNumber(n: number, birth = '19850315'): string {
  // Region code and sequence together tell up to 100,000 people apart.
  const first17 = `65${String(Math.floor(n / 1000)).padStart(4, '0')}${birth}${String(n % 1000).padStart(3, '0')}`;
  return `${first17}${idCheckChar(first17)}`;
}

export const slotAt = (date: string, start: string, end?: string): Slot => ({ hall: HALL, window: WINDOW, date, start, end: end ?? `${String(Number(start.slice(0, 2)) + 1).padStart(2, '0')}:${start.slice(3)}` });

let serial = 0;

/** A reservation for person `n` (their own booking unless a booker is given). */
export function request(n: number, slot: Slot, extra: Partial<ReserveRequest> & { birth?: string } = {}): ReserveRequest {
  const { birth, ...rest } = extra;
  const ref = `YY20261201${String(++serial).padStart(6, '0')}`;
  return {
    reference: ref,
    key: `test:${ref}`,
    item: ITEM,
    slot,
    applicant: { name: '张桂兰', idNumber: idNumber(n, birth), phone: '13912345678' },
    elderly: false,
    booker: { channel: 'test' as const, userId: `resident-${n}`, conversationId: `test:resident-${n}` },
    forFamily: false,
    remind: true,
    answers: {},
    now: NOW,
    ...rest,
  };
}
