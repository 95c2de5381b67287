import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKnown, type Known } from './dialogue/known';
import { HOLDOUT_DIR, evalFiles, loadEvalFiles, type LoadedFile } from './dialogue/load';
import { KINDS } from './dialogue/schema';

/**
 * The held-out dialogue set (test/eval/holdout): well-formed and really held out. Its pass rate
 * is a measurement (`npm run eval:dialogue -- --dir test/eval/holdout`), not a gate.
 */

let known: Known;
let holdout: LoadedFile[];
let main: LoadedFile[];
beforeAll(async () => {
  known = await loadKnown();
  holdout = loadEvalFiles(known, evalFiles(HOLDOUT_DIR));
  main = loadEvalFiles(known);
});

const said = (files: LoadedFile[]): string[] => files.flatMap((f) => f.data.cases.flatMap((c) => c.turns.flatMap((t) => t.say ?? t.voice ?? [])));

describe('held-out dialogue set', () => {
  // Written before booking and progress existed: the kinds of understanding it measures.
  const HELD_OUT_KINDS = KINDS.filter((k) => k !== 'booking' && k !== 'progress');

  it('is well-formed: 60 to 80 cases over every kind of understanding, each expecting flows and codes that exist', () => {
    const cases = holdout.flatMap((f) => f.data.cases.map((c) => ({ kind: f.data.kind, c })));
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect(cases.length).toBeLessThanOrEqual(80);
    for (const kind of HELD_OUT_KINDS) expect(cases.filter((c) => c.kind === kind).length, kind).toBeGreaterThanOrEqual(5);
  });

  it('shares no case name and no sentence with the tuned set', () => {
    const names = new Set(main.flatMap((f) => f.data.cases.map((c) => c.name)));
    expect(holdout.flatMap((f) => f.data.cases.map((c) => c.name)).filter((n) => names.has(n))).toEqual([]);
    // Short answers ("本人", "1") are naturally shared; a whole sentence in both sets is not held out.
    const sentence = (s: string) => [...s].length >= 8 && /\D/u.test(s);
    const tuned = new Set(said(main).filter(sentence));
    expect(said(holdout).filter((s) => tuned.has(s))).toEqual([]);
  });
});

describe('eval:dialogue --dir', () => {
  const run = promisify(execFile);
  const cli = (args: string[]) => run(process.execPath, ['--import', 'tsx', 'test/eval/dialogue/run.ts', ...args], { cwd: join(HOLDOUT_DIR, '../../..') }).then(
    ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'eval-holdout-'));
    writeFileSync(
      join(dir, 'cases.yaml'),
      ['kind: baseline', 'cases:', '  - name: met', '    turns: [{ say: 谢谢 }]', '    expect: { reached: [thanks] }', '  - name: unmet', '    turns: [{ say: 谢谢 }]', '    expect: { handoff: true }', ''].join('\n'),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true }));

  it('measures another folder without a bar (exit 0), and gates it only when a bar is asked for', async () => {
    const [measured, gated] = await Promise.all([cli(['--dir', dir, '--json']), cli(['--dir', dir, '--bar', '0.9'])]);
    expect(measured.code).toBe(0);
    const report = JSON.parse(measured.stdout) as { mode: string; bar?: number; overall: { total: number; passed: number } };
    expect(report.overall).toMatchObject({ total: 2, passed: 1 });
    expect(report.bar).toBeUndefined();
    expect(report.mode).toBe(`offline, ${dir}`);
    expect(gated.code).toBe(1);
  }, 60_000);

  it('refuses a folder that does not exist', async () => {
    const missing = await cli(['--dir', join(dir, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('is not a folder');
  }, 30_000);
});
