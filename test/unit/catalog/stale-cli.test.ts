import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = 'integrations/govservice/catalog/catalog-stale.ts';
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
const run = (...args: string[]) => spawnSync(TSX, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });

const RowsSchema = z.array(z.strictObject({ code: z.string(), name: z.string(), lastVerified: z.string().nullable() }));

describe('catalog:stale CLI', () => {
  it('lists, at the bot clock, the entries checked more than 12 months ago or never', () => {
    const result = run('--at', '2026-12-01', '--json');
    expect(result.status).toBe(0);
    const rows = RowsSchema.parse(JSON.parse(result.stdout));
    expect(rows.map((r) => r.code)).toContain('GA-HK-QR'); // last checked 2025-06-01
    expect(rows.map((r) => r.code)).toContain('YJS-TX'); // written from its sources, never checked
    expect(rows.map((r) => r.code)).not.toContain('MZ-HY-JH'); // re-checked against 国务院令第804号
    // Never-checked entries come first.
    expect(rows[0]?.lastVerified).toBeNull();
  });

  it('prints a readable report and refuses a bad date', () => {
    const report = run('--at', '2026-12-01');
    expect(report.stdout).toMatch(/^\d+ of \d+ entries not re-checked for 12 months:\n/);
    expect(report.stdout).toContain('GA-HK-QR\t2025-06-01\t户口迁移（迁入）');
    const bad = run('--at', 'yesterday');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('usage: catalog:stale');
  });
});
