import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { z } from 'zod';
import { dayNumber, fromDayNumber, weekdayOf, yearOf, type IsoDate } from './dates';
import { RegionalFileSchema, YearFileSchema, type HolidayRange, type MakeupDay, type RegionalFile, type YearFile } from './schema';

/** The shipped calendar data: flows/catalog/calendar. */
export const DEFAULT_CALENDAR_DIR = fileURLToPath(new URL('../../../flows/catalog/calendar', import.meta.url));
export const REGIONAL_FILE = 'regional.yaml';

/** A parsed YAML document and the file it came from. */
export interface CalendarDoc {
  file: string;
  data: unknown;
}

/** The calendar's files before validation: `YYYY.yaml` per year and regional.yaml. */
export interface CalendarDocs {
  years: CalendarDoc[];
  regional: CalendarDoc;
}

/** Validated calendar data. */
export interface CalendarData {
  years: YearFile[];
  regional: RegionalFile;
}

/** One problem in the calendar's files, with the file, record and field (same shape as a catalogue problem). */
export interface CalendarProblem {
  file: string;
  record?: string;
  field: string;
  message: string;
}

export class CalendarError extends Error {
  constructor(readonly problems: CalendarProblem[]) {
    super(`calendar refused (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `${p.file}: ${p.record ? `${p.record}: ` : ''}field "${p.field}": ${p.message}`).join('\n')}`);
    this.name = 'CalendarError';
  }
}

async function readDoc(file: string): Promise<CalendarDoc> {
  const text = await readFile(file, 'utf8');
  try {
    return { file, data: parse(text) };
  } catch (err) {
    throw new CalendarError([{ file, field: '(yaml)', message: err instanceof Error ? err.message : String(err) }]);
  }
}

/** Reads the calendar's YAML files without validating them. */
export async function readCalendarDocs(dir: string = DEFAULT_CALENDAR_DIR): Promise<CalendarDocs> {
  const names = (await readdir(dir)).filter((n) => /^\d{4}\.yaml$/.test(n)).sort();
  const [years, regional] = await Promise.all([Promise.all(names.map((n) => readDoc(join(dir, n)))), readDoc(join(dir, REGIONAL_FILE))]);
  return { years, regional };
}

function parseDoc<S extends z.ZodType>(schema: S, doc: CalendarDoc, problems: CalendarProblem[], record?: string): z.infer<S> | undefined {
  const result = schema.safeParse(doc.data);
  if (result.success) return result.data;
  for (const issue of result.error.issues) problems.push({ file: doc.file, record, field: issue.path.join('.') || '(root)', message: issue.message });
  return undefined;
}

function datesOf(h: HolidayRange): IsoDate[] {
  const out: IsoDate[] = [];
  for (let n = dayNumber(h.from); n <= dayNumber(h.to); n++) out.push(fromDayNumber(n));
  return out;
}

/** Holidays must not overlap, must touch their year; make-up days must be weekend days outside the holidays. */
function checkDays(year: number, holidays: HolidayRange[], makeup: MakeupDay[], field: string, push: (field: string, message: string) => void): void {
  const seen = new Map<IsoDate, string>();
  holidays.forEach((h, i) => {
    if (yearOf(h.from) !== year && yearOf(h.to) !== year) push(`${field}.${i}`, `${h.name} (${h.from}..${h.to}) is not in ${year}`);
    for (const d of datesOf(h)) {
      const other = seen.get(d);
      if (other) push(`${field}.${i}`, `${d} is already a day off for ${other}`);
      seen.set(d, h.name);
    }
  });
  makeup.forEach((m, i) => {
    if (yearOf(m.date) !== year) push(`makeupWorkdays.${i}`, `${m.date} is not in ${year}`);
    const wd = weekdayOf(m.date);
    if (wd !== 'sat' && wd !== 'sun') push(`makeupWorkdays.${i}`, `${m.date} is a ${wd}: a make-up working day is a Saturday or Sunday`);
    if (seen.has(m.date)) push(`makeupWorkdays.${i}`, `${m.date} is also listed as a day off`);
  });
}

/** Validates and cross-checks the calendar's files; problems name file, record and field. */
export function buildCalendarData(docs: CalendarDocs): { data?: CalendarData; problems: CalendarProblem[] } {
  const problems: CalendarProblem[] = [];
  const years: YearFile[] = [];
  for (const doc of docs.years) {
    const y = parseDoc(YearFileSchema, doc, problems);
    if (!y) continue;
    const push = (field: string, message: string) => problems.push({ file: doc.file, record: String(y.year), field, message });
    if (basename(doc.file) !== `${y.year}.yaml`) push('year', `file must be named ${y.year}.yaml`);
    if (years.some((x) => x.year === y.year)) push('year', `duplicate year ${y.year}`);
    if (y.status === 'published') checkDays(y.year, y.holidays, y.makeupWorkdays, 'holidays', push);
    else checkDays(y.year, y.estimatedHolidays, [], 'estimatedHolidays', push);
    years.push(y);
  }
  const regional = parseDoc(RegionalFileSchema, docs.regional, problems);
  if (regional) {
    const push = (record: string) => (field: string, message: string) => problems.push({ file: docs.regional.file, record, field, message });
    const ids = new Set<string>();
    const starts = new Set<string>();
    regional.seasons.list.forEach((s, i) => {
      if (ids.has(s.id)) push('seasons')(`seasons.list.${i}.id`, `duplicate season "${s.id}"`);
      if (starts.has(s.from)) push('seasons')(`seasons.list.${i}.from`, `two seasons start on ${s.from}`);
      ids.add(s.id);
      starts.add(s.from);
    });
    const seenYears = new Set<number>();
    regional.years.forEach((y, i) => {
      const p = push(String(y.year));
      if (seenYears.has(y.year)) p(`years.${i}.year`, `duplicate year ${y.year}`);
      seenYears.add(y.year);
      checkDays(y.year, y.holidays, y.makeupWorkdays, `years.${i}.holidays`, (field, message) => p(field.startsWith('makeup') ? `years.${i}.${field}` : field, message));
    });
  }
  years.sort((a, b) => a.year - b.year);
  return problems.length === 0 && regional ? { data: { years, regional }, problems } : { problems };
}

/** Reads and validates the calendar data; throws a CalendarError listing every problem. */
export async function loadCalendarData(dir: string = DEFAULT_CALENDAR_DIR): Promise<CalendarData> {
  const { data, problems } = buildCalendarData(await readCalendarDocs(dir));
  if (!data) throw new CalendarError(problems);
  return data;
}
