import { describe, expect, it } from 'vitest';
import { dammDigit, formatReference, parseReference, referenceDay, validReference } from '../../../bot/references';

describe('reference numbers', () => {
  it('computes the Damm check digit (the published example: 572 → 4)', () => {
    expect(dammDigit('572')).toBe(4);
    expect(dammDigit('5724')).toBe(0);
  });

  it('formats prefix, date, a serial of at least five digits and the check digit', () => {
    expect(formatReference('suggestion', '20261201', 17)).toBe(`YJ2026120100017${dammDigit('2026120100017')}`);
    expect(formatReference('workOrder', '20261201', 123_456)).toBe(`GD20261201123456${dammDigit('20261201123456')}`);
    expect(() => formatReference('booking', '2026121', 1)).toThrow(RangeError);
    expect(() => formatReference('booking', '20261201', 0)).toThrow(RangeError);
  });

  it('dates a reference by the day in Asia/Shanghai', () => {
    expect(referenceDay(Date.parse('2026-11-30T16:00:00Z'))).toBe('20261201');
    expect(referenceDay(Date.parse('2026-11-30T15:59:59.999Z'))).toBe('20261130');
  });

  it('catches every single wrong digit and every swap of adjacent digits', () => {
    const reference = formatReference('suggestion', '20261201', 4_089);
    const digits = reference.slice(2);
    let caught = 0;
    let tried = 0;
    for (let i = 0; i < digits.length; i += 1) {
      for (let d = 0; d <= 9; d += 1) {
        if (String(d) === digits[i]) continue;
        tried += 1;
        if (!validReference(`YJ${digits.slice(0, i)}${d}${digits.slice(i + 1)}`)) caught += 1;
      }
      if (i + 1 < digits.length && digits[i] !== digits[i + 1]) {
        tried += 1;
        if (!validReference(`YJ${digits.slice(0, i)}${digits[i + 1]}${digits[i]}${digits.slice(i + 2)}`)) caught += 1;
      }
    }
    expect(tried).toBeGreaterThan(130);
    expect(caught).toBe(tried);
  });

  it('reads what a resident types: lower case, full width, spaces and dashes', () => {
    const reference = formatReference('suggestion', '20261201', 17);
    const fullWidth = [...reference].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
    for (const typed of [reference, reference.toLowerCase(), fullWidth, `${reference.slice(0, 2)} ${reference.slice(2, 10)}-${reference.slice(10)}`, ` ${reference}\n`]) {
      expect(parseReference(typed)).toEqual({ reference, kind: 'suggestion', prefix: 'YJ', date: '2026-12-01', serial: 17 });
    }
  });

  it('refuses what no reference looks like', () => {
    const good = formatReference('booking', '20280229', 3);
    expect(validReference(good)).toBe(true);
    const noSuchDay = `YY2026113100003${dammDigit('2026113100003')}`;
    const unknownPrefix = `ZZ${good.slice(2)}`;
    const overPadded = `YY${good.slice(2, 10)}0${good.slice(10)}`;
    const serialZero = `YJ2026120100000${dammDigit('2026120100000')}`;
    for (const bad of ['', 'YJ', 'YJ202612010001', noSuchDay, unknownPrefix, overPadded, serialZero]) {
      expect(validReference(bad)).toBe(false);
    }
  });
});
