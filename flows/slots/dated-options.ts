import type { Lexicon } from '../language/lexicon';
import { calendarDate } from './calendar';
import { numberedPick, pickOption, type ChoiceOption } from './choice';
import { findDateIn, parseDate, type DateOptions } from './date';
import { accept, reject, type SlotResult } from './result';
import { parseTime } from './time';

/**
 * Date and time questions that offer a list of allowed values (bookable days, free slots): the
 * resident picks one by number or label, or says it in words — "明天", "下周一", "12月3号" for a
 * day; "下午三点", "10点半", "上午" for a time — and the words must name one of the offered values.
 * An offered value is the option's `value` (`YYYY-MM-DD`; a time's start `HH:MM`, with `end`).
 */

// Words around the value in a short answer ("那就3号吧", "改到后天", "下午三点可以吗").
const AROUND = [/^(那就|那|就|还是|我要|要|选|约|改到|换到|改成|定在|放在)+/u, /(吧|的|啊|呀|呢|哦|行吗|可以吗|可以|行|好了|就行|那天)+$/u];
const core = (text: string): string => AROUND.reduce((t, re) => t.replace(re, ''), text.trim().replace(/[。.!！,，、~～?？\s]+$/u, '')) || text;

const WEEKDAY = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

function dayLabel(date: string): string {
  const d = calendarDate(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)));
  return `${d.month() + 1}月${d.date()}日（${WEEKDAY[d.day()]}）`;
}

// A clause that rules its day out ("周三要上班", "明天不行").
const RULED_OUT = /不行|不可以|不方便|不能|没空|没时间|有事|要上班|上班|去不了|来不了|不去/u;

/**
 * A message naming several days ("我周三要上班，周四上午可以"): the last day whose clause does not
 * rule it out. Undefined when it names one day or none (the plain parser reads it).
 */
function storyDate(text: string, options: DateOptions): SlotResult | undefined {
  const clauses = text.split(/[，,。；;！!？?\s]+/u).filter(Boolean);
  const found = clauses.flatMap((clause) => {
    const d = findDateIn(clause, options);
    return d ? [{ clause, result: d.result }] : [];
  });
  if (found.length < 2) return undefined;
  const kept = found.filter((f) => !RULED_OUT.test(f.clause));
  return (kept.at(-1) ?? found.at(-1))?.result;
}

/** A day among the offered ones; an unavailable one named gets its reason. */
export function parseOfferedDate(text: string, offered: ChoiceOption[], unavailable: ChoiceOption[], options: DateOptions, lexicon?: Lexicon): SlotResult {
  const index = pickOption(text, offered, lexicon);
  if (index !== undefined) return accept(valueOf(offered[index]));
  const outOfRange = outOfRangePick(text, offered);
  if (outOfRange) return outOfRange;
  const parsed = storyDate(text, options) ?? parseDate(core(text), options);
  if (!parsed.ok) return parsed;
  const date = String(parsed.value);
  if (offered.some((o) => valueOf(o) === date)) return accept(date);
  const listed = unavailable.find((o) => valueOf(o) === date);
  return reject(listed?.unavailable ?? `${dayLabel(date)}不在可选的日子里，请从下面选一个。`);
}

const minutes = (clock: string): number => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

// Where a period's slots start: 上午 before noon, 中午 11:00–14:00, 下午 13:00–18:00, 晚上 from 18:00.
const PERIODS: Record<string, [number, number]> = { 上午: [0, 720], 中午: [660, 840], 下午: [780, 1080], 晚上: [1080, 1440] };

/** The option a clock time falls in (start ≤ t < end; without `end`, until the next option's start). */
function containing(options: ChoiceOption[], t: number): ChoiceOption | undefined {
  const sorted = [...options].sort((a, b) => minutes(valueOf(a)) - minutes(valueOf(b)));
  return sorted.find((o, i) => {
    const start = minutes(valueOf(o));
    const next = sorted[i + 1];
    const end = o.end ? minutes(o.end) : next ? minutes(valueOf(next)) : start + 60;
    return start <= t && t < end;
  });
}

/** The offered option a time names: a clock time inside it, or the earliest in a period ("上午"). */
function matchTime(value: string, options: ChoiceOption[]): ChoiceOption | undefined {
  const period = PERIODS[value];
  if (period) return [...options].sort((a, b) => minutes(valueOf(a)) - minutes(valueOf(b))).find((o) => minutes(valueOf(o)) >= period[0] && minutes(valueOf(o)) < period[1]);
  const t = minutes(value);
  // "三点" at a hall means 15:00: a morning hour that fits nothing is read as the afternoon's.
  return containing(options, t) ?? (t >= 60 && t < 720 ? containing(options, t + 720) : undefined);
}

/** A time among the offered ones (slots); an unavailable one named gets its reason. */
export function parseOfferedTime(text: string, offered: ChoiceOption[], unavailable: ChoiceOption[], lexicon?: Lexicon): SlotResult {
  const index = pickOption(text, offered, lexicon);
  if (index !== undefined) return accept(valueOf(offered[index]));
  const outOfRange = outOfRangePick(text, offered);
  if (outOfRange) return outOfRange;
  const parsed = parseTime(core(text));
  if (!parsed.ok) return parsed;
  const value = String(parsed.value);
  const option = matchTime(value, offered);
  if (option) return accept(valueOf(option));
  const listed = matchTime(value, unavailable);
  if (listed?.unavailable) return reject(listed.unavailable);
  if (PERIODS[value]) return reject(`${value}没有可选的时段了，请从下面选一个。`);
  // Nobody means three in the morning: say it as the afternoon hour it was read as.
  const t = minutes(value);
  const shown = t >= 60 && t < 480 ? `${String(Math.floor(t / 60) + 12)}:${value.slice(3)}` : value;
  return reject(`${shown}不在可选的时段里，请从下面选一个。`);
}

/** "9" with 5 options offered: said so, not read as a day or a time. */
function outOfRangePick(text: string, offered: ChoiceOption[]): SlotResult | undefined {
  const n = numberedPick(text.trim().replace(/[。.!！,，、~～\s]+$/u, ''));
  return n === undefined ? undefined : reject(`没有第${n}项，请回复1到${offered.length}之间的数字。`);
}

function valueOf(option: ChoiceOption | undefined): string {
  return option?.value ?? option?.label ?? '';
}
