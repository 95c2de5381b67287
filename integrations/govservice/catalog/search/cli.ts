/**
 * Operator tool: `npm run --silent catalog:search -- "身份证丢了怎么办" [--limit=5]`.
 * Prints exactly one JSON array `[{"code","name","score"}]` on stdout; usage and errors go to stderr.
 */
import { pathToFileURL } from 'node:url';
import { loadCatalogSearch } from './index';

const USAGE = 'usage: catalog:search -- "<question>" [--limit=N]';

/** Split argv into the question and the result limit. */
export function parseCliArgs(argv: readonly string[]): { query: string; limit: number } | { error: string } {
  let limit = 5;
  const words: string[] = [];
  for (const arg of argv) {
    const match = /^--limit=(\d+)$/.exec(arg);
    if (arg === '--') continue; // npm or a shell wrapper may pass the separator through
    if (match) limit = Number(match[1]);
    else if (arg.startsWith('--')) return { error: `unknown option ${arg}\n${USAGE}` };
    else words.push(arg);
  }
  const query = words.join(' ').trim();
  if (!query) return { error: USAGE };
  if (limit < 1 || limit > 50) return { error: `--limit must be between 1 and 50\n${USAGE}` };
  return { query, limit };
}

async function main(): Promise<number> {
  const args = parseCliArgs(process.argv.slice(2));
  if ('error' in args) {
    process.stderr.write(`${args.error}\n`);
    return 2;
  }
  const searcher = await loadCatalogSearch();
  const hits = searcher.search(args.query, { limit: args.limit });
  const rows = hits.map((hit) => ({ code: hit.code, name: hit.name, score: Math.round(hit.score * 100) / 100 }));
  process.stdout.write(`${JSON.stringify(rows)}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`catalog:search failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
