/**
 * npm run --silent catalog:stale [-- --at YYYY-MM-DD] [--dir flows/catalog] [--json]
 * Lists the items and bundles whose lastVerified is more than twelve months old: residents are
 * shown 「信息可能已有更新，请以窗口为准」 for them until someone re-checks the source and the date.
 * Exit code 0 whether or not any are stale (a report, not a gate); 2 on bad arguments.
 */
import { resolve } from 'node:path';
import { staleEntries, STALE_AFTER_MONTHS } from './answer-parts';
import { DEFAULT_CATALOG_DIR, loadCatalog } from './loader';

const USAGE = 'usage: catalog:stale [--at YYYY-MM-DD] [--dir <catalog dir>] [--json]';

export async function main(args: string[], now = new Date()): Promise<number> {
  const at = args.indexOf('--at');
  const dir = args.indexOf('--dir');
  const date = at >= 0 ? args[at + 1] : undefined;
  if (at >= 0 && !/^\d{4}-\d{2}-\d{2}$/.test(date ?? '')) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  // Noon in Asia/Shanghai of the given day, so the local date is the one asked for.
  const when = date ? new Date(`${date}T12:00:00+08:00`) : now;
  const catalog = await loadCatalog(resolve(dir >= 0 ? (args[dir + 1] ?? '') : DEFAULT_CATALOG_DIR));
  const stale = staleEntries(catalog, when);
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify(stale)}\n`);
    return 0;
  }
  const total = catalog.items.length + catalog.bundles.length;
  process.stdout.write(`${stale.length} of ${total} entries not re-checked for ${STALE_AFTER_MONTHS} months:\n`);
  for (const s of stale) process.stdout.write(`  ${s.code}\t${s.lastVerified ?? 'never'}\t${s.name}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === new URL(`file://${resolve(process.argv[1])}`).href) {
  process.exitCode = await main(process.argv.slice(2).filter((a) => a !== '--'));
}
