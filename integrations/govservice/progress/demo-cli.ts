import { pathToFileURL } from 'node:url';
import { systemClock } from '../../../bot/clock';
import { loadCatalog } from '../catalog';
import { ProgressSimulator } from './simulator';

/**
 * `npm run --silent progress:demo`: the simulator's seeded applications as JSON,
 * `[{ "number", "secondFactor", "status", "item" }]`, as they stand now (the simulator lays them
 * out from the moment it starts, so this is what a freshly started service shows).
 */
export async function main(now = systemClock.now(), out: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  const catalog = await loadCatalog();
  const simulator = await ProgressSimulator.load(catalog, now);
  out(`${JSON.stringify(simulator.demo(now), null, 2)}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`progress:demo: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
