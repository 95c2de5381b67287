import { addDays, weekdayOf, WEEKDAYS, yearOf, type IsoDate, type Weekday } from './dates';
import type { WeekHours } from './schema';

/** Residents' wording for dates, due dates and week tables. */

export const WEEKDAY_NAMES: Record<Weekday, string> = { mon: '周一', tue: '周二', wed: '周三', thu: '周四', fri: '周五', sat: '周六', sun: '周日' };

/** 「10月8日」, 「10月8日（周四）」 or 「2027年1月4日（周一）」. */
export function formatDate(date: IsoDate, options: { weekday?: boolean; year?: boolean } = {}): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${options.year ? `${y}年` : ''}${m}月${d}日${options.weekday ? `（${WEEKDAY_NAMES[weekdayOf(date)]}）` : ''}`;
}

/**
 * A date a resident relies on (a booking, a promised completion): 「12月15日（周二）」, the year
 * when it is not this year's, and 「预计」 when its schedule is unconfirmed — 「2027年1月15日（周五，预计）」.
 */
export function formatDue(date: IsoDate, confirmed: boolean, today?: IsoDate): string {
  const withYear = today !== undefined && yearOf(today) !== yearOf(date);
  return `${formatDate(date, { year: withYear })}（${WEEKDAY_NAMES[weekdayOf(date)]}${confirmed ? '' : '，预计'}）`;
}

/** 「明天」 for tomorrow, else 「10月8日（周四）」. */
export function relativeDate(date: IsoDate, today: IsoDate): string {
  if (date === addDays(today, 1)) return '明天';
  return formatDate(date, { weekday: true, year: yearOf(date) !== yearOf(today) });
}

/** 「周一至周五 10:00-14:00、15:30-19:30；周六至周日 休息」 — consecutive days with equal hours grouped. */
export function describeWeekHours(week: WeekHours): string {
  const groups: { from: Weekday; to: Weekday; ranges: string }[] = [];
  for (const day of WEEKDAYS) {
    const ranges = week[day].join('、');
    const last = groups.at(-1);
    if (last && last.ranges === ranges) last.to = day;
    else groups.push({ from: day, to: day, ranges });
  }
  return groups.map((g) => `${WEEKDAY_NAMES[g.from]}${g.from === g.to ? '' : `至${WEEKDAY_NAMES[g.to]}`} ${g.ranges || '休息'}`).join('；');
}
