/**
 * npm run catalog:import -- file.xlsx|file.csv [--dir flows/catalog]
 * Validates every row; writes the catalogue YAML only when all rows are valid.
 */
import { resolve } from 'node:path';
import { DEFAULT_CATALOG_DIR, readCatalogSource } from './loader';
import { formatRowProblems, importSheet } from './spreadsheet';

function argValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

export async function main(args: string[]): Promise<number> {
  const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--dir');
  if (!file) {
    process.stderr.write('usage: catalog-import <file.xlsx|file.csv> [--dir <catalog dir>]\n');
    return 2;
  }
  const dir = resolve(argValue(args, '--dir') ?? DEFAULT_CATALOG_DIR);
  const source = await readCatalogSource(dir);
  const report = await importSheet(resolve(file), dir, source, (done, total) => process.stderr.write(`checked ${done}/${total} rows\n`));
  if (report.problems.length > 0) {
    process.stdout.write(`${file}: ${report.problems.length} problem(s), nothing written:\n${formatRowProblems(report.problems).join('\n')}\n`);
    return 1;
  }
  process.stdout.write(`${file}: ${report.rows} rows valid; applied to materials.yaml and ${report.itemsChanged} item file(s) in ${dir}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === new URL(`file://${resolve(process.argv[1])}`).href) {
  process.exitCode = await main(process.argv.slice(2).filter((a) => a !== '--'));
}
