import { describe, expect, it } from 'vitest';
import { parseDate, type DateOptions } from '../../../flows/slots/date';

// 2026-12-01 is a Tuesday; the week runs Monday 11-30 … Sunday 12-06.
const NOW = Date.parse('2026-12-01T10:00:00+08:00');
const base: DateOptions = { now: NOW, timeZone: 'Asia/Shanghai' };

describe('parseDate: what residents write (now = Tue 2026-12-01, Asia/Shanghai)', () => {
  it.each([
    ['今天', '2026-12-01'],
    ['明天', '2026-12-02'],
    ['后天', '2026-12-03'],
    ['大后天', '2026-12-04'],
    ['昨天', '2026-11-30'],
    ['前天', '2026-11-29'],
    ['明天上午', '2026-12-02'],
    ['下周一', '2026-12-07'],
    ['本周五', '2026-12-04'],
    ['这周五', '2026-12-04'],
    ['周三', '2026-12-02'],
    ['星期天', '2026-12-06'],
    ['礼拜六', '2026-12-05'],
    ['下下周二', '2026-12-15'],
    ['下个星期三', '2026-12-09'],
    ['上周五', '2026-11-27'],
    ['12月3日', '2026-12-03'],
    ['12月3号', '2026-12-03'],
    ['十二月三日', '2026-12-03'],
    ['12.3', '2026-12-03'],
    ['12/3', '2026-12-03'],
    ['12 月 3 日', '2026-12-03'],
    ['2026-12-03', '2026-12-03'],
    ['2026年12月3日', '2026-12-03'],
    ['2026/12/3', '2026-12-03'],
    ['2027年1月5日', '2027-01-05'],
    ['3号', '2026-12-03'],
    ['1号', '2026-12-01'],
  ])('%s → %s', (text, expected) => {
    expect(parseDate(text, base)).toEqual({ ok: true, value: expected });
  });

  it('a bare weekday already gone this week means next week', () => {
    expect(parseDate('周一', base)).toEqual({ ok: true, value: '2026-12-07' });
  });

  it('a month-day already past rolls to next year, or with notFuture stays on the last one', () => {
    expect(parseDate('11月30日', base)).toEqual({ ok: true, value: '2027-11-30' });
    expect(parseDate('11月30日', { ...base, notFuture: true })).toEqual({ ok: true, value: '2026-11-30' });
    expect(parseDate('12月25日', { ...base, notFuture: true })).toEqual({ ok: true, value: '2025-12-25' });
  });

  it('uses the calendar day in the given time zone, not UTC (01:00 in Shanghai is still the previous day in UTC)', () => {
    const earlyMorning = Date.parse('2026-12-01T01:00:00+08:00');
    expect(parseDate('今天', { now: earlyMorning, timeZone: 'Asia/Shanghai' })).toEqual({ ok: true, value: '2026-12-01' });
    expect(parseDate('今天', { now: earlyMorning, timeZone: 'UTC' })).toEqual({ ok: true, value: '2026-11-30' });
  });

  it('2月29日 finds the leap year it falls in (next occurrence, or last one with notFuture)', () => {
    expect(parseDate('2月29日', { ...base, now: Date.parse('2027-12-01T10:00:00+08:00') })).toEqual({ ok: true, value: '2028-02-29' });
    expect(parseDate('2月29日', { ...base, now: Date.parse('2029-01-10T10:00:00+08:00'), notFuture: true })).toEqual({ ok: true, value: '2028-02-29' });
  });

  it.each([
    ['2月31日', '2月没有31日（2月只有28天），请重新说一下日期。'],
    ['2027-02-29', '2月没有29日（2月只有28天），请重新说一下日期。'],
    ['2月29日', '2月没有29日（2月只有28天），请重新说一下日期。'],
    ['4月31日', '4月没有31日（4月只有30天），请重新说一下日期。'],
    ['13月3日', '没有13月哦，请重新说一下日期。'],
    ['32号', '12月没有32日（12月只有31天），请重新说一下日期。'],
  ])('%s → a reason naming the real calendar', (text, problem) => {
    expect(parseDate(text, base)).toEqual({ ok: false, problem });
  });

  it('2028-02-29 is a real date (leap year)', () => {
    expect(parseDate('2028-02-29', base)).toEqual({ ok: true, value: '2028-02-29' });
  });

  it.each(['好的', '随便哪天', '下周', ''])('%j is not a date (no reason: the question is asked again)', (text) => {
    expect(parseDate(text, base)).toEqual({ ok: false, problem: undefined });
  });

  it.each([
    ['昨天', { notPast: true }, '11月30日已经过去了，请选一个今天或以后的日期。'],
    ['上周五', { notPast: true }, '11月27日已经过去了，请选一个今天或以后的日期。'],
    ['明天', { notFuture: true }, '12月2日还没到呢，请说一个今天或以前的日期。'],
    ['2027-01-01', { notFuture: true }, '1月1日还没到呢，请说一个今天或以前的日期。'],
    ['12月10日', { maxDaysAhead: 7 }, '只能选7天以内的日期（最晚12月8日）。'],
    ['下下周二', { notPast: true, maxDaysAhead: 10 }, '只能选10天以内的日期（最晚12月11日）。'],
  ] as const)('%s with %j → %s', (text, extra, problem) => {
    expect(parseDate(text, { ...base, ...extra })).toEqual({ ok: false, problem });
  });

  it.each([
    ['今天', { notPast: true }],
    ['今天', { notFuture: true }],
    ['12月8日', { maxDaysAhead: 7 }],
  ] as const)('%s with %j is accepted (boundaries are inclusive)', (text, extra) => {
    expect(parseDate(text, { ...base, ...extra }).ok).toBe(true);
  });
});
