import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../../integrations/govservice/calendar/cli';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = 'integrations/govservice/calendar/cli.ts';
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

const run = (...args: string[]) => spawnSync(TSX, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
const json = (...args: string[]) => {
  const result = run(...args);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const lines = result.stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] ?? '') as Record<string, unknown>;
};

describe('npm run calendar (as a subprocess)', () => {
  it('answers the dates of the issue with a hall', () => {
    expect(json('2026-10-01', 'city-center')).toEqual({ date: '2026-10-01', workday: false, reason: '国庆节', confirmed: true, hours: [], holiday: '国庆节', hall: 'city-center', open: false, season: '冬季作息' });
    expect(json('2026-09-20', 'city-center')).toMatchObject({ date: '2026-09-20', workday: true, reason: '调休', confirmed: true, hours: ['10:00-14:00', '16:00-20:00'], open: true });
    expect(json('2026-10-10', 'tianshan-center')).toMatchObject({ workday: true, reason: '调休', confirmed: true, hours: ['10:00-14:00', '15:30-19:30'] });
  });

  it('answers without a hall (no hours) and marks 2027 unconfirmed', () => {
    expect(json('2026-12-01')).toEqual({ date: '2026-12-01', workday: true, reason: '工作日', confirmed: true });
    expect(json('2026-12-05')).toEqual({ date: '2026-12-05', workday: false, reason: '周末', confirmed: true });
    expect(json('2026-02-17')).toMatchObject({ workday: false, reason: '春节', confirmed: true });
    const newYear = json('2027-01-01');
    expect(newYear).toMatchObject({ date: '2027-01-01', workday: false, reason: '元旦', confirmed: false });
    expect(String(newYear.note)).toContain('2027年全国放假安排尚未发布');
    expect(json('2027-03-03')).toMatchObject({ workday: true, reason: '工作日', confirmed: false });
  });

  it('shows window groups and takes one with --window', () => {
    expect(json('2026-12-05', 'city-center')).toMatchObject({ open: false, windows: [{ window: '一件事综合窗口', hours: ['10:30-14:00'] }] });
    expect(json('--', '2026-12-05', 'city-center', '--window=一件事综合窗口')).toMatchObject({ open: true, hours: ['10:30-14:00'], window: '一件事综合窗口' });
    expect(json('2026-12-31', 'realestate-hall')).toMatchObject({ workday: true, open: false, special: '年终登记系统切换' });
  });

  it.each([
    [['2026-13-01'], 'calendar: not a date: "2026-13-01" (expected YYYY-MM-DD, e.g. 2026-10-01, or today)'],
    [['2026-02-29'], 'calendar: not a date: "2026-02-29" (expected YYYY-MM-DD, e.g. 2026-10-01, or today)'],
    [['10月1日'], 'calendar: not a date: "10月1日" (expected YYYY-MM-DD, e.g. 2026-10-01, or today)'],
    [['2026-10-01', 'nowhere'], 'calendar: unknown hall "nowhere" (known: city-center, toutunhe-center, tianshan-center, shayibake-center, shuimogou-center, realestate-hall, vehicle-office)'],
    [[], 'calendar: usage: calendar -- DATE [HALL_ID] [--window=NAME]   (DATE like 2026-10-01, or today)'],
    [['2026-10-01', '--verbose'], 'calendar: unknown option --verbose; usage: calendar -- DATE [HALL_ID] [--window=NAME]   (DATE like 2026-10-01, or today)'],
  ])('%j: one line on stderr, nothing on stdout, exit 2', (args, message) => {
    const result = run(...args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`${message}\n`);
  });
});

describe('parseCliArgs', () => {
  it('reads today in Asia/Shanghai', () => {
    // 2026-11-30 17:00 UTC is already 12-01 in Urumqi's official time.
    expect(parseCliArgs(['today'], Date.UTC(2026, 10, 30, 17))).toEqual({ date: '2026-12-01' });
    expect(parseCliArgs(['2026-10-01', 'city-center', '--window=A区 公安户政窗口'])).toEqual({ date: '2026-10-01', hall: 'city-center', window: 'A区 公安户政窗口' });
    expect(parseCliArgs(['2026-10-01', '--window=x'])).toEqual({ error: expect.stringContaining('--window needs a hall') });
  });
});
