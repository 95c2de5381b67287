import { dayNumber, fromDayNumber, weekdayOf, yearOf, type IsoDate, type Weekday } from './dates';
import type { CalendarData } from './data';
import type { HolidayRange } from './schema';

/** Why a day is or is not a working day. */
export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup';

/** What a date is in the government's calendar (national schedule + the region's holidays). */
export interface DayInfo {
  date: IsoDate;
  weekday: Weekday;
  /** A working day for time limits (工作日): not a weekend or holiday, or a 调休上班日. */
  workday: boolean;
  kind: DayKind;
  /** The holiday's name, 调休, 周末 or 工作日. */
  reason: string;
  /** The holiday this day belongs to, or the one a 调休上班日 makes up for. */
  holiday?: string;
  /** False when the day's schedule is not published or not checked: show it as 预计. */
  confirmed: boolean;
  /** Why the day is unconfirmed. */
  note?: string;
}

/** How sure the calendar is of a year. */
export interface YearCoverage {
  year: number;
  national: 'published' | 'unpublished' | 'missing';
  regional: 'confirmed' | 'reported' | 'missing';
  checkedOn?: IsoDate;
}

interface Mark {
  kind: 'holiday' | 'makeup';
  name: string;
  confirmed: boolean;
  note?: string;
}

function eachDate(h: HolidayRange, f: (d: IsoDate) => void): void {
  for (let n = dayNumber(h.from); n <= dayNumber(h.to); n++) f(fromDayNumber(n));
}

/** The day table: every listed holiday and make-up day; every other date follows the week. */
export function createDayTable(data: CalendarData) {
  const marks = new Map<IsoDate, Mark>();
  const national = new Map(data.years.map((y) => [y.year, y]));
  const regional = new Map(data.regional.years.map((y) => [y.year, y]));

  for (const y of data.years) {
    const confirmed = y.status === 'published';
    const holidays = y.status === 'published' ? y.holidays : y.estimatedHolidays;
    for (const h of holidays) eachDate(h, (d) => marks.set(d, { kind: 'holiday', name: h.name, confirmed }));
    if (y.status === 'published') for (const m of y.makeupWorkdays) marks.set(m.date, { kind: 'makeup', name: m.for, confirmed });
  }
  for (const y of data.regional.years) {
    const confirmed = y.status === 'confirmed';
    const note = confirmed ? undefined : `${data.regional.region}${y.year}年放假通知原文未核实，日期据转载`;
    for (const h of y.holidays) {
      eachDate(h, (d) => {
        const before = marks.get(d);
        // A regional holiday on a national one: one day off with both names; on a make-up day it wins.
        const name = before?.kind === 'holiday' && before.name !== h.name ? `${before.name}、${h.name}` : h.name;
        marks.set(d, { kind: 'holiday', name, confirmed: confirmed && (before?.confirmed ?? true), note });
      });
    }
    for (const m of y.makeupWorkdays) if (marks.get(m.date)?.kind !== 'holiday') marks.set(m.date, { kind: 'makeup', name: m.for, confirmed, note });
  }

  function yearNote(year: number): string | undefined {
    const y = national.get(year);
    if (!y) return `${year}年的放假安排没有录入，按普通周历推算`;
    if (y.status === 'unpublished') return `${year}年全国放假安排尚未发布（${y.checked.on}核对），按法定节日推算`;
    if (data.regional.yearlyNotice && !regional.has(year)) return `${data.regional.region}${year}年放假通知尚未录入`;
    return undefined;
  }

  // The table never changes: remember each day asked for (bounded, as dates come from residents too).
  const cache = new Map<IsoDate, DayInfo>();
  function dayInfo(date: IsoDate): DayInfo {
    let info = cache.get(date);
    if (!info) {
      if (cache.size >= 50_000) cache.clear();
      info = Object.freeze(classify(date));
      cache.set(date, info);
    }
    return info;
  }

  function classify(date: IsoDate): DayInfo {
    const weekday = weekdayOf(date);
    const mark = marks.get(date);
    const yNote = yearNote(yearOf(date));
    const confirmed = !yNote && (mark?.confirmed ?? true);
    const note = yNote ?? (mark && !mark.confirmed ? mark.note : undefined);
    const base = { date, weekday, confirmed, ...(note ? { note } : {}) };
    if (mark?.kind === 'holiday') return { ...base, workday: false, kind: 'holiday', reason: mark.name, holiday: mark.name };
    if (mark?.kind === 'makeup') return { ...base, workday: true, kind: 'makeup', reason: '调休', holiday: mark.name };
    if (weekday === 'sat' || weekday === 'sun') return { ...base, workday: false, kind: 'weekend', reason: '周末' };
    return { ...base, workday: true, kind: 'workday', reason: '工作日' };
  }

  function coverageOf(year: number): YearCoverage {
    const n = national.get(year);
    const r = regional.get(year);
    return { year, national: n?.status ?? 'missing', regional: r?.status ?? 'missing', ...(n ? { checkedOn: n.checked.on } : {}) };
  }

  return { dayInfo, coverageOf, years: () => [...new Set([...national.keys(), ...regional.keys()])].sort() };
}

export type DayTable = ReturnType<typeof createDayTable>;
