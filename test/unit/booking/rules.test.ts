import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CatalogError, loadCatalog } from '../../../integrations/govservice/catalog';
import { ageOn, maskIdNumber, maskName, maskPhone, personKey } from '../../../integrations/govservice/booking/person';
import { buildBookingConfig, DEFAULT_BOOKING_FILE, greenPlaces } from '../../../integrations/govservice/booking/rules';

const shipped = () => parse(readFileSync(DEFAULT_BOOKING_FILE, 'utf8')) as Record<string, unknown>;

async function problems(data: unknown): Promise<string[]> {
  const catalog = await loadCatalog();
  try {
    buildBookingConfig(data, catalog, 'flows/catalog/booking.yaml');
    return [];
  } catch (err) {
    if (err instanceof CatalogError) return err.problems.map((p) => `${p.file}: ${p.field}: ${p.message}`);
    throw err;
  }
}

describe('booking rules (flows/catalog/booking.yaml)', () => {
  it('the shipped file loads: bookable items, their halls and places', async () => {
    const config = buildBookingConfig(shipped(), await loadCatalog());
    expect(config.bookable('GA-SFZ-HL')).toBe(true);
    expect(config.bookable('GA-JSZ-HZ')).toBe(false);
    expect(config.windowsFor('GA-SFZ-HL').map((w) => [w.hall.id, w.window, w.places, w.green])).toEqual([
      ['city-center', 'A区 公安户政窗口', 6, 1],
      ['toutunhe-center', '公安服务区 户政窗口', 5, 1],
      ['tianshan-center', '户政综合窗口', 4, 1],
      ['shayibake-center', '户政综合窗口', 4, 1],
      ['shuimogou-center', '户政综合窗口', 4, 1],
    ]);
  });

  it.each([
    ['an unknown item', { items: ['GA-XXX-YY'] }, 'flows/catalog/booking.yaml: items.0: unknown catalogue code "GA-XXX-YY"'],
    ['an item the catalogue says cannot be booked', { items: ['GJJ-ZF-TQ'] }, 'items.0: GJJ-ZF-TQ says in the catalogue that it cannot be booked'],
    ['a window no bookable item uses', { windows: [{ hall: 'city-center', window: 'A区' }] }, 'windows.0.window: no bookable item uses window "A区" at city-center'],
    ['an unknown hall', { windows: [{ hall: 'moon-base', window: 'A区' }] }, 'windows.0.hall: unknown hall "moon-base"'],
    ['a share out of range', { greenChannel: { minAge: 60, share: 2, releaseHoursBefore: 24 } }, 'greenChannel.share: Too big'],
    ['a bad time', { rules: { ...(shipped().rules as object), remindAt: '25:00' } }, 'rules.remindAt: a time like 18:00'],
  ])('refuses %s, naming the file and the field', async (_label, change, message) => {
    const found = await problems({ ...shipped(), ...change });
    expect(found.join('\n')).toContain(message);
  });

  it('keeps a green share of each slot: rounded, at least one from two places, never all', () => {
    expect([1, 2, 4, 5, 6, 10, 20].map((p) => greenPlaces(p, 0.2))).toEqual([0, 1, 1, 1, 1, 2, 4]);
    expect(greenPlaces(3, 0.9)).toBe(2);
    expect(greenPlaces(5, 0)).toBe(0);
  });
});

describe('the person behind a booking', () => {
  it('age on the day of the slot, from the ID number', () => {
    expect(ageOn('650102195803151235', '2026-03-14')).toBe(67);
    expect(ageOn('650102195803151235', '2026-03-15')).toBe(68);
  });

  it('masks what is shown and hashes what is kept', () => {
    expect(maskIdNumber('650102195803151235')).toBe('6501**********1235');
    expect(maskPhone('13912345678')).toBe('139****5678');
    expect(['张桂兰', '李明', '欧阳娜娜', '阿依古丽·买买提'].map(maskName)).toEqual(['张*兰', '李*', '欧**娜', '阿依古丽·*']);
    const key = personKey('650102195803151235', 'secret-1');
    expect(key).toBe(personKey('650102195803151235', 'secret-1'));
    expect(key).not.toBe(personKey('650102195803151235', 'secret-2'));
    expect(key).not.toContain('1958');
  });
});
