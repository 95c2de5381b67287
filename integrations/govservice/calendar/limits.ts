import { z } from 'zod';
import { addDays, dateOf, isIsoDate, msAt, toMs, type Instant, type IsoDate } from './dates';
import type { DayTable } from './days';

/** How far any search looks ahead before giving up (ten years). */
export const MAX_SCAN_DAYS = 3660;

/**
 * A time limit. `workday`: 工作日, skipping weekends and holidays and counting 调休上班日.
 * `day`: 日 (natural days); ending on a rest day it moves to the next working day (民法典第203条).
 * `hour`: natural hours on the clock. Day limits start the day after `start` (民法典第201条)
 * unless `startRule` is `same-day` (some local 12345 rules count the day of receipt).
 */
export const TimeLimitSchema = z
  .object({
    amount: z.number().positive(),
    unit: z.enum(['workday', 'day', 'hour']),
    startRule: z.enum(['next-day', 'same-day']).default('next-day'),
  })
  .refine((l) => l.unit === 'hour' || Number.isInteger(l.amount), { message: 'day limits need a whole number of days', path: ['amount'] });
export type TimeLimit = z.input<typeof TimeLimitSchema>;

/**
 * A stretch when the clock stops (补正, a suspension). For day limits every local date from the
 * date of `from` through the date of `to` is left out; for hour limits the time [from, to).
 * A bare date as `to` means the end of that day.
 */
export interface PauseInterval {
  from: Instant | IsoDate;
  to: Instant | IsoDate;
}

export interface DeadlineOptions {
  pausedIntervals?: PauseInterval[];
}

// A table's limits are checked once each (they are the same objects on every call).
const checkedLimits = new WeakMap<TimeLimit, z.output<typeof TimeLimitSchema>>();
function parsedLimit(limit: TimeLimit): z.output<typeof TimeLimitSchema> {
  let parsed = checkedLimits.get(limit);
  if (!parsed) checkedLimits.set(limit, (parsed = TimeLimitSchema.parse(limit)));
  return parsed;
}

/** When a time limit runs out. */
export interface Deadline {
  /** The last day of the limit (local date). */
  dueDate: IsoDate;
  /** The instant it runs out: 24:00 of `dueDate` for day limits (民法典第203条), start + hours (+ pauses) for hour limits. */
  due: Date;
  /** False when a day the result depends on is unconfirmed: show it as 预计. */
  confirmed: boolean;
  /** Why it is unconfirmed. */
  note?: string;
  /** The rest day the end was moved off (day limits, 民法典第203条). */
  movedFrom?: IsoDate;
  /** Days (day limits) or milliseconds (hour limits) the pauses added. */
  paused: number;
}

/** A working-day result: the date and whether its schedule is confirmed. */
export interface DatedResult {
  date: IsoDate;
  confirmed: boolean;
  note?: string;
}

function pauseMs(p: PauseInterval): { from: number; to: number } {
  const from = typeof p.from === 'string' ? msAt(assertDate(p.from)) : toMs(p.from);
  const to = typeof p.to === 'string' ? msAt(assertDate(p.to), 1440) : toMs(p.to);
  if (to < from) throw new RangeError('pause ends before it starts');
  return { from, to };
}

function assertDate(value: string): IsoDate {
  if (!isIsoDate(value)) throw new RangeError(`"${value}" is not a date like 2026-10-01`);
  return value;
}

function pausedDates(pauses: PauseInterval[]): Set<IsoDate> {
  const out = new Set<IsoDate>();
  for (const p of pauses) {
    const { from, to } = pauseMs(p);
    const last = typeof p.to === 'string' ? p.to : dateOf(to);
    for (let d = dateOf(from); d <= last; d = addDays(d, 1)) out.add(d);
  }
  return out;
}

export function createLimits(table: DayTable) {
  /** The first unconfirmed day in [from, to], if any. */
  function firstUnconfirmed(from: IsoDate, to: IsoDate): { date: IsoDate; note?: string } | undefined {
    for (let d = from; d <= to; d = addDays(d, 1)) {
      const info = table.dayInfo(d);
      if (!info.confirmed) return { date: d, note: info.note };
    }
    return undefined;
  }

  function dated(date: IsoDate, from: IsoDate): DatedResult {
    const lo = from < date ? from : date;
    const hi = from < date ? date : from;
    const u = firstUnconfirmed(lo, hi);
    return { date, confirmed: !u, ...(u?.note ? { note: u.note } : {}) };
  }

  /**
   * The n-th working day after `date` (n > 0), before it (n < 0), or `date` itself when it is a
   * working day and the next one otherwise (n = 0).
   */
  function addWorkingDays(date: IsoDate, n: number): DatedResult {
    assertDate(date);
    if (!Number.isInteger(n)) throw new RangeError(`addWorkingDays(): n must be a whole number (got ${n})`);
    const step = n < 0 ? -1 : 1;
    let d = date;
    let left = Math.abs(n);
    if (n === 0) {
      for (let i = 0; !table.dayInfo(d).workday; i++, d = addDays(d, 1)) if (i > MAX_SCAN_DAYS) throw new RangeError('no working day found');
      return dated(d, date);
    }
    for (let i = 0; left > 0; i++) {
      if (i > MAX_SCAN_DAYS) throw new RangeError('no working day found');
      d = addDays(d, step);
      if (table.dayInfo(d).workday) left--;
    }
    return dated(d, date);
  }

  /** Working days d with from < d ≤ to (negative when `to` is before `from`). */
  function workingDaysBetween(from: IsoDate, to: IsoDate): number {
    assertDate(from);
    assertDate(to);
    if (to < from) return -workingDaysBetween(to, from);
    let count = 0;
    for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (table.dayInfo(d).workday) count++;
    return count;
  }

  /** When a time limit that started at `start` (the acceptance) runs out, with the clock paused during `pausedIntervals`. */
  function deadline(start: Instant | IsoDate, limit: TimeLimit, options: DeadlineOptions = {}): Deadline {
    const { amount, unit, startRule } = parsedLimit(limit);
    const pauses = options.pausedIntervals ?? [];
    if (unit === 'hour') {
      if (typeof start === 'string') throw new RangeError('an hour limit needs an instant to start from, not a date');
      let t = toMs(start);
      let left = amount * 3_600_000;
      let paused = 0;
      for (const p of pauses.map(pauseMs).sort((a, b) => a.from - b.from)) {
        if (p.to <= t) continue;
        if (p.from > t) {
          if (p.from - t >= left) break;
          left -= p.from - t;
        }
        paused += p.to - Math.max(p.from, t);
        t = p.to;
      }
      const due = new Date(t + left);
      return { dueDate: dateOf(due), due, confirmed: true, paused };
    }

    const first = typeof start === 'string' ? assertDate(start) : dateOf(start);
    const skip = pausedDates(pauses);
    let d = startRule === 'same-day' ? first : addDays(first, 1);
    let counted = 0;
    let paused = 0;
    for (let i = 0; ; i++, d = addDays(d, 1)) {
      if (i > MAX_SCAN_DAYS) throw new RangeError('deadline(): no end within ten years');
      if (skip.has(d)) {
        paused++;
        continue;
      }
      if (unit === 'day' || table.dayInfo(d).workday) counted++;
      if (counted === amount) break;
    }
    let dueDate = d;
    let movedFrom: IsoDate | undefined;
    if (unit === 'day' && !table.dayInfo(d).workday) {
      movedFrom = d;
      dueDate = addWorkingDays(d, 0).date;
    }
    // Natural days count whatever the calendar says: only the end (and the days it moved over) can be uncertain.
    const u = unit === 'day' ? firstUnconfirmed(d, dueDate) : firstUnconfirmed(first, dueDate);
    return {
      dueDate,
      due: new Date(msAt(dueDate, 1440)),
      confirmed: !u,
      ...(u?.note ? { note: u.note } : {}),
      ...(movedFrom ? { movedFrom } : {}),
      paused,
    };
  }

  return { addWorkingDays, workingDaysBetween, deadline, firstUnconfirmed };
}

/** True once `now` has reached the deadline (for 督办 of overdue work orders). */
export function isOverdue(d: Pick<Deadline, 'due'>, now: Instant): boolean {
  return toMs(now) >= d.due.getTime();
}

