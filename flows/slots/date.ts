import type { Dayjs } from 'dayjs';
import { parseLooseNumber } from './cn-number';
import { calendarDate, daysInMonth, isRealDate, localToday } from './calendar';
import { accept, reject, type SlotResult } from './result';

export interface DateOptions {
  now: number;
  timeZone: string;
  notPast?: boolean;
  notFuture?: boolean;
  maxDaysAhead?: number;
}

const WEEKDAYS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 7 };
const RELATIVE: Record<string, number> = { 今天: 0, 今日: 0, 明天: 1, 明日: 1, 后天: 2, 大后天: 3, 昨天: -1, 昨日: -1, 前天: -2, 大前天: -3 };
const NUM = '(\\d{1,4}|[零〇一二两三四五六七八九十]{1,3})';
// Built once: dates are looked for in nearly every message.
const RELATIVE_LONGEST_FIRST = Object.entries(RELATIVE).sort((a, b) => b[0].length - a[0].length);
const WEEK = /(下下|下个|下|本|这个|这|上个|上)?(?:周|星期|礼拜)([一二三四五六日天1-7])/;
const FULL = new RegExp(`(\\d{4})\\s*[年\\-/.]\\s*${NUM}\\s*[月\\-/.]\\s*${NUM}\\s*[日号]?`);
const MONTH_DAY = new RegExp(`${NUM}\\s*(?:月|/|\\.|-)\\s*${NUM}\\s*(?:日|号)?`);
const IN_MONTH = new RegExp(`(下个?月|上个?月|本月|这个?月)${NUM}(?:日|号)`);
const DAY_ONLY = new RegExp(`^${NUM}(?:日|号)$`);
// Every date expression has a digit or one of these; a message without any holds no date.
const MAY_HOLD_DATE = /[\d零〇一二两三四五六七八九十今明后昨前周期拜月日号天]/u;

/**
 * Dates as residents write them: 今天/明天/后天, 下周一/本周五/周三, 12月3日/12月3号/12.3/12/3,
 * 2026-12-03/2026年12月3日/2026/12/3. A month-day without a year means its next occurrence.
 * Returns `YYYY-MM-DD`, or a reason (31 February, in the past, too far ahead).
 */
export function parseDate(text: string, options: DateOptions): SlotResult {
  return findDateIn(text, options)?.result ?? reject();
}

/**
 * The date expression inside a longer message ("上周五去的，等了三个小时"): the verdict and the
 * words that said it, so the rest of the message can be read for other things. Undefined when the
 * message holds no date expression at all.
 */
export function findDateIn(text: string, options: DateOptions): { result: SlotResult; match: string } | undefined {
  const t = text.replace(/\s+/g, '');
  if (!MAY_HOLD_DATE.test(t)) return undefined;
  const today = localToday(options.now, options.timeZone);
  const found = findDate(t, today, options.notFuture === true);
  if (!found) return undefined;
  return { result: checkDate(found, today, options), match: found.match };
}

function checkDate(found: Found, today: Dayjs, options: DateOptions): SlotResult {
  if ('problem' in found) return reject(found.problem);
  const date = found.date;
  if (options.notPast && date.isBefore(today)) return reject(`${date.format('M月D日')}已经过去了，请选一个今天或以后的日期。`);
  if (options.notFuture && date.isAfter(today)) return reject(`${date.format('M月D日')}还没到呢，请说一个今天或以前的日期。`);
  if (options.maxDaysAhead !== undefined && date.diff(today, 'day') > options.maxDaysAhead) {
    return reject(`只能选${options.maxDaysAhead}天以内的日期（最晚${today.add(options.maxDaysAhead, 'day').format('M月D日')}）。`);
  }
  return accept(date.format('YYYY-MM-DD'));
}

type Found = ({ date: Dayjs } | { problem: string }) & { match: string };

function findDate(t: string, today: Dayjs, preferPast: boolean): Found | undefined {
  for (const [word, offset] of RELATIVE_LONGEST_FIRST) {
    if (t.includes(word)) return { date: today.add(offset, 'day'), match: word };
  }
  const week = WEEK.exec(t);
  if (week?.[2]) {
    const target = WEEKDAYS[week[2]] ?? 1;
    const current = today.day() === 0 ? 7 : today.day();
    const monday = today.subtract(current - 1, 'day');
    const weeksAhead = week[1] === '下下' ? 2 : week[1]?.startsWith('下') ? 1 : 0;
    let date = monday.add(weeksAhead * 7 + target - 1, 'day');
    // A bare "周三" already gone this week means next week's.
    if (!week[1] && !preferPast && date.isBefore(today)) date = date.add(7, 'day');
    // …and one still to come this week means last week's when only past dates make sense ("礼拜天去的").
    if (!week[1] && preferPast && date.isAfter(today)) date = date.subtract(7, 'day');
    if (week[1] === '上' || week[1] === '上个') date = date.subtract(7, 'day');
    return { date, match: week[0] };
  }
  const full = FULL.exec(t);
  if (full) return { ...build(Number(full[1]), full[2], full[3]), match: full[0] };
  const monthDay = MONTH_DAY.exec(t);
  if (monthDay) {
    // Without a year: the next occurrence, or the last one when only past dates make sense.
    // The year is chosen before the date is checked, so 2月29日 finds the leap year it falls in.
    const m = parseLooseNumber(monthDay[1] ?? '') ?? 0;
    const d = parseLooseNumber(monthDay[2] ?? '') ?? 0;
    const key = m * 100 + d;
    const todayKey = (today.month() + 1) * 100 + today.date();
    const year = !preferPast && key < todayKey ? today.year() + 1 : preferPast && key > todayKey ? today.year() - 1 : today.year();
    return { ...build(year, monthDay[1], monthDay[2]), match: monthDay[0] };
  }
  const inMonth = IN_MONTH.exec(t);
  if (inMonth) {
    const shift = inMonth[1]?.startsWith('下') ? 1 : inMonth[1]?.startsWith('上') ? -1 : 0;
    const month = today.add(shift, 'month');
    return { ...build(month.year(), String(month.month() + 1), inMonth[2]), match: inMonth[0] };
  }
  const dayOnly = DAY_ONLY.exec(t);
  if (dayOnly) {
    const d = parseLooseNumber(dayOnly[1] ?? '') ?? 0;
    let month = today.month() + 1;
    let year = today.year();
    if (d < today.date()) [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1];
    return { ...build(year, String(month), String(d)), match: dayOnly[0] };
  }
  return undefined;
}

function build(y: number, monthText: string | undefined, dayText: string | undefined): { date: Dayjs } | { problem: string } {
  const m = parseLooseNumber(monthText ?? '') ?? 0;
  const d = parseLooseNumber(dayText ?? '') ?? 0;
  if (m < 1 || m > 12) return { problem: `没有${m}月哦，请重新说一下日期。` };
  if (!isRealDate(y, m, d)) return { problem: `${m}月没有${d}日（${m}月只有${daysInMonth(y, m)}天），请重新说一下日期。` };
  return { date: calendarDate(y, m, d) };
}
