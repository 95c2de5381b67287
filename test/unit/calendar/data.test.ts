import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CatalogError, DEFAULT_CATALOG_DIR, loadCatalog } from '../../../integrations/govservice/catalog/index';
import { buildCalendarData, readCalendarDocs, type CalendarDocs } from '../../../integrations/govservice/calendar/index';

const problemsOf = (docs: CalendarDocs) => buildCalendarData(docs).problems.map((p) => `${p.file}: ${p.record ?? ''}: ${p.field}: ${p.message}`);

describe('calendar data validation', () => {
  let docs: CalendarDocs;
  beforeEach(async () => {
    docs = await readCalendarDocs();
  });
  const year = (n: number) => {
    const doc = docs.years.find((d) => d.file.endsWith(`${n}.yaml`));
    if (!doc) throw new Error(`no ${n}.yaml`);
    return doc.data as Record<string, unknown>;
  };

  it('accepts the shipped files', () => {
    expect(problemsOf(docs)).toEqual([]);
  });

  it('refuses a make-up day that is not a weekend day, or that is also a day off', () => {
    const y = year(2026);
    y.makeupWorkdays = [{ date: '2026-09-21', for: '国庆节' }, { date: '2026-10-03', for: '国庆节' }];
    const problems = problemsOf(docs);
    expect(problems.some((p) => p.includes('makeupWorkdays.0: 2026-09-21 is a mon'))).toBe(true);
    expect(problems.some((p) => p.includes('makeupWorkdays.1: 2026-10-03 is also listed as a day off'))).toBe(true);
  });

  it('refuses overlapping holidays, dates of another year and a year in the wrong file', () => {
    const y = year(2026);
    y.holidays = [...(y.holidays as unknown[]), { name: '重复', from: '2026-10-07', to: '2026-10-08' }, { name: '别的年', from: '2025-05-01', to: '2025-05-02' }];
    const other = year(2025);
    other.year = 2024;
    const problems = problemsOf(docs);
    expect(problems.some((p) => p.includes('2026: holidays.7: 2026-10-07 is already a day off for 国庆节'))).toBe(true);
    expect(problems.some((p) => p.includes('holidays.8: 别的年 (2025-05-01..2025-05-02) is not in 2026'))).toBe(true);
    expect(problems.some((p) => p.includes('2025.yaml: 2024: year: file must be named 2024.yaml'))).toBe(true);
  });

  it('names the field of a schema error: a published year without its source', () => {
    const y = year(2026);
    delete y.source;
    expect(problemsOf(docs)).toEqual([expect.stringMatching(/2026\.yaml: : source: /)]);
  });

  it('refuses a holiday whose end comes before its start, and duplicate seasons', () => {
    (year(2026).holidays as Record<string, string>[])[0]!.to = '2025-12-31';
    const regional = docs.regional.data as { seasons: { list: { id: string; from: string }[] } };
    regional.seasons.list[1]!.id = 'summer';
    const problems = problemsOf(docs);
    expect(problems.some((p) => p.includes('holidays.0.to: "to" must not be before "from"'))).toBe(true);
    expect(problems.some((p) => p.includes('regional.yaml: seasons: seasons.list.1.id: duplicate season "summer"'))).toBe(true);
  });
});

describe('the catalogue refuses a broken calendar or hours', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'calendar-data-'));
    await cp(DEFAULT_CATALOG_DIR, dir, { recursive: true });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const edit = async (file: string, from: string, to: string) => {
    const path = join(dir, file);
    const before = await readFile(path, 'utf8');
    if (!before.includes(from)) throw new Error(`${file} has no ${from}`);
    await writeFile(path, before.replace(from, to));
  };
  const problems = async () => {
    const error = await loadCatalog(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CatalogError);
    return (error as CatalogError).problems;
  };

  it('names the calendar file and field', async () => {
    await edit('calendar/2026.yaml', '{ date: 2026-10-10, for: 国庆节 }', '{ date: 2026-10-12, for: 国庆节 }');
    expect(await problems()).toEqual([
      { file: join(dir, 'calendar', '2026.yaml'), record: '2026', field: 'makeupWorkdays.5', message: '2026-10-12 is a mon: a make-up working day is a Saturday or Sunday' },
    ]);
  });

  it('names a hall whose hours use an unknown season or a window nobody is sent to', async () => {
    await edit('halls.yaml', '- { season: winter, week: *winter }', '- { season: winterr, week: *winter }');
    await edit('halls.yaml', 'windows: [驾驶证业务窗口]', 'windows: [驾驶证窗口]');
    const fields = (await problems()).map((p) => `${p.record}:${p.field}:${p.message}`);
    expect(fields).toContain('city-center:hours.0.season:unknown season "winterr" (one of summer, winter)');
    expect(fields).toContain('city-center:hours:no hall-wide hours without dates for 冬季作息 (season: winter)');
    expect(fields).toContain('vehicle-office:hours.2.windows:no item or bundle uses window "驾驶证窗口" at vehicle-office');
  });

  it('reports a YAML syntax error in a calendar file with its name', async () => {
    await writeFile(join(dir, 'calendar', '2026.yaml'), 'year: [\n');
    expect((await problems())[0]).toMatchObject({ file: join(dir, 'calendar', '2026.yaml'), field: '(yaml)' });
  });
});
