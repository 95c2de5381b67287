import dayjs, { type Dayjs } from 'dayjs';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);

// One formatter per time zone: building Intl formatters is the expensive part.
const formatters = new Map<string, Intl.DateTimeFormat>();
function ymdFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when y-m-d is a real calendar date (no 31 February). */
export function isRealDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= daysInMonth(y, m);
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** `YYYY-MM-DD` of the day `now` falls on in `timeZone`. */
export function localYmd(now: number | Date, timeZone: string): string {
  return ymdFormatter(timeZone).format(now);
}

/**
 * The local calendar day of `now` in `timeZone`, as a UTC-mode dayjs at midnight: calendar
 * arithmetic (add days, weekdays, comparisons) then never meets offsets or DST.
 */
export function localToday(now: number, timeZone: string): Dayjs {
  return dayjs.utc(localYmd(now, timeZone));
}

/** A calendar date as a UTC-mode dayjs at midnight. */
export function calendarDate(y: number, m: number, d: number): Dayjs {
  return dayjs.utc(Date.UTC(y, m - 1, d));
}

export { dayjs };
