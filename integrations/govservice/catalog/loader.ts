import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { CalendarError, readCalendarDocs } from '../calendar/data';
import { buildCatalog, CatalogError, type Catalog, type CatalogSource, type SourceDoc } from './catalog';

/** The shipped catalogue data: flows/catalog. */
export const DEFAULT_CATALOG_DIR = fileURLToPath(new URL('../../../flows/catalog', import.meta.url));

async function readDoc(file: string): Promise<SourceDoc> {
  const text = await readFile(file, 'utf8');
  try {
    return { file, data: parse(text) };
  } catch (err) {
    throw new CatalogError([{ file, field: '(yaml)', message: err instanceof Error ? err.message : String(err) }]);
  }
}

async function readDir(dir: string): Promise<SourceDoc[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.yaml')).sort();
  return Promise.all(names.map((n) => readDoc(join(dir, n))));
}

async function readCalendar(dir: string): Promise<CatalogSource['calendar']> {
  try {
    return await readCalendarDocs(dir);
  } catch (err) {
    if (err instanceof CalendarError) throw new CatalogError(err.problems);
    throw err;
  }
}

/** Reads every YAML file of a catalogue directory (materials.yaml, halls.yaml, items/, bundles/, calendar/) without validating. */
export async function readCatalogSource(dir: string = DEFAULT_CATALOG_DIR): Promise<CatalogSource> {
  const [materials, halls, items, bundles, calendar] = await Promise.all([
    readDoc(join(dir, 'materials.yaml')),
    readDoc(join(dir, 'halls.yaml')),
    readDir(join(dir, 'items')),
    readDir(join(dir, 'bundles')),
    readCalendar(join(dir, 'calendar')),
  ]);
  return { materials, halls, items, bundles, calendar };
}

/**
 * Loads, validates and cross-checks the catalogue. A broken file is refused with a CatalogError
 * whose message names the file, the item (or material / hall) and the field.
 */
export async function loadCatalog(dir: string = DEFAULT_CATALOG_DIR): Promise<Catalog> {
  return buildCatalog(await readCatalogSource(dir));
}
