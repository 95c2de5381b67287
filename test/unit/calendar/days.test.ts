import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { addDays, createCalendar, loadCalendarData, type CalendarData, type WorkCalendar } from '../../../integrations/govservice/calendar/index';

// chinese-days is a dev dependency: the shipped table is ours, this only cross-checks it.
const require = createRequire(import.meta.url);
const chineseDays = require('chinese-days') as {
  isWorkday(d: string): boolean;
  getSolarDateFromLunar(d: string): { date: string };
  getSolarTerms(from: string, to: string): { date: string; name: string }[];
};
const cdData = require('chinese-days/dist/chinese-days.json') as { holidays: Record<string, string>; workdays: Record<string, string> };

let data: CalendarData;
let calendar: WorkCalendar;
beforeAll(async () => {
  data = await loadCalendarData();
  calendar = createCalendar(data);
});

describe('dayInfo', () => {
  it.each([
    // date, workday, reason, confirmed
    ['2026-10-01', false, '国庆节', true],
    ['2026-10-07', false, '国庆节', true],
    ['2026-10-08', true, '工作日', true],
    ['2026-09-20', true, '调休', true], // a Sunday worked for 国庆
    ['2026-10-10', true, '调休', true], // a Saturday worked for 国庆
    ['2026-10-11', false, '周末', true],
    ['2026-02-14', true, '调休', true], // Saturday before 春节
    ['2026-02-15', false, '春节', true],
    ['2026-02-17', false, '春节', true],
    ['2026-02-23', false, '春节', true], // a Monday
    ['2026-02-24', true, '工作日', true],
    ['2026-02-28', true, '调休', true],
    ['2026-01-04', true, '调休', true], // a Sunday worked for 元旦
    ['2026-05-09', true, '调休', true],
    ['2026-12-01', true, '工作日', true],
    ['2026-12-05', false, '周末', true],
    ['2025-10-08', false, '国庆节、中秋节', true],
    ['2025-09-28', true, '调休', true],
    // The region's own holidays, seen only in a reprint of the 自治区 notice: shown as 预计.
    ['2026-03-20', false, '肉孜节', false],
    ['2026-05-27', false, '古尔邦节', false],
    ['2026-05-26', true, '工作日', true],
    // 2027 is not published: every day is unconfirmed; the statutory days are still days off.
    ['2027-01-01', false, '元旦', false],
    ['2027-01-04', true, '工作日', false],
    ['2027-02-08', false, '春节', false],
    ['2027-10-01', false, '国庆节', false],
    ['2027-10-04', true, '工作日', false],
    // A year with no file at all: the week, unconfirmed.
    ['2030-01-01', true, '工作日', false],
  ] as const)('%s: workday %s, %s, confirmed %s', (date, workday, reason, confirmed) => {
    const info = calendar.dayInfo(date);
    expect({ workday: info.workday, reason: info.reason, confirmed: info.confirmed }).toEqual({ workday, reason, confirmed });
    if (!confirmed) expect(info.note).toMatch(/\S/);
  });

  it('names the holiday a 调休上班日 makes up for', () => {
    expect(calendar.dayInfo('2026-09-20')).toMatchObject({ kind: 'makeup', holiday: '国庆节', weekday: 'sun' });
    expect(calendar.dayInfo('2027-01-01').note).toContain('2027年全国放假安排尚未发布');
    expect(calendar.dayInfo('2030-01-01').note).toContain('没有录入');
  });

  it('refuses a date that does not exist', () => {
    expect(() => calendar.dayInfo('2026-02-30')).toThrow(/2026-02-30/);
    expect(() => calendar.dayInfo('20261001')).toThrow(RangeError);
  });
});

/** The national days of one year, without the region's: what chinese-days models. */
function nationalOnly(d: CalendarData): WorkCalendar {
  return createCalendar({ ...d, regional: { ...d.regional, yearlyNotice: false, years: [] } });
}

describe('the shipped national schedule against chinese-days', () => {
  it.each([2025, 2026])('%i: the same days off and the same make-up working days', (year) => {
    const file = data.years.find((y) => y.year === year);
    if (file?.status !== 'published') throw new Error(`${year} should be published`);
    const ours = { off: [] as string[], makeup: file.makeupWorkdays.map((m) => m.date).sort() };
    for (const h of file.holidays) for (let d = h.from; d <= h.to; d = addDays(d, 1)) ours.off.push(d);
    const theirs = {
      off: Object.keys(cdData.holidays).filter((d) => d.startsWith(`${year}-`)).sort(),
      makeup: Object.keys(cdData.workdays).filter((d) => d.startsWith(`${year}-`)).sort(),
    };
    expect(ours.off.sort()).toEqual(theirs.off);
    expect(ours.makeup).toEqual(theirs.makeup);
  });

  it.each([2025, 2026])('%i: every day is a working day exactly when chinese-days says so', (year) => {
    const national = nationalOnly(data);
    const differ: string[] = [];
    for (let d = `${year}-01-01`; d <= `${year}-12-31`; d = addDays(d, 1)) if (national.isWorkday(d) !== chineseDays.isWorkday(d)) differ.push(d);
    expect(differ).toEqual([]);
  });

  it('2027: the packages silently call 元旦 and 国庆 working days; ours marks them days off, unconfirmed', () => {
    expect(chineseDays.isWorkday('2027-01-01')).toBe(true);
    expect(chineseDays.isWorkday('2027-10-01')).toBe(true);
    expect(calendar.dayInfo('2027-01-01')).toMatchObject({ workday: false, confirmed: false });
  });

  it("2027's estimated days are the statutory ones of 放假办法第二条, placed by the lunar calendar and the solar terms", () => {
    const file = data.years.find((y) => y.year === 2027);
    if (file?.status !== 'unpublished') throw new Error('2027 should be unpublished');
    const byName = Object.fromEntries(file.estimatedHolidays.map((h) => [h.name, [h.from, h.to]]));
    const lunar = (d: string) => chineseDays.getSolarDateFromLunar(d).date;
    expect(byName['元旦']).toEqual(['2027-01-01', '2027-01-01']);
    // 除夕 is the last day of the twelfth lunar month of 2026 (the 29th that year).
    expect(byName['春节']).toEqual([addDays(lunar('2027-01-01'), -1), lunar('2027-01-03')]);
    expect(addDays(lunar('2027-01-01'), -1)).toBe(lunar('2026-12-29'));
    const qingming = chineseDays.getSolarTerms('2027-04-01', '2027-04-10').find((t) => t.name === '清明')?.date;
    expect(byName['清明节']).toEqual([qingming, qingming]);
    expect(byName['劳动节']).toEqual(['2027-05-01', '2027-05-02']);
    expect(byName['端午节']).toEqual([lunar('2027-05-05'), lunar('2027-05-05')]);
    expect(byName['中秋节']).toEqual([lunar('2027-08-15'), lunar('2027-08-15')]);
    expect(byName['国庆节']).toEqual(['2027-10-01', '2027-10-03']);
  });

  it('every year carries its source and the date it was checked', () => {
    for (const y of data.years) {
      expect(y.checked.on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (y.status === 'published') expect(y.source.url).toMatch(/^https:\/\/www\.gov\.cn\//);
    }
    for (const y of data.regional.years) expect(y.source.title).toMatch(/\S/);
  });
});

describe('coverage', () => {
  it('from 2026-12-01 the next 60 days reach into unconfirmed 2027', () => {
    const c = calendar.coverage('2026-12-01', 60);
    expect(c).toMatchObject({ ok: false, firstUnconfirmed: '2027-01-01', to: '2027-01-30' });
    expect(c.years).toEqual([
      { year: 2026, national: 'published', regional: 'reported', checkedOn: '2026-12-01' },
      { year: 2027, national: 'unpublished', regional: 'missing', checkedOn: '2026-12-01' },
    ]);
  });

  it('a stretch of confirmed days is ok', () => {
    expect(calendar.coverage('2026-06-01', 60)).toMatchObject({ ok: true });
  });
});
