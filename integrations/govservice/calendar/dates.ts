/**
 * Local dates and instants for the calendar. Every date is a civil date in China Standard Time
 * (UTC+8, no daylight saving since 1991): halls in this region keep Beijing time.
 */

/** A civil date, `YYYY-MM-DD`. */
export type IsoDate = string;
/** A point in time: a Date or epoch milliseconds. */
export type Instant = Date | number;

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The calendar's time zone, for Intl formatting elsewhere. */
export const CALENDAR_TIME_ZONE = 'Asia/Shanghai';
const OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written `YYYY-MM-DD` (2026-02-30 is not). */
export function isIsoDate(value: string): boolean {
  const m = ISO.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d;
}

/** Throws a RangeError naming the value unless it is a real `YYYY-MM-DD` date. */
export function assertIsoDate(value: string, what = 'date'): IsoDate {
  if (!isIsoDate(value)) throw new RangeError(`${what} "${value}" is not a date like 2026-10-01`);
  return value;
}

// Deadlines and slot searches walk day by day: each date's number and each number's date are
// worked out once (bounded: dates also come from residents).
const numberOfDate = new Map<IsoDate, number>();
const dateOfNumber = new Map<number, IsoDate>();
const MEMO_LIMIT = 20_000;

/** Days since 1970-01-01. */
export function dayNumber(date: IsoDate): number {
  let n = numberOfDate.get(date);
  if (n === undefined) {
    const m = ISO.exec(date);
    if (!m) throw new RangeError(`"${date}" is not a date like 2026-10-01`);
    n = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
    if (numberOfDate.size >= MEMO_LIMIT) numberOfDate.clear();
    numberOfDate.set(date, n);
  }
  return n;
}

export function fromDayNumber(n: number): IsoDate {
  let date = dateOfNumber.get(n);
  if (date === undefined) {
    date = new Date(n * DAY_MS).toISOString().slice(0, 10);
    if (dateOfNumber.size >= MEMO_LIMIT) dateOfNumber.clear();
    dateOfNumber.set(n, date);
  }
  return date;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(dayNumber(date) + days);
}

export function weekdayOf(date: IsoDate): Weekday {
  // 1970-01-01 was a Thursday.
  return WEEKDAYS[(((dayNumber(date) + 3) % 7) + 7) % 7] as Weekday;
}

export function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4));
}

/** `MM-DD`, for yearly rules such as a season's first day. */
export function monthDayOf(date: IsoDate): string {
  return date.slice(5);
}

export function toMs(instant: Instant): number {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('invalid instant');
  return ms;
}

/** The local date of an instant. */
export function dateOf(instant: Instant): IsoDate {
  return fromDayNumber(Math.floor((toMs(instant) + OFFSET_MS) / DAY_MS));
}

/** Epoch ms of a local date at `minutes` after midnight (1440 = the next midnight, 24:00). */
export function msAt(date: IsoDate, minutes = 0): number {
  return dayNumber(date) * DAY_MS - OFFSET_MS + minutes * 60_000;
}

/** Minutes after local midnight of an instant. */
export function minutesOf(instant: Instant): number {
  return Math.floor((((toMs(instant) + OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS / 60_000);
}

/** `HH:MM` → minutes after midnight. */
export function parseClock(text: string): number {
  const [h = '', m = ''] = text.split(':');
  return Number(h) * 60 + Number(m);
}

/** A time range `HH:MM-HH:MM` → minutes after midnight. */
export function parseRange(range: string): { start: number; end: number } {
  const [start = '', end = ''] = range.split('-');
  return { start: parseClock(start), end: parseClock(end) };
}

export function formatClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
