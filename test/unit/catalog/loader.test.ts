import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CatalogError, DEFAULT_CATALOG_DIR, loadCatalog } from '../../../integrations/govservice/catalog/index';

const FIXTURES = join(import.meta.dirname, '../../fixtures/catalog');

describe('loadCatalog', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'catalog-loader-'));
    await cp(DEFAULT_CATALOG_DIR, dir, { recursive: true });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('loads the shipped seed catalogue with every requested item, both bundles and at least 4 halls', async () => {
    const catalog = await loadCatalog();
    for (const code of ['GA-SFZ-HL', 'GA-HK-QR', 'SJ-GTH-SL', 'RS-SBK-SL', 'GJJ-ZF-TQ', 'GA-JZZ-SL', 'BDC-ZY-DJ', 'MZ-LN-YDZ', 'CL-CJZ-XB', 'GA-JSZ-HZ', 'RS-YL-CB', 'MZ-HY-JH']) {
      expect(catalog.getItem(code)?.code).toBe(code);
    }
    expect(catalog.getBundle('YJS-XSE')?.items.map((m) => m.code)).toContain('RS-SBK-SL');
    expect(catalog.getBundle('YJS-ESF')?.items.map((m) => m.code)).toContain('BDC-ZY-DJ');
    expect(catalog.halls.filter((h) => h.level === '区级').length).toBeGreaterThanOrEqual(3);
    expect(catalog.halls.every((h) => h.demo)).toBe(true);
    // The region's later hours: no seeded hall opens before 10:00.
    expect(catalog.halls.every((h) => h.hours.every((rule) => Object.values(rule.week).every((ranges) => ranges.every((r) => r >= '10:00'))))).toBe(true);
  });

  it('refuses a broken item naming the file, the item and each bad field', async () => {
    await writeFile(join(dir, 'items', 'GA-SFZ-HL.yaml'), await readFile(join(FIXTURES, 'broken-item.yaml'), 'utf8'));
    const error = await loadCatalog(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CatalogError);
    const message = (error as CatalogError).message;
    expect(message).toContain(`${join(dir, 'items', 'GA-SFZ-HL.yaml')}: GA-SFZ-HL: field "fees"`);
  });

  it('names an unknown material reference at load time', async () => {
    const file = join(dir, 'items', 'GA-SFZ-HL.yaml');
    const text = (await readFile(join(FIXTURES, 'broken-item.yaml'), 'utf8')).replace('fees: 无', 'fees: 不收费');
    await writeFile(file, text);
    const error = (await loadCatalog(dir).catch((e: unknown) => e)) as CatalogError;
    expect(error.problems).toEqual([
      { file, record: 'GA-SFZ-HL', field: 'materials.1.ref', message: 'unknown material "no-such-material" (not in materials.yaml)' },
    ]);
  });

  it('checks hall ids, bundle item codes and when-dimensions across files', async () => {
    const item = join(dir, 'items', 'RS-SBK-SL.yaml');
    await writeFile(item, (await readFile(item, 'utf8')).replace('hall: city-center', 'hall: nowhere').replace('when: { age: [adult] }, note: 申领人', 'when: { agee: [adult] }, note: 申领人'));
    const bundle = join(dir, 'bundles', 'YJS-ESF.yaml');
    await writeFile(bundle, (await readFile(bundle, 'utf8')).replace('GY-KD-GH]', 'GY-XX-GH]'));
    const error = (await loadCatalog(dir).catch((e: unknown) => e)) as CatalogError;
    const fields = error.problems.map((p) => `${p.record}:${p.field}:${p.message}`);
    expect(fields).toContain('RS-SBK-SL:halls.0.hall:unknown hall "nowhere" (not in halls.yaml)');
    expect(fields).toContain('RS-SBK-SL:materials.0.when.agee:unknown dimension "agee"');
    expect(fields).toContain('YJS-ESF:items.4:unknown item code "GY-XX-GH"');
  });

  it('names the material id and field of a broken materials.yaml entry', async () => {
    const file = join(dir, 'materials.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('{ id: bank-card, name: 本人名下银行卡（一类卡）, form: 原件', '{ id: bank-card, name: 本人名下银行卡（一类卡）, form: 原本'));
    const error = (await loadCatalog(dir).catch((e: unknown) => e)) as CatalogError;
    expect(error.problems[0]).toMatchObject({ file, record: 'bank-card', field: expect.stringMatching(/^materials\.\d+\.form$/) });
  });

  it('reports a YAML syntax error with the file name', async () => {
    const file = join(dir, 'halls.yaml');
    await writeFile(file, 'halls: [\n  - id: x\n');
    const error = (await loadCatalog(dir).catch((e: unknown) => e)) as CatalogError;
    expect(error.problems[0]).toMatchObject({ file, field: '(yaml)' });
  });
});
