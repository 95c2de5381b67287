import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../integrations/govservice/catalog/index';
import { isOverdue, type TimeLimit, type WorkCalendar } from '../../../integrations/govservice/calendar/index';

let calendar: WorkCalendar;
beforeAll(async () => {
  calendar = (await loadCatalog()).calendar;
});

/** 24:00 local (UTC+8) of a date, as the instant a day limit runs out. */
const endOf = (date: string) => new Date(`${date}T00:00:00+08:00`).getTime() + 86_400_000;

describe('deadline: 工作日 limits skip weekends and holidays and count 调休上班日', () => {
  it.each([
    // accepted, limit, due date, confirmed
    ['2026-09-28', 5, '2026-10-10', true], // 国庆 skipped, the Saturday 10-10 worked
    ['2026-09-18', 2, '2026-09-21', true], // the Sunday 09-20 worked
    ['2026-02-13', 3, '2026-02-25', true], // 02-14 (Saturday) worked, 春节 02-15..23 skipped
    ['2026-02-26', 2, '2026-02-28', true], // 02-28 (Saturday) worked
    ['2026-12-01', 20, '2026-12-29', true],
    ['2026-12-01', 30, '2027-01-13', false], // runs into unpublished 2027 (元旦 estimated)
    ['2026-12-25', 15, '2027-01-18', false],
    ['2026-05-26', 2, '2026-06-02', false], // over 古尔邦节, known only from a reprint
    ['2025-12-30', 3, '2026-01-05', true], // 2026 元旦 01-01..03, the Sunday 01-04 worked
  ] as const)('accepted %s + %i working days → %s (confirmed %s)', (accepted, amount, dueDate, confirmed) => {
    const d = calendar.deadline(accepted, { amount, unit: 'workday' });
    expect({ dueDate: d.dueDate, confirmed: d.confirmed }).toEqual({ dueDate, confirmed });
    expect(d.due.getTime()).toBe(endOf(dueDate));
    if (!confirmed) expect(d.note).toMatch(/\S/);
  });

  it('counts the day of acceptance with the same-day rule (when it is a working day)', () => {
    expect(calendar.deadline('2026-12-01', { amount: 1, unit: 'workday', startRule: 'same-day' }).dueDate).toBe('2026-12-01');
    expect(calendar.deadline('2026-10-01', { amount: 1, unit: 'workday', startRule: 'same-day' }).dueDate).toBe('2026-10-08');
  });

  it('takes an instant of acceptance by its local date', () => {
    // 2026-09-30 23:30 in Urumqi is still the 30th (UTC+8), though it is 15:30 UTC.
    expect(calendar.deadline(new Date('2026-09-30T23:30:00+08:00'), { amount: 1, unit: 'workday' }).dueDate).toBe('2026-10-08');
  });
});

describe('deadline: 日 limits (民法典第201、203条)', () => {
  it.each([
    // accepted, days, due date, moved from, confirmed
    ['2026-12-01', 3, '2026-12-04', undefined, true], // the day of acceptance does not count
    ['2026-12-01', 4, '2026-12-07', '2026-12-05', true], // ends on a Saturday → Monday
    ['2026-09-16', 15, '2026-10-08', '2026-10-01', true], // ends in 国庆 → the day after it
    ['2026-10-07', 3, '2026-10-10', undefined, true], // ends on a 调休 Saturday: a working day, no move
    ['2026-05-20', 15, '2026-06-04', undefined, true], // passes 古尔邦节, but natural days count regardless
    ['2026-05-20', 10, '2026-06-01', '2026-05-30', false], // ends in 古尔邦节 (reprint only)
    ['2026-12-01', 60, '2027-02-01', '2027-01-30', false], // 身份证 60日 ends in unpublished 2027
  ] as const)('accepted %s + %i days → %s (moved from %s)', (accepted, amount, dueDate, movedFrom, confirmed) => {
    const d = calendar.deadline(accepted, { amount, unit: 'day' });
    expect({ dueDate: d.dueDate, movedFrom: d.movedFrom, confirmed: d.confirmed }).toEqual({ dueDate, movedFrom, confirmed });
  });
});

describe('deadline: hour limits run on the clock', () => {
  it('runs through a holiday night and day', () => {
    const d = calendar.deadline(new Date('2026-09-30T18:00:00+08:00'), { amount: 24, unit: 'hour' });
    expect(d.due.toISOString()).toBe(new Date('2026-10-01T18:00:00+08:00').toISOString());
    expect(d).toMatchObject({ dueDate: '2026-10-01', confirmed: true, paused: 0 });
  });

  it('stops while paused', () => {
    const d = calendar.deadline(new Date('2026-12-01T10:00:00+08:00'), { amount: 2, unit: 'hour' }, {
      pausedIntervals: [
        { from: new Date('2026-12-01T10:30:00+08:00'), to: new Date('2026-12-01T11:30:00+08:00') },
        { from: new Date('2026-12-01T15:00:00+08:00'), to: new Date('2026-12-01T16:00:00+08:00') }, // after the end: no effect
        { from: new Date('2026-12-01T08:00:00+08:00'), to: new Date('2026-12-01T09:00:00+08:00') }, // before the start: no effect
      ],
    });
    expect(d.due.toISOString()).toBe(new Date('2026-12-01T13:00:00+08:00').toISOString());
    expect(d.paused).toBe(3_600_000);
  });

  it('needs an instant, not a date, and a positive amount', () => {
    expect(() => calendar.deadline('2026-12-01', { amount: 2, unit: 'hour' })).toThrow(/instant/);
    expect(() => calendar.deadline('2026-12-01', { amount: 0, unit: 'day' })).toThrow();
    expect(() => calendar.deadline('2026-12-01', { amount: 1.5, unit: 'workday' } as TimeLimit)).toThrow(/whole number/);
  });
});

describe('deadline: 补正 pauses the clock', () => {
  it('leaves out every day from the notice to the resubmission (dates, both included)', () => {
    const d = calendar.deadline('2026-12-01', { amount: 5, unit: 'workday' }, { pausedIntervals: [{ from: '2026-12-03', to: '2026-12-08' }] });
    expect(d).toMatchObject({ dueDate: '2026-12-14', paused: 6, confirmed: true });
  });

  it('takes instants: the local dates they touch are left out', () => {
    const d = calendar.deadline('2026-12-01', { amount: 3, unit: 'workday' }, {
      pausedIntervals: [{ from: new Date('2026-12-03T15:00:00+08:00'), to: new Date('2026-12-04T10:00:00+08:00') }],
    });
    // 12-02 counts, 12-03 and 12-04 paused, 12-07 and 12-08 count.
    expect(d).toMatchObject({ dueDate: '2026-12-08', paused: 2 });
  });

  it('a paused 日 limit still moves off a rest day', () => {
    const d = calendar.deadline('2026-12-01', { amount: 3, unit: 'day' }, { pausedIntervals: [{ from: '2026-12-02', to: '2026-12-02' }] });
    // 12-03, 12-04, 12-05 → Saturday → Monday 12-07.
    expect(d).toMatchObject({ dueDate: '2026-12-07', movedFrom: '2026-12-05', paused: 1 });
  });

  it('refuses a pause that ends before it starts', () => {
    expect(() => calendar.deadline('2026-12-01', { amount: 3, unit: 'day' }, { pausedIntervals: [{ from: '2026-12-05', to: '2026-12-02' }] })).toThrow(/before it starts/);
  });
});

describe('working days', () => {
  it.each([
    ['2026-09-30', 1, '2026-10-08', true],
    ['2026-10-08', -1, '2026-09-30', true],
    ['2026-10-01', 0, '2026-10-08', true],
    ['2026-12-01', 0, '2026-12-01', true],
    ['2026-10-09', 1, '2026-10-10', true],
    ['2026-02-13', 2, '2026-02-24', true],
    ['2026-12-31', 1, '2027-01-04', false],
  ] as const)('addWorkingDays(%s, %i) → %s', (date, n, expected, confirmed) => {
    expect(calendar.addWorkingDays(date, n)).toMatchObject({ date: expected, confirmed });
  });

  it('counts working days between two dates', () => {
    expect(calendar.workingDaysBetween('2026-09-30', '2026-10-10')).toBe(3);
    expect(calendar.workingDaysBetween('2026-10-10', '2026-09-30')).toBe(-3);
    expect(calendar.workingDaysBetween('2026-12-01', '2026-12-01')).toBe(0);
  });

  it('lists the next working days, marking unconfirmed ones', () => {
    expect(calendar.nextWorkingDays('2026-09-30', 3).map((d) => d.date)).toEqual(['2026-10-08', '2026-10-09', '2026-10-10']);
    const yearEnd = calendar.nextWorkingDays('2026-12-28', 5);
    expect(yearEnd.map((d) => [d.date, d.confirmed])).toEqual([
      ['2026-12-29', true],
      ['2026-12-30', true],
      ['2026-12-31', true],
      ['2027-01-04', false],
      ['2027-01-05', false],
    ]);
    expect(calendar.nextWorkingDays('2026-12-01', 1, { includeFrom: true })[0]?.date).toBe('2026-12-01');
  });

  it("with a hall, leaves out the hall's own closures", () => {
    expect(calendar.nextWorkingDays('2026-12-29', 3, { scheduleId: 'realestate-hall' }).map((d) => d.date)).toEqual(['2026-12-30', '2027-01-04', '2027-01-05']);
  });

  it('isOverdue compares with the instant the limit runs out', () => {
    const d = calendar.deadline('2026-12-01', { amount: 3, unit: 'workday' });
    expect(isOverdue(d, new Date('2026-12-04T23:59:59+08:00'))).toBe(false);
    expect(isOverdue(d, new Date('2026-12-05T00:00:00+08:00'))).toBe(true);
  });
});

describe('wording of dates residents rely on', () => {
  it('formats a due date with weekday, the year when it is not this one, and 预计', async () => {
    const { formatDue, formatDate, relativeDate } = await import('../../../integrations/govservice/calendar/index');
    const d = calendar.deadline('2026-12-25', { amount: 15, unit: 'workday' });
    expect(formatDue(d.dueDate, d.confirmed, '2026-12-25')).toBe('2027年1月18日（周一，预计）');
    expect(formatDue('2026-12-22', true, '2026-12-01')).toBe('12月22日（周二）');
    expect(formatDate('2026-10-08', { weekday: true })).toBe('10月8日（周四）');
    expect(relativeDate('2026-10-08', '2026-10-07')).toBe('明天');
    expect(relativeDate('2027-01-04', '2026-12-31')).toBe('2027年1月4日（周一）');
  });
});
