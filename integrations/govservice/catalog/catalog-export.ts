/**
 * npm run catalog:export -- out.xlsx|out.csv [--dir flows/catalog]
 * Writes the item_materials sheet that catalog:import reads back unchanged.
 */
import { resolve } from 'node:path';
import { DEFAULT_CATALOG_DIR, loadCatalog } from './loader';
import { exportRows, writeSheet } from './spreadsheet';

export async function main(args: string[]): Promise<number> {
  const dirIndex = args.indexOf('--dir');
  const file = args.find((a, i) => !a.startsWith('--') && (dirIndex < 0 || i !== dirIndex + 1));
  if (!file) {
    process.stderr.write('usage: catalog-export <out.xlsx|out.csv> [--dir <catalog dir>]\n');
    return 2;
  }
  const catalog = await loadCatalog(resolve(dirIndex >= 0 ? (args[dirIndex + 1] ?? '') : DEFAULT_CATALOG_DIR));
  const rows = exportRows(catalog);
  await writeSheet(resolve(file), rows);
  process.stdout.write(`wrote ${rows.length} rows to ${file}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === new URL(`file://${resolve(process.argv[1])}`).href) {
  process.exitCode = await main(process.argv.slice(2).filter((a) => a !== '--'));
}
