import { readFile, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { parseDocument } from 'yaml';
import { buildCatalog, CatalogError, formatProblem, type Catalog, type CatalogSource } from './catalog';
import { z } from 'zod';
import { ITEM_CODE_PATTERN, ItemMaterialSchema, MaterialFormSchema, MaterialSchema, type ItemMaterial, type Material, type When } from './schema';

/**
 * The item_materials sheet (docs/catalog-spreadsheet.md): one row per material an item needs in
 * a scenario, with the library facts of the material repeated on each row.
 */
export const COLUMNS = [
  'item_code', 'item_name', 'seq', 'material_id', 'material_name', 'default_form', 'default_copies', 'issuer',
  'exempt_kind', 'exempt_note', 'rongque', 'material_notes', 'form', 'copies', 'when', 'note',
] as const;
export type Column = (typeof COLUMNS)[number];
export type SheetRow = Record<Column, string>;
export const SHEET_NAME = 'item_materials';

/** A problem with one cell (row numbers count the header as row 1, as spreadsheets do). */
export interface RowProblem {
  row: number;
  column: Column | '(header)' | '(catalogue)';
  message: string;
}

export interface ParsedSheet {
  materials: Map<string, Material>;
  itemMaterials: Map<string, ItemMaterial[]>;
}

const MATERIAL_ID = /^[a-z0-9][a-z0-9_-]{0,47}$/;
const FORMS = MaterialFormSchema.options as readonly string[];

export function formatWhen(when: When | undefined): string {
  return Object.entries(when ?? {}).map(([k, v]) => `${k}=${v.join('|')}`).join('; ');
}

/** The catalogue's item materials as sheet rows, items in code order. */
export function exportRows(catalog: Catalog): SheetRow[] {
  const items = [...catalog.items].sort((a, b) => a.code.localeCompare(b.code));
  return items.flatMap((item) =>
    item.materials.map((m, i): SheetRow => {
      const lib = catalog.getMaterial(m.ref);
      return {
        item_code: item.code, item_name: item.name, seq: String(i + 1), material_id: m.ref,
        material_name: lib?.name ?? '', default_form: lib?.form ?? '', default_copies: String(lib?.copies ?? ''),
        issuer: lib?.issuer ?? '', exempt_kind: lib?.exemptIf?.kind ?? '', exempt_note: lib?.exemptIf?.note ?? '',
        rongque: lib?.rongque ? '是' : '否', material_notes: lib?.notes ?? '',
        form: m.form ?? '', copies: m.copies === undefined ? '' : String(m.copies), when: formatWhen(m.when), note: m.note ?? '',
      };
    }),
  );
}

function parseWhen(text: string, dims: Map<string, string[]>, problem: (msg: string) => void): When | undefined {
  if (!text.trim()) return undefined;
  const when: When = {};
  for (const part of text.split(/[;；]/).map((p) => p.trim()).filter(Boolean)) {
    const [dim = '', values = ''] = part.split(/[=＝]/).map((p) => p.trim());
    const options = dims.get(dim);
    if (!options) {
      problem(`unknown dimension "${dim}" (this item has: ${[...dims.keys()].join(', ') || 'none'})`);
      continue;
    }
    const list = values.split('|').map((v) => v.trim()).filter(Boolean);
    const bad = list.filter((v) => !options.includes(v));
    if (list.length === 0 || bad.length > 0) problem(`"${part}": values must be among ${options.join('|')}`);
    when[dim] = list;
  }
  return Object.keys(when).length ? when : undefined;
}

function intCell(text: string, problem: (msg: string) => void): number | undefined {
  if (!/^\d+$/.test(text.trim())) {
    problem(`"${text}" is not a whole number`);
    return undefined;
  }
  return Number(text.trim());
}

const LIBRARY_COLUMNS: Column[] = ['material_name', 'default_form', 'default_copies', 'issuer', 'exempt_kind', 'exempt_note', 'rongque', 'material_notes'];

/**
 * Validates every row against the catalogue (item codes, dimensions) and itself (the same
 * material described the same way on every row). Returns all problems, or the parsed sheet.
 */
export function parseRows(
  rows: SheetRow[],
  catalog: Catalog,
  onProgress?: (done: number, total: number) => void,
): { problems: RowProblem[]; parsed?: ParsedSheet } {
  const problems: RowProblem[] = [];
  const materials = new Map<string, Material>();
  const firstRowOf = new Map<string, { row: number; cells: SheetRow }>();
  const entries = new Map<string, { seq: number; row: number; entry: ItemMaterial }[]>();
  rows.forEach((cells, index) => {
    const row = index + 2;
    const problem = (column: Column) => (message: string) => problems.push({ row, column, message });
    const item = ITEM_CODE_PATTERN.test(cells.item_code) ? catalog.getItem(cells.item_code) : undefined;
    if (!item) problem('item_code')(cells.item_code ? `unknown item code "${cells.item_code}"` : 'required');
    if (item && cells.item_name && cells.item_name !== item.name) problem('item_name')(`"${cells.item_name}" does not match the item's name "${item.name}"`);
    const seq = intCell(cells.seq, problem('seq'));
    if (!MATERIAL_ID.test(cells.material_id)) problem('material_id')(`"${cells.material_id}" must be lower-case letters, digits, _ and -`);
    if (!cells.material_name.trim()) problem('material_name')('required');
    if (!FORMS.includes(cells.default_form)) problem('default_form')(`"${cells.default_form}" must be one of ${FORMS.join('/')}`);
    const defaultCopies = intCell(cells.default_copies, problem('default_copies'));
    if (cells.exempt_kind && !['电子证照', '数据共享'].includes(cells.exempt_kind)) problem('exempt_kind')(`"${cells.exempt_kind}" must be 电子证照, 数据共享 or empty`);
    if (Boolean(cells.exempt_kind) !== Boolean(cells.exempt_note)) problem('exempt_note')('exempt_kind and exempt_note go together');
    if (!['是', '否', ''].includes(cells.rongque)) problem('rongque')(`"${cells.rongque}" must be 是 or 否`);
    if (cells.form && !FORMS.includes(cells.form)) problem('form')(`"${cells.form}" must be empty or one of ${FORMS.join('/')}`);
    const copies = cells.copies ? intCell(cells.copies, problem('copies')) : undefined;
    const dims = new Map((item?.dimensions ?? []).map((d) => [d.id, d.options.map((o) => o.value)]));
    const when = item ? parseWhen(cells.when, dims, problem('when')) : undefined;

    const first = firstRowOf.get(cells.material_id);
    if (first) {
      for (const col of LIBRARY_COLUMNS) if (first.cells[col] !== cells[col]) problem(col)(`material "${cells.material_id}" is described differently on row ${first.row}: "${first.cells[col]}"`);
    } else if (MATERIAL_ID.test(cells.material_id) && FORMS.includes(cells.default_form) && defaultCopies !== undefined) {
      firstRowOf.set(cells.material_id, { row, cells });
      materials.set(cells.material_id, {
        id: cells.material_id, name: cells.material_name, form: cells.default_form as Material['form'], copies: defaultCopies,
        ...(cells.issuer ? { issuer: cells.issuer } : {}),
        ...(cells.exempt_kind ? { exemptIf: { kind: cells.exempt_kind as '电子证照' | '数据共享', note: cells.exempt_note } } : {}),
        rongque: cells.rongque === '是',
        ...(cells.material_notes ? { notes: cells.material_notes } : {}),
      });
    }
    if (item && seq !== undefined) {
      const list = entries.get(item.code) ?? [];
      if (list.some((e) => e.seq === seq)) problem('seq')(`seq ${seq} appears twice for ${item.code}`);
      const entry: ItemMaterial = {
        ref: cells.material_id,
        ...(when ? { when } : {}),
        ...(cells.form ? { form: cells.form as ItemMaterial['form'] } : {}),
        ...(copies !== undefined ? { copies } : {}),
        ...(cells.note ? { note: cells.note } : {}),
      };
      list.push({ seq, row, entry });
      entries.set(item.code, list);
    }
    if (onProgress && (row - 1) % 500 === 0) onProgress(row - 1, rows.length);
  });
  onProgress?.(rows.length, rows.length);
  if (problems.length > 0) return { problems };
  const itemMaterials = new Map([...entries].map(([code, list]) => [code, list.sort((a, b) => a.seq - b.seq).map((e) => e.entry)]));
  return { problems, parsed: { materials, itemMaterials } };
}

function toRow(cells: string[], header: string[]): SheetRow {
  const row = {} as SheetRow;
  for (const col of COLUMNS) row[col] = (cells[header.indexOf(col)] ?? '').trim();
  return row;
}

function checkHeader(header: string[]): RowProblem[] {
  return COLUMNS.filter((c) => !header.includes(c)).map((c) => ({ row: 1, column: '(header)', message: `missing column "${c}"` }));
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value) return String(value.text);
    if ('result' in value) return String(value.result ?? '');
    if (value instanceof Date) return value.toISOString().slice(0, 10);
  }
  return String(value);
}

/** Reads a .csv or .xlsx sheet into rows; header problems are returned instead of rows. */
export async function readSheet(file: string): Promise<{ rows: SheetRow[]; problems: RowProblem[] }> {
  let table: string[][];
  if (extname(file).toLowerCase() === '.xlsx') {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.getWorksheet(SHEET_NAME) ?? workbook.worksheets[0];
    table = [];
    sheet?.eachRow({ includeEmpty: false }, (r) => {
      const cells: string[] = [];
      for (let c = 1; c <= COLUMNS.length + 10; c++) cells.push(cellText(r.getCell(c).value));
      table.push(cells);
    });
  } else {
    table = parseCsv(await readFile(file, 'utf8'), { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
  }
  const header = (table[0] ?? []).map((h) => h.trim());
  const problems = checkHeader(header);
  if (problems.length > 0) return { rows: [], problems };
  return { rows: table.slice(1).map((cells) => toRow(cells, header)), problems: [] };
}

/** Writes rows as .csv (UTF-8 with BOM, so Excel shows Chinese) or .xlsx (sheet item_materials). */
export async function writeSheet(file: string, rows: SheetRow[]): Promise<void> {
  if (extname(file).toLowerCase() === '.xlsx') {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet(SHEET_NAME, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.addRow([...COLUMNS]);
    for (const row of rows) sheet.addRow(COLUMNS.map((c) => row[c]));
    sheet.getRow(1).font = { bold: true };
    await workbook.xlsx.writeFile(file);
    return;
  }
  const body = stringifyCsv([[...COLUMNS], ...rows.map((r) => COLUMNS.map((c) => r[c]))]);
  await writeFile(file, `\ufeff${body}`, 'utf8');
}

/** The catalogue source with the sheet applied: library entries replaced or added, listed items' materials replaced. */
export function applySheet(source: CatalogSource, parsed: ParsedSheet): CatalogSource {
  const lib = (source.materials.data as { materials?: Material[] } | undefined)?.materials ?? [];
  const merged = lib.map((m) => parsed.materials.get(m.id) ?? m);
  for (const [id, m] of parsed.materials) if (!lib.some((x) => x.id === id)) merged.push(m);
  return {
    ...source,
    materials: { ...source.materials, data: { ...(source.materials.data as object), materials: merged } },
    items: source.items.map((doc) => {
      const code = (doc.data as { code?: string } | undefined)?.code ?? '';
      const list = parsed.itemMaterials.get(code);
      return list ? { ...doc, data: { ...(doc.data as object), materials: list } } : doc;
    }),
  };
}

/**
 * Validates the sheet and, only when every row and the resulting catalogue are valid, writes the
 * changed YAML files in `dir`. Returns the problems (empty on success); writes nothing otherwise.
 */
export async function importSheet(
  file: string,
  dir: string,
  source: CatalogSource,
  onProgress?: (done: number, total: number) => void,
): Promise<{ problems: RowProblem[]; rows: number; itemsChanged: number }> {
  const { rows, problems: headerProblems } = await readSheet(file);
  if (headerProblems.length > 0) return { problems: headerProblems, rows: 0, itemsChanged: 0 };
  const catalog = buildCatalog(source);
  const { problems, parsed } = parseRows(rows, catalog, onProgress);
  if (!parsed) return { problems, rows: rows.length, itemsChanged: 0 };
  const next = applySheet(source, parsed);
  try {
    buildCatalog(next);
  } catch (err) {
    if (!(err instanceof CatalogError)) throw err;
    return { problems: err.problems.map((p) => ({ row: 0, column: '(catalogue)', message: formatProblem(p) })), rows: rows.length, itemsChanged: 0 };
  }
  await writeYamlField(join(dir, 'materials.yaml'), 'materials', (next.materials.data as { materials: Material[] }).materials, MaterialSchema);
  for (const [code, list] of parsed.itemMaterials) await writeYamlField(join(dir, 'items', `${code}.yaml`), 'materials', list, ItemMaterialSchema);
  return { problems: [], rows: rows.length, itemsChanged: parsed.itemMaterials.size };
}

/** Replaces one top-level field of a YAML file, keeping its comments and the other fields as written. */
async function writeYamlField(file: string, field: string, value: unknown[], schema: z.ZodType): Promise<void> {
  const before = await readFile(file, 'utf8');
  const doc = parseDocument(before);
  const canonical = (v: unknown) => JSON.stringify(z.array(schema).safeParse(v).data ?? v);
  if (canonical((doc.toJS() as Record<string, unknown>)[field]) === canonical(value)) return; // unchanged: keep the file as written
  doc.set(field, doc.createNode(value, { flow: false }));
  const after = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  if (after !== before) await writeFile(file, after, 'utf8');
}

/** Report lines naming row, column and problem (row 0 = a catalogue-wide problem). */
export function formatRowProblems(problems: RowProblem[]): string[] {
  return problems.map((p) => (p.row > 0 ? `row ${p.row}, column ${p.column}: ${p.message}` : `${p.column}: ${p.message}`));
}
