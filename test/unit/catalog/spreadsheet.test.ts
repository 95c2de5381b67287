import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG_DIR, loadCatalog, readCatalogSource } from '../../../integrations/govservice/catalog/index';
import { exportRows, importSheet, readSheet, writeSheet, type SheetRow } from '../../../integrations/govservice/catalog/spreadsheet';

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    out[file.slice(dir.length)] = createHash('sha256').update(await readFile(file)).digest('hex');
  }
  return out;
}

describe('catalogue spreadsheet import/export', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'catalog-sheet-'));
    await cp(DEFAULT_CATALOG_DIR, join(dir, 'catalog'), { recursive: true });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  for (const ext of ['csv', 'xlsx']) {
    it(`round-trips export → import → export exactly (${ext})`, async () => {
      const catalogDir = join(dir, 'catalog');
      const before = await loadCatalog(catalogDir);
      const beforeFiles = await snapshot(catalogDir);
      const file = join(dir, `catalog.${ext}`);
      await writeSheet(file, exportRows(before));
      const { rows } = await readSheet(file);
      expect(rows).toEqual(exportRows(before));
      const report = await importSheet(file, catalogDir, await readCatalogSource(catalogDir));
      expect(report.problems).toEqual([]);
      expect(report.rows).toBe(rows.length);
      const after = await loadCatalog(catalogDir);
      expect(after.items).toEqual(before.items);
      expect(after.materials).toEqual(before.materials);
      expect(await snapshot(catalogDir)).toEqual(beforeFiles);
    });
  }

  it('applies an edited sheet: changed copies and a new material land in the YAML', async () => {
    const catalogDir = join(dir, 'catalog');
    const rows = exportRows(await loadCatalog(catalogDir));
    const row = rows.find((r) => r.item_code === 'MZ-HY-JH' && r.material_id === 'photo-marriage');
    if (!row) throw new Error('seed row missing');
    row.copies = '4';
    rows.push({ ...row, seq: '9', material_id: 'household-register-note', material_name: '婚姻状况声明（演示）', default_form: '现场填写', default_copies: '1', issuer: '', exempt_kind: '', exempt_note: '', material_notes: '', copies: '', note: '' });
    const file = join(dir, 'edited.csv');
    await writeSheet(file, rows);
    expect((await importSheet(file, catalogDir, await readCatalogSource(catalogDir))).problems).toEqual([]);
    const item = (await loadCatalog(catalogDir)).getItem('MZ-HY-JH');
    expect(item?.materials.find((m) => m.ref === 'photo-marriage')?.copies).toBe(4);
    expect(item?.materials.at(-1)?.ref).toBe('household-register-note');
  });

  it('checks a 5,000-row CSV, names the one bad row and column, reports progress and writes nothing', async () => {
    const catalogDir = join(dir, 'catalog');
    const catalog = await loadCatalog(catalogDir);
    const items = catalog.items;
    const rows: SheetRow[] = [];
    for (let i = 0; i < 5000; i++) {
      const item = items[i % items.length];
      if (!item) throw new Error('no items');
      rows.push({
        item_code: item.code, item_name: item.name, seq: String(Math.floor(i / items.length) + 1), material_id: `gen-${i}`,
        material_name: `生成材料${i}`, default_form: '原件', default_copies: '1', issuer: '', exempt_kind: '', exempt_note: '',
        rongque: '否', material_notes: '', form: '', copies: '', when: '', note: '',
      });
    }
    const bad = rows[3141];
    if (!bad) throw new Error('row missing');
    bad.default_copies = '两份';
    const file = join(dir, 'big.csv');
    await writeSheet(file, rows);
    const before = await snapshot(catalogDir);
    const progress: number[] = [];
    const report = await importSheet(file, catalogDir, await readCatalogSource(catalogDir), (done) => progress.push(done));
    expect(report.problems).toEqual([{ row: 3143, column: 'default_copies', message: '"两份" is not a whole number' }]);
    expect(progress.slice(0, 3)).toEqual([500, 1000, 1500]);
    expect(progress.at(-1)).toBe(5000);
    expect(await snapshot(catalogDir)).toEqual(before);
  });

  it('reports unknown items, bad when-conditions and inconsistent material rows by row and column', async () => {
    const catalogDir = join(dir, 'catalog');
    const rows = exportRows(await loadCatalog(catalogDir)).slice(0, 3);
    const [a, b, c] = rows;
    if (!a || !b || !c) throw new Error('seed rows missing');
    a.item_code = 'XX-NOPE';
    b.when = 'colour=red';
    c.material_id = b.material_id;
    c.material_name = '另一个名字';
    const file = join(dir, 'bad.csv');
    await writeSheet(file, rows);
    const before = await snapshot(catalogDir);
    const { problems } = await importSheet(file, catalogDir, await readCatalogSource(catalogDir));
    expect(problems).toContainEqual({ row: 2, column: 'item_code', message: 'unknown item code "XX-NOPE"' });
    expect(problems).toContainEqual(expect.objectContaining({ row: 3, column: 'when', message: expect.stringContaining('unknown dimension "colour"') }));
    expect(problems).toContainEqual(expect.objectContaining({ row: 4, column: 'material_name', message: expect.stringContaining('described differently on row 3') }));
    expect(await snapshot(catalogDir)).toEqual(before);
  });

  it('refuses a sheet with a missing column', async () => {
    const file = join(dir, 'short.csv');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, 'item_code,seq\nGA-SFZ-HL,1\n');
    const { problems } = await readSheet(file);
    expect(problems).toContainEqual({ row: 1, column: '(header)', message: 'missing column "material_id"' });
  });
});
