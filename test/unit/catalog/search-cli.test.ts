import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseCliArgs } from '../../../integrations/govservice/catalog/search/cli';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = 'integrations/govservice/catalog/search/cli.ts';
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

const run = (...args: string[]) => spawnSync(TSX, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });

const RowsSchema = z.array(z.strictObject({ code: z.string().min(1), name: z.string().min(1), score: z.number().positive() }));

describe('catalog:search CLI', () => {
  it('prints exactly one JSON array of {code, name, score} on stdout', () => {
    const result = run('身份证丢了怎么办');
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const rows = RowsSchema.parse(JSON.parse(lines[0] ?? ''));
    expect(rows[0]?.code).toBe('GA-SFZ-HL');
    // Scores are rounded to two decimals for operators.
    for (const row of rows) expect(Math.round(row.score * 100) / 100).toBe(row.score);
  });

  it('joins several words into one question and honours --limit', () => {
    const result = run('--limit=1', '開個體戶', '要什麼');
    expect(result.status).toBe(0);
    expect(RowsSchema.parse(JSON.parse(result.stdout))).toEqual([expect.objectContaining({ code: 'SJ-GTH-SL' })]);
  });

  it('prints an empty array when nothing matches', () => {
    const result = run('今天天气怎么样');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  it('writes usage to stderr, nothing to stdout, without a question', () => {
    const result = run();
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/usage/);
  });
});

describe('parseCliArgs', () => {
  it('reads the question and limit', () => {
    expect(parseCliArgs(['过户', '--limit=3'])).toEqual({ query: '过户', limit: 3 });
    expect(parseCliArgs(['过户'])).toEqual({ query: '过户', limit: 5 });
    expect(parseCliArgs(['--', '过户'])).toEqual({ query: '过户', limit: 5 });
  });

  it('refuses unknown options and out-of-range limits', () => {
    expect(parseCliArgs(['--json', '过户'])).toHaveProperty('error');
    expect(parseCliArgs(['--limit=0', '过户'])).toHaveProperty('error');
    expect(parseCliArgs([])).toHaveProperty('error');
  });
});
