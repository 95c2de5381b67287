import { addDays, assertIsoDate, dateOf, formatClock, minutesOf, msAt, parseRange, toMs, type Instant, type IsoDate } from './dates';
import type { CalendarData } from './data';
import { createDayTable, type DayInfo, type YearCoverage } from './days';
import { ruleFor, scheduleDay, seasonOf, type ScheduleDay } from './hours';
import { createLimits, MAX_SCAN_DAYS, type DatedResult, type Deadline, type DeadlineOptions, type TimeLimit } from './limits';
import type { ScheduleSpec, WeekHours } from './schema';

/** One open stretch of a schedule on one day. */
export interface OpenPeriod {
  date: IsoDate;
  start: Date;
  end: Date;
  /** `HH:MM-HH:MM`. */
  range: string;
  /** Whether that day's schedule is confirmed (else 预计). */
  confirmed: boolean;
}

/** What the calendar knows about the coming days, for the start-up and health warning. */
export interface Coverage {
  from: IsoDate;
  to: IsoDate;
  /** Every day in [from, to] is confirmed. */
  ok: boolean;
  firstUnconfirmed?: IsoDate;
  note?: string;
  years: YearCoverage[];
}

/**
 * The working-day calendar: the national schedule with 调休, the region's holidays and seasons,
 * and opening hours per schedule (each hall is a schedule; its window groups may differ).
 * Pure: no clock, no I/O — pass `now` in. Dates are local (Asia/Shanghai) `YYYY-MM-DD`.
 */
export interface WorkCalendar {
  /** What a date is: working day or not, why, and whether its schedule is confirmed. */
  dayInfo(date: IsoDate): DayInfo;
  /** The same for a hall (any schedule id), with its hours that day; `window` picks a window group. */
  dayInfo(date: IsoDate, scheduleId: string, window?: string): ScheduleDay;
  isWorkday(date: IsoDate): boolean;
  /** The local date of an instant. */
  dateOf(instant: Instant): IsoDate;
  /** The n-th working day after `date` (n > 0), before it (n < 0), or `date` or the next working day (n = 0). */
  addWorkingDays(date: IsoDate, n: number): DatedResult;
  /** Working days d with from < d ≤ to. */
  workingDaysBetween(from: IsoDate, to: IsoDate): number;
  /** The next `n` working days after `from` (or from `from` on with `includeFrom`); with a schedule, only days it is open. */
  nextWorkingDays(from: IsoDate, n: number, options?: { scheduleId?: string; window?: string; includeFrom?: boolean }): DayInfo[];
  /** The next `n` days a schedule is open, working days or not (a hall's Saturday mornings included). */
  nextOpenDays(scheduleId: string, from: IsoDate, n: number, options?: { window?: string; includeFrom?: boolean }): ScheduleDay[];
  /** When a time limit started at `start` runs out (工作日 / 日 / hours; 民法典第201、203条; pauses). */
  deadline(start: Instant | IsoDate, limit: TimeLimit, options?: DeadlineOptions): Deadline;
  /** The week table in force for a schedule on a date (season, dated rules, window group). */
  weekHours(scheduleId: string, date: IsoDate, window?: string): { week: WeekHours; season?: string };
  /** A schedule's open periods on a date (two with a midday break; none on a holiday). */
  openPeriods(scheduleId: string, date: IsoDate, window?: string): OpenPeriod[];
  isOpenAt(scheduleId: string, instant: Instant, window?: string): boolean;
  /** The period open at `from` or the next one to open. */
  nextOpenPeriod(scheduleId: string, from: Instant, window?: string): OpenPeriod | undefined;
  /** Open periods cut into slots of `minutes` (a slot never spans the midday break). */
  timeSlots(scheduleId: string, date: IsoDate, minutes: number, window?: string): OpenPeriod[];
  /** Open time between two instants, in milliseconds (SLA clocks in working time). */
  workingTimeBetween(scheduleId: string, from: Instant, to: Instant, window?: string): number;
  /** The instant `ms` of open time after `from` have passed. */
  addWorkingTime(scheduleId: string, from: Instant, ms: number, window?: string): { due: Date; confirmed: boolean };
  /** Whether the days [from, from + days] are all confirmed, and what each year's data is. */
  coverage(from: IsoDate, days: number): Coverage;
  hasSchedule(id: string): boolean;
  scheduleIds(): string[];
  /** The same calendar with more (or replaced) schedules, e.g. an agent team's hours. */
  withSchedules(specs: ScheduleSpec[]): WorkCalendar;
  readonly data: CalendarData;
}

/** Builds the calendar from validated data and schedules (halls' hours). */
export function createCalendar(data: CalendarData, schedules: ScheduleSpec[] = []): WorkCalendar {
  const table = createDayTable(data);
  const limits = createLimits(table);
  const specs = new Map(schedules.map((s) => [s.id, s]));
  const seasons = data.regional.seasons.list;

  const spec = (id: string): ScheduleSpec => {
    const found = specs.get(id);
    if (!found) throw new RangeError(`unknown hall or schedule "${id}" (known: ${[...specs.keys()].join(', ') || 'none'})`);
    return found;
  };
  const day = (date: IsoDate, id: string, window?: string) => scheduleDay(table, seasons, spec(id), assertIsoDate(date), window);

  function periods(id: string, date: IsoDate, window?: string): OpenPeriod[] {
    const d = day(date, id, window);
    return d.hours.map((range) => {
      const { start, end } = parseRange(range);
      return { date, start: new Date(msAt(date, start)), end: new Date(msAt(date, end)), range, confirmed: d.confirmed };
    });
  }

  function scan<T>(from: IsoDate, includeFrom: boolean, n: number, pick: (date: IsoDate) => T | undefined): T[] {
    const out: T[] = [];
    let d = includeFrom ? assertIsoDate(from) : addDays(assertIsoDate(from), 1);
    for (let i = 0; out.length < n; i++, d = addDays(d, 1)) {
      if (i > MAX_SCAN_DAYS) break;
      const hit = pick(d);
      if (hit !== undefined) out.push(hit);
    }
    return out;
  }

  function* periodsFrom(id: string, fromMs: number, window?: string): Generator<OpenPeriod> {
    let d = dateOf(fromMs);
    for (let i = 0; i <= MAX_SCAN_DAYS; i++, d = addDays(d, 1)) for (const p of periods(id, d, window)) if (p.end.getTime() > fromMs) yield p;
  }

  const calendar: WorkCalendar = {
    data,
    // Copies: the table's own records are frozen and shared.
    dayInfo: ((date: IsoDate, id?: string, window?: string) => (id === undefined ? { ...table.dayInfo(assertIsoDate(date)) } : day(date, id, window))) as WorkCalendar['dayInfo'],
    isWorkday: (date) => table.dayInfo(assertIsoDate(date)).workday,
    dateOf,
    addWorkingDays: limits.addWorkingDays,
    workingDaysBetween: limits.workingDaysBetween,
    deadline: limits.deadline,
    nextWorkingDays(from, n, options = {}) {
      const { scheduleId, window, includeFrom = false } = options;
      return scan(from, includeFrom, n, (d) => {
        const info = scheduleId === undefined ? { ...table.dayInfo(d) } : day(d, scheduleId, window);
        return info.workday && (!('open' in info) || info.open) ? info : undefined;
      });
    },
    nextOpenDays(id, from, n, options = {}) {
      return scan(from, options.includeFrom ?? false, n, (d) => {
        const info = day(d, id, options.window);
        return info.open ? info : undefined;
      });
    },
    openPeriods: periods,
    weekHours(id, date, window) {
      const s = spec(id);
      const season = seasonOf(seasons, assertIsoDate(date));
      const rule = ruleFor(s, date, season, window);
      return { week: rule.week, ...(season && s.hours.some((r) => r.season) ? { season: season.name } : {}) };
    },
    isOpenAt(id, instant, window) {
      const minutes = minutesOf(instant);
      return day(dateOf(instant), id, window).hours.some((r) => {
        const { start, end } = parseRange(r);
        return start <= minutes && minutes < end;
      });
    },
    nextOpenPeriod(id, from, window) {
      spec(id);
      return periodsFrom(id, toMs(from), window).next().value ?? undefined;
    },
    timeSlots(id, date, minutes, window) {
      if (!(minutes > 0)) throw new RangeError(`timeSlots(): minutes must be positive (got ${minutes})`);
      return periods(id, date, window).flatMap((p) => {
        const out: OpenPeriod[] = [];
        for (let s = p.start.getTime(); s + minutes * 60_000 <= p.end.getTime(); s += minutes * 60_000) {
          const start = new Date(s);
          const end = new Date(s + minutes * 60_000);
          const range = `${formatClock(minutesOf(start))}-${formatClock(minutesOf(end))}`;
          out.push({ date, start, end, range, confirmed: p.confirmed });
        }
        return out;
      });
    },
    workingTimeBetween(id, from, to, window) {
      const [a, b] = [toMs(from), toMs(to)];
      if (b <= a) return 0;
      let total = 0;
      for (let d = dateOf(a); d <= dateOf(b); d = addDays(d, 1)) {
        for (const p of periods(id, d, window)) total += Math.max(0, Math.min(b, p.end.getTime()) - Math.max(a, p.start.getTime()));
      }
      return total;
    },
    addWorkingTime(id, from, ms, window) {
      if (!(ms >= 0)) throw new RangeError(`addWorkingTime(): ms must be >= 0 (got ${ms})`);
      const start = toMs(from);
      let left = ms;
      let confirmed = true;
      for (const p of periodsFrom(id, start, window)) {
        const begin = Math.max(start, p.start.getTime());
        confirmed &&= p.confirmed;
        if (p.end.getTime() - begin >= left) return { due: new Date(begin + left), confirmed };
        left -= p.end.getTime() - begin;
      }
      throw new RangeError(`addWorkingTime(): "${id}" has no open time within ten years`);
    },
    coverage(from, days) {
      const to = addDays(assertIsoDate(from), days);
      const u = limits.firstUnconfirmed(from, to);
      const years: YearCoverage[] = [];
      for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++) years.push(table.coverageOf(y));
      return { from, to, ok: !u, ...(u ? { firstUnconfirmed: u.date, ...(u.note ? { note: u.note } : {}) } : {}), years };
    },
    hasSchedule: (id) => specs.has(id),
    scheduleIds: () => [...specs.keys()],
    withSchedules: (more) => createCalendar(data, [...specs.values(), ...more].filter((s, i, all) => all.findLastIndex((x) => x.id === s.id) === i)),
  };
  return calendar;
}
