/**
 * Operator tool: `npm run --silent calendar -- DATE [HALL_ID] [--window=窗口]`.
 * Prints one JSON object `{ date, workday, reason, confirmed, … }` on stdout — with `hours` (and
 * `open`, `season`, …) when a hall is named. DATE is YYYY-MM-DD or `today`. Errors: one line on
 * stderr, exit code 2.
 */
import { pathToFileURL } from 'node:url';
import { CatalogError, loadCatalog } from '../catalog';
import { dateOf, isIsoDate } from './dates';

const USAGE = 'usage: calendar -- DATE [HALL_ID] [--window=NAME]   (DATE like 2026-10-01, or today)';

export type CliArgs = { date: string; hall?: string; window?: string } | { error: string };

/** Split argv into the date, the hall and the window group. */
export function parseCliArgs(argv: readonly string[], now: number = Date.now()): CliArgs {
  const words: string[] = [];
  let window: string | undefined;
  for (const arg of argv) {
    if (arg === '--') continue; // npm or a shell wrapper may pass the separator through
    const match = /^--window=(.+)$/.exec(arg);
    if (match) window = match[1];
    else if (arg.startsWith('--')) return { error: `unknown option ${arg}; ${USAGE}` };
    else words.push(arg);
  }
  const [raw, hall, ...rest] = words;
  if (raw === undefined || rest.length > 0) return { error: USAGE };
  const date = raw === 'today' ? dateOf(now) : raw;
  if (!isIsoDate(date)) return { error: `not a date: "${raw}" (expected YYYY-MM-DD, e.g. 2026-10-01, or today)` };
  if (window !== undefined && hall === undefined) return { error: `--window needs a hall; ${USAGE}` };
  return { date, ...(hall ? { hall } : {}), ...(window ? { window } : {}) };
}

async function main(): Promise<number> {
  const args = parseCliArgs(process.argv.slice(2));
  if ('error' in args) {
    process.stderr.write(`calendar: ${args.error}\n`);
    return 2;
  }
  const catalog = await loadCatalog();
  const { calendar } = catalog;
  if (args.hall === undefined) {
    const d = calendar.dayInfo(args.date);
    process.stdout.write(`${JSON.stringify({ date: d.date, workday: d.workday, reason: d.reason, confirmed: d.confirmed, ...pick(d) })}\n`);
    return 0;
  }
  const hall = catalog.getHall(args.hall);
  if (!hall) {
    process.stderr.write(`calendar: unknown hall "${args.hall}" (known: ${catalog.halls.map((h) => h.id).join(', ')})\n`);
    return 2;
  }
  const d = calendar.dayInfo(args.date, hall.id, args.window);
  const out = {
    date: d.date,
    workday: d.workday,
    reason: d.reason,
    confirmed: d.confirmed,
    hours: d.hours,
    ...pick(d),
    hall: hall.id,
    open: d.open,
    ...(d.window ? { window: d.window } : {}),
    ...(d.season ? { season: d.season } : {}),
    ...(d.special ? { special: d.special } : {}),
    ...(d.windows ? { windows: d.windows } : {}),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  return 0;
}

function pick(d: { holiday?: string; note?: string }) {
  return { ...(d.holiday ? { holiday: d.holiday } : {}), ...(d.note ? { note: d.note } : {}) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      const message = err instanceof CatalogError ? err.message.replace(/\n/g, '; ') : err instanceof Error ? err.message : String(err);
      process.stderr.write(`calendar: ${message}\n`);
      process.exitCode = 1;
    },
  );
}
