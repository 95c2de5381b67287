import { monthDayOf, parseRange, WEEKDAYS, type IsoDate } from './dates';
import type { DayInfo, DayTable } from './days';
import type { CalendarProblem } from './data';
import type { HoursRule, ScheduleSpec, Season, SpecialDay, WeekHours } from './schema';

/** A day of a schedule (a hall, or a window group of it): the calendar's day plus the opening hours. */
export interface ScheduleDay extends DayInfo {
  scheduleId: string;
  /** The window group asked for, when one was. */
  window?: string;
  /** Open at all that day. */
  open: boolean;
  /** Open ranges, `HH:MM-HH:MM`, in order; [] when closed. */
  hours: string[];
  /** The season in force (夏季作息 / 冬季作息), when the region has seasons. */
  season?: string;
  /** The schedule's own closure or opening that day. */
  special?: string;
  /** Window groups whose hours differ from the hall's that day (only when no window was asked for). */
  windows?: { window: string; hours: string[] }[];
}

/** The season a date falls in: the latest season start on or before it, wrapping round the year. */
export function seasonOf(seasons: Season[], date: IsoDate): Season | undefined {
  const md = monthDayOf(date);
  const sorted = [...seasons].sort((a, b) => a.from.localeCompare(b.from));
  return sorted.filter((s) => s.from <= md).at(-1) ?? sorted.at(-1);
}

function applies(rule: HoursRule, date: IsoDate, season: Season | undefined, window: string | undefined): boolean {
  if (rule.season && rule.season !== season?.id) return false;
  if ((rule.from && date < rule.from) || (rule.to && date > rule.to)) return false;
  return !rule.windows || (window !== undefined && rule.windows.includes(window));
}

const specificity = (rule: HoursRule) => (rule.windows ? 4 : 0) + (rule.from || rule.to ? 2 : 0) + (rule.season ? 1 : 0);

/** The rule in force for a date and window group: window-specific first, then dated over undated, then seasonal over all-year. */
export function ruleFor(spec: ScheduleSpec, date: IsoDate, season: Season | undefined, window?: string): HoursRule {
  let best: HoursRule | undefined;
  for (const rule of spec.hours) if (applies(rule, date, season, window) && (!best || specificity(rule) > specificity(best))) best = rule;
  if (!best) throw new Error(`schedule "${spec.id}" has no hours for ${date}${season ? ` (${season.name})` : ''}`);
  return best;
}

export function specialDayOf(spec: ScheduleSpec, date: IsoDate): SpecialDay | undefined {
  return spec.specialDays.find((s) => s.from <= date && date <= (s.to ?? s.from));
}

function weekHours(week: WeekHours, info: DayInfo): string[] {
  if (info.kind === 'holiday') return [];
  if (info.kind === 'makeup') return week.makeup ?? week.mon;
  return week[info.weekday];
}

/** The hours of one schedule on one day. */
export function scheduleDay(table: DayTable, seasons: Season[], spec: ScheduleSpec, date: IsoDate, window?: string): ScheduleDay {
  const info = table.dayInfo(date);
  const season = seasonOf(seasons, date);
  const special = specialDayOf(spec, date);
  const hoursFor = (w?: string) => (special ? special.hours : weekHours(ruleFor(spec, date, season, w).week, info));
  const hours = hoursFor(window);
  const day: ScheduleDay = { ...info, scheduleId: spec.id, open: hours.length > 0, hours, ...(window ? { window } : {}) };
  if (season && spec.hours.some((r) => r.season)) day.season = season.name;
  if (special) day.special = special.reason;
  if (!window && !special) {
    const groups = [...new Set(spec.hours.flatMap((r) => r.windows ?? []))];
    const differing = groups.map((w) => ({ window: w, hours: hoursFor(w) })).filter((g) => g.hours.join() !== hours.join());
    if (differing.length > 0) day.windows = differing;
  }
  return day;
}

function overlaps(a: HoursRule, b: HoursRule): boolean {
  if (a.season && b.season && a.season !== b.season) return false;
  if ((a.from && b.to && a.from > b.to) || (b.from && a.to && b.from > a.to)) return false;
  if (a.windows && b.windows && !a.windows.some((w) => b.windows?.includes(w))) return false;
  return true;
}

/**
 * Checks a schedule against the region's seasons: ranges in order within a day, known seasons,
 * an undated hall-wide rule for every season, and no two equally specific rules for the same days.
 */
export function checkSchedule(spec: ScheduleSpec, seasons: Season[], file: string): CalendarProblem[] {
  const problems: CalendarProblem[] = [];
  const push = (field: string, message: string) => problems.push({ file, record: spec.id, field, message });
  const ranges = (list: string[], field: string) => {
    let lastEnd = -1;
    list.forEach((range, i) => {
      const { start, end } = parseRange(range);
      if (start >= end || start < lastEnd) push(`${field}.${i}`, `range "${range}" must start after the previous one and end after it starts`);
      lastEnd = end;
    });
  };
  spec.hours.forEach((rule, i) => {
    if (rule.season && !seasons.some((s) => s.id === rule.season)) push(`hours.${i}.season`, `unknown season "${rule.season}" (one of ${seasons.map((s) => s.id).join(', ')})`);
    for (const day of [...WEEKDAYS, 'makeup'] as const) ranges(rule.week[day] ?? [], `hours.${i}.week.${day}`);
    spec.hours.slice(0, i).forEach((other, j) => {
      if (specificity(rule) === specificity(other) && overlaps(rule, other)) push(`hours.${i}`, `applies to the same days as hours.${j}; make one of them more specific (season, from/to, windows)`);
    });
  });
  for (const season of seasons.length > 0 ? seasons : [undefined]) {
    const base = spec.hours.some((r) => !r.windows && !r.from && !r.to && (!r.season || r.season === season?.id));
    if (!base) push('hours', `no hall-wide hours without dates${season ? ` for ${season.name} (season: ${season.id})` : ''}`);
  }
  spec.specialDays.forEach((s, i) => ranges(s.hours, `specialDays.${i}.hours`));
  return problems;
}
