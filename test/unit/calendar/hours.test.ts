import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog, type Catalog } from '../../../integrations/govservice/catalog/index';
import { describeToday, describeWeek } from '../../../integrations/govservice/catalog/halls';
import { checkSchedule } from '../../../integrations/govservice/calendar/hours';
import type { ScheduleSpec, WorkCalendar } from '../../../integrations/govservice/calendar/index';

let catalog: Catalog;
let calendar: WorkCalendar;
beforeAll(async () => {
  catalog = await loadCatalog();
  calendar = catalog.calendar;
});

const at = (local: string) => new Date(`${local}+08:00`);
const WINTER = ['10:00-14:00', '15:30-19:30'];
const SUMMER = ['10:00-14:00', '16:00-20:00'];

describe('hall hours from the calendar', () => {
  it.each([
    // date, hall, open, hours, season
    ['2026-10-01', 'city-center', false, [], '冬季作息'], // 国庆: closed
    ['2026-09-20', 'city-center', true, SUMMER, '夏季作息'], // a Sunday worked: weekday hours, still summer
    ['2026-10-10', 'city-center', true, WINTER, '冬季作息'], // a Saturday worked: weekday hours, winter from 10月1日
    ['2026-12-01', 'tianshan-center', true, WINTER, '冬季作息'], // #16: no longer on summer hours in winter
    ['2026-06-01', 'tianshan-center', true, SUMMER, '夏季作息'],
    ['2026-04-30', 'toutunhe-center', true, WINTER, '冬季作息'],
    ['2026-05-06', 'toutunhe-center', true, SUMMER, '夏季作息'],
    ['2026-12-05', 'city-center', false, [], '冬季作息'], // a Saturday: the hall is closed …
    ['2026-12-05', 'vehicle-office', false, [], '冬季作息'],
    ['2026-12-31', 'realestate-hall', false, [], '冬季作息'], // the hall's own closure
    ['2026-12-31', 'city-center', true, WINTER, '冬季作息'],
  ] as const)('%s at %s: open %s %j', (date, hall, open, hours, season) => {
    expect(calendar.dayInfo(date, hall)).toMatchObject({ open, hours, season });
  });

  it('window groups keep their own hours: Saturday mornings at two windows', () => {
    expect(calendar.dayInfo('2026-12-05', 'city-center', '一件事综合窗口')).toMatchObject({ open: true, hours: ['10:30-14:00'] });
    expect(calendar.dayInfo('2026-12-05', 'city-center', 'A区 公安户政窗口')).toMatchObject({ open: false, hours: [] });
    expect(calendar.dayInfo('2026-12-05', 'city-center').windows).toEqual([{ window: '一件事综合窗口', hours: ['10:30-14:00'] }]);
    expect(calendar.dayInfo('2026-12-05', 'vehicle-office', '驾驶证业务窗口')).toMatchObject({ open: true, hours: ['10:30-14:00'] });
    // … but never on a holiday, and on a worked Saturday they keep weekday hours.
    expect(calendar.dayInfo('2026-10-03', 'vehicle-office', '驾驶证业务窗口')).toMatchObject({ open: false });
    expect(calendar.dayInfo('2026-10-10', 'vehicle-office', '驾驶证业务窗口')).toMatchObject({ open: true, hours: WINTER });
  });

  it('open periods, open-at and the next opening follow the midday break', () => {
    const periods = calendar.openPeriods('city-center', '2026-12-01');
    expect(periods.map((p) => [p.range, p.start.toISOString(), p.end.toISOString()])).toEqual([
      ['10:00-14:00', at('2026-12-01T10:00:00').toISOString(), at('2026-12-01T14:00:00').toISOString()],
      ['15:30-19:30', at('2026-12-01T15:30:00').toISOString(), at('2026-12-01T19:30:00').toISOString()],
    ]);
    expect(calendar.isOpenAt('city-center', at('2026-12-01T13:59:00'))).toBe(true);
    expect(calendar.isOpenAt('city-center', at('2026-12-01T14:30:00'))).toBe(false);
    expect(calendar.isOpenAt('city-center', at('2026-12-01T19:30:00'))).toBe(false);
    expect(calendar.isOpenAt('city-center', at('2026-10-01T11:00:00'))).toBe(false);
    expect(calendar.nextOpenPeriod('city-center', at('2026-12-01T14:30:00'))?.range).toBe('15:30-19:30');
    expect(calendar.nextOpenPeriod('city-center', at('2026-12-01T11:00:00'))?.range).toBe('10:00-14:00'); // open now
    const afterHoliday = calendar.nextOpenPeriod('city-center', at('2026-09-30T20:30:00'));
    expect(afterHoliday).toMatchObject({ date: '2026-10-08', range: '10:00-14:00', confirmed: true });
    expect(calendar.nextOpenPeriod('city-center', at('2026-12-31T20:00:00'))).toMatchObject({ date: '2027-01-04', confirmed: false });
  });

  it('cuts booking slots that never span the midday break', () => {
    const slots = calendar.timeSlots('city-center', '2026-12-01', 90).map((s) => s.range);
    expect(slots).toEqual(['10:00-11:30', '11:30-13:00', '15:30-17:00', '17:00-18:30']);
    expect(calendar.timeSlots('city-center', '2026-10-01', 30)).toEqual([]);
    expect(() => calendar.timeSlots('city-center', '2026-12-01', 0)).toThrow(RangeError);
  });

  it('next open days of a hall include its Saturday windows; working days do not', () => {
    expect(calendar.nextOpenDays('vehicle-office', '2026-12-03', 3, { window: '驾驶证业务窗口' }).map((d) => d.date)).toEqual(['2026-12-04', '2026-12-05', '2026-12-07']);
    expect(calendar.nextOpenDays('vehicle-office', '2026-12-03', 3).map((d) => d.date)).toEqual(['2026-12-04', '2026-12-07', '2026-12-08']);
  });

  it('names an unknown hall', () => {
    expect(() => calendar.dayInfo('2026-12-01', 'nowhere')).toThrow(/unknown hall or schedule "nowhere".*city-center/);
  });
});

describe('working time (SLA clocks) on a schedule with several periods a day', () => {
  // An agent team's desk: three periods on weekdays, Saturday mornings; it has no seasons.
  const desk: ScheduleSpec = {
    id: 'agent-desk',
    hours: [{ week: { mon: ['09:00-12:00', '13:00-17:00', '18:00-21:00'], tue: ['09:00-12:00', '13:00-17:00', '18:00-21:00'], wed: ['09:00-12:00', '13:00-17:00', '18:00-21:00'], thu: ['09:00-12:00', '13:00-17:00', '18:00-21:00'], fri: ['09:00-12:00', '13:00-17:00', '18:00-21:00'], sat: ['09:00-12:00'], sun: [] } }],
    specialDays: [],
  };
  let withDesk: WorkCalendar;
  beforeAll(() => {
    withDesk = calendar.withSchedules([desk]);
  });

  it('counts only open time between two instants', () => {
    const h = 3_600_000;
    expect(withDesk.workingTimeBetween('agent-desk', at('2026-12-01T11:00:00'), at('2026-12-01T14:00:00'))).toBe(2 * h);
    // Friday 20:00 → Monday 10:00: 1 h Friday + 3 h Saturday + 1 h Monday.
    expect(withDesk.workingTimeBetween('agent-desk', at('2026-12-04T20:00:00'), at('2026-12-07T10:00:00'))).toBe(5 * h);
    // Over 国庆: nothing from 10-01 to 10-07.
    expect(withDesk.workingTimeBetween('agent-desk', at('2026-09-30T20:00:00'), at('2026-10-08T09:30:00'))).toBe(1.5 * h);
    expect(withDesk.workingTimeBetween('agent-desk', at('2026-12-02T10:00:00'), at('2026-12-01T10:00:00'))).toBe(0);
  });

  it('adds working time: an SLA of 4 working hours', () => {
    const due = withDesk.addWorkingTime('agent-desk', at('2026-12-04T19:30:00'), 4 * 3_600_000);
    // Friday 19:30-21:00 (1.5 h), Saturday 09:00-11:30 (2.5 h).
    expect(due).toEqual({ due: at('2026-12-05T11:30:00'), confirmed: true });
    expect(withDesk.addWorkingTime('agent-desk', at('2026-12-31T20:00:00'), 2 * 3_600_000)).toEqual({ due: at('2027-01-02T10:00:00'), confirmed: false });
    expect(withDesk.addWorkingTime('agent-desk', at('2026-12-01T03:00:00'), 0).due).toEqual(at('2026-12-01T09:00:00'));
  });

  it('keeps the halls and replaces a schedule of the same id', () => {
    expect(withDesk.scheduleIds()).toEqual([...calendar.scheduleIds(), 'agent-desk']);
    const later = withDesk.withSchedules([{ ...desk, hours: [{ week: { ...desk.hours[0]!.week, sat: [] } }] }]);
    expect(later.dayInfo('2026-12-05', 'agent-desk').open).toBe(false);
    expect(later.scheduleIds().filter((id) => id === 'agent-desk')).toHaveLength(1);
  });
});

describe('checkSchedule', () => {
  const seasons = [
    { id: 'summer', name: '夏季作息', from: '05-01' },
    { id: 'winter', name: '冬季作息', from: '10-01' },
  ];
  const week = { mon: ['10:00-14:00'], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
  const problems = (spec: Partial<ScheduleSpec>) => checkSchedule({ id: 'h', hours: [], specialDays: [], ...spec }, seasons, 'halls.yaml').map((p) => `${p.field}: ${p.message}`);

  it('accepts one undated hall-wide rule per season and dated or window rules on top', () => {
    expect(problems({ hours: [{ season: 'summer', week }, { season: 'winter', week }, { season: 'winter', windows: ['A'], week }, { from: '2027-01-01', week }] })).toEqual([]);
    expect(problems({ hours: [{ week }] })).toEqual([]);
  });

  it('names a season without hours, an unknown season, overlapping rules and bad ranges', () => {
    expect(problems({ hours: [{ season: 'summer', week }] })).toEqual(['hours: no hall-wide hours without dates for 冬季作息 (season: winter)']);
    expect(problems({ hours: [{ week }, { season: 'spring', week }] })).toContain('hours.1.season: unknown season "spring" (one of summer, winter)');
    expect(problems({ hours: [{ week }, { season: 'winter', week }] })).toEqual([]); // a season rule over an all-year rule is fine …
    expect(problems({ hours: [{ week }, { week }] })[0]).toMatch(/^hours.1: applies to the same days as hours.0/); // … two all-year rules are not
    expect(problems({ hours: [{ week }, { from: '2027-01-01', to: '2027-06-30', week }, { from: '2027-06-01', week }] })[0]).toMatch(/^hours.2: applies to the same days as hours.1/);
    expect(problems({ hours: [{ week: { ...week, tue: ['15:30-19:30', '10:00-14:00'] } }] })).toEqual(['hours.0.week.tue.1: range "10:00-14:00" must start after the previous one and end after it starts']);
    expect(problems({ hours: [{ week }], specialDays: [{ from: '2026-12-31', hours: ['14:00-10:00'], reason: 'x' }] })).toEqual(['specialDays.0.hours.0: range "14:00-10:00" must start after the previous one and end after it starts']);
  });
});

describe('"今天办公" wording', () => {
  it.each([
    ['2026-10-01T10:00:00', 'city-center', undefined, '今天（国庆节）休息，10月8日（周四）起正常办公'],
    ['2026-10-07T10:00:00', 'city-center', undefined, '今天（国庆节）休息，明天起正常办公'],
    ['2026-09-20T10:00:00', 'city-center', undefined, '今天（周日，调休上班）办公：10:00-14:00、16:00-20:00'],
    ['2026-10-10T10:00:00', 'city-center', undefined, '今天（周六，调休上班）办公：10:00-14:00、15:30-19:30'],
    ['2026-02-17T10:00:00', 'tianshan-center', undefined, '今天（春节）休息，2月24日（周二）起正常办公'],
    ['2026-12-02T10:00:00', 'tianshan-center', undefined, '今天（周三）办公：10:00-14:00、15:30-19:30'],
    ['2026-12-05T10:00:00', 'city-center', undefined, '今天（周六）只开一件事综合窗口：10:30-14:00'],
    ['2026-12-05T10:00:00', 'city-center', '一件事综合窗口', '今天（周六）办公：10:30-14:00'],
    ['2026-12-06T10:00:00', 'city-center', undefined, '今天（周日）休息，明天起正常办公'],
    ['2026-12-31T10:00:00', 'realestate-hall', undefined, '今天（周四）不办公（年终登记系统切换），2027年1月4日（周一）起正常办公（预计，以大厅公告为准）'],
    ['2027-01-01T10:00:00', 'city-center', undefined, '今天（元旦）休息，1月4日（周一）起正常办公（预计，以大厅公告为准）'],
    ['2027-01-05T10:00:00', 'city-center', undefined, '今天（周二）办公：10:00-14:00、15:30-19:30（预计，以大厅公告为准）'],
    ['2026-03-20T10:00:00', 'city-center', undefined, '今天（肉孜节）休息，3月23日（周一）起正常办公（预计，以大厅公告为准）'],
  ] as const)('%s at %s %s: %s', (local, hallId, window, expected) => {
    const hall = catalog.getHall(hallId);
    if (!hall) throw new Error(hallId);
    expect(describeToday(calendar, hall, at(local), window)).toBe(expected);
  });

  it("describes the week in force, with the season's name", () => {
    const hall = catalog.getHall('tianshan-center');
    if (!hall) throw new Error('tianshan-center');
    expect(describeWeek(calendar, hall, at('2026-12-01T10:00:00'))).toBe('周一至周五 10:00-14:00、15:30-19:30；周六至周日 休息（冬季作息）');
    expect(describeWeek(calendar, hall, at('2026-07-01T10:00:00'))).toBe('周一至周五 10:00-14:00、16:00-20:00；周六至周日 休息（夏季作息）');
    const vehicle = catalog.getHall('vehicle-office');
    if (!vehicle) throw new Error('vehicle-office');
    expect(describeWeek(calendar, vehicle, at('2026-12-01T10:00:00'), '驾驶证业务窗口')).toBe('周一至周五 10:00-14:00、15:30-19:30；周六 10:30-14:00；周日 休息（冬季作息）');
  });
});
