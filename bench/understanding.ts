/**
 * What understanding costs a turn: the median turn time of the current code against a baseline
 * tree (default: the code before issue 9's understanding, commit f2c09d8), measured in the same
 * run, alternating A/B/A/B in fresh processes so machine load hits both alike. Writes
 * bench/results/understanding.{json,md}.
 *
 *   npm run bench:understanding -- [--baseline <commit>] [--rounds 3] [--conversations 300]
 *
 * The baseline tree is a `git worktree` under /tmp (local, nothing downloaded), using this
 * checkout's node_modules.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]?.replace(/^--/, '') ?? '', process.argv[i + 1] ?? '');
const baseline = args.get('baseline') ?? 'f2c09d8';
const rounds = Number(args.get('rounds') ?? 3);
const conversations = args.get('conversations') ?? '300';
const root = resolve('.');
const tree = `/tmp/banshi-baseline-${baseline}`;

if (!existsSync(tree)) {
  execFileSync('git', ['worktree', 'add', '--detach', tree, baseline], { stdio: 'inherit' });
  symlinkSync(resolve(root, 'node_modules'), `${tree}/node_modules`);
}

type Sample = { median: number; p90: number; turns: number };
const measure = (at: string, script: string): Sample =>
  JSON.parse(execFileSync(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', resolve(root, 'bench/turn-latency.ts'), at, script, conversations], { cwd: at, encoding: 'utf8' }).trim().split('\n').at(-1) ?? '{}') as Sample;

const medianOf = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const results: Record<string, { baseline: Sample[]; current: Sample[] }> = {};
for (const script of ['feedback', 'guide']) {
  results[script] = { baseline: [], current: [] };
  for (let r = 0; r < rounds; r++) {
    results[script].baseline.push(measure(tree, script));
    results[script].current.push(measure(root, script));
  }
}

/**
 * The share of the current code's busy CPU spent in understanding (the readers, the lexicon,
 * choice matching, slot extraction, the service finder, the engine's probe, fills and corrections;
 * not the stage that applies the commands, which runs flows), from a CPU
 * profile of one more run: samples whose stack passes through that code, after the start-up.
 */
const UNDERSTANDING_FILES = [/bot\/understanding\//, /flows\/language\//, /flows\/fill\.ts/, /flows\/slots\/(extract|choice|name)\.ts/, /service-finder\.ts/, /pinyin-pro/];
// The engine's own parts that read messages rather than run flows.
const UNDERSTANDING_ENGINE: Record<string, Set<string>> = {
  'flows/engine.ts': new Set(['probeAnswer', 'fillSlots']),
  'flows/run.ts': new Set(['probe', 'fillFrom', 'fillValues', 'correctEarlier', 'correctionFor', 'leadIn']),
};
function understandingShare(script: string): number {
  const dir = mkdtempSync(`${tmpdir()}/banshi-prof-`);
  execFileSync(process.execPath, ['--max-semi-space-size=64', '--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', 'tsx', resolve(root, 'bench/turn-latency.ts'), root, script, String(Number(conversations) * 4)], { cwd: root });
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  type Node = { id: number; callFrame: { functionName: string; url: string }; children?: number[] };
  const profile = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };
  rmSync(dir, { recursive: true, force: true });
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const ours = (n: Node) =>
    UNDERSTANDING_FILES.some((r) => r.test(n.callFrame.url)) ||
    Object.entries(UNDERSTANDING_ENGINE).some(([file, names]) => n.callFrame.url.endsWith(file) && names.has(n.callFrame.functionName));
  // The first 60 % of the run is start-up (catalogue, search index) and warm-up.
  const from = profile.startTime + (profile.endTime - profile.startTime) * 0.6;
  let at = profile.startTime;
  let busy = 0;
  let understanding = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    const name = byId.get(id)?.callFrame.functionName ?? '';
    if (at < from || name === '(idle)' || name === '(program)') return;
    busy += dt;
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const node = byId.get(cur);
      if (node && ours(node)) {
        understanding += dt;
        break;
      }
    }
  });
  return busy ? understanding / busy : 0;
}

const rows = Object.entries(results).map(([script, { baseline: b, current: c }]) => {
  const base = medianOf(b.map((s) => s.median));
  const now = medianOf(c.map((s) => s.median));
  const share = understandingShare(script);
  return {
    script,
    baselineMedianUs: base,
    currentMedianUs: now,
    addedUs: now - base,
    ratio: Math.round((now / base) * 100) / 100,
    baselineP90Us: medianOf(b.map((s) => s.p90)),
    currentP90Us: medianOf(c.map((s) => s.p90)),
    understandingShare: Math.round(share * 1000) / 1000,
    understandingUs: Math.round(share * now),
  };
});
mkdirSync('bench/results', { recursive: true });
const stamp = { at: new Date().toISOString(), node: process.version, baseline, rounds, conversations: Number(conversations) };
writeFileSync('bench/results/understanding.json', `${JSON.stringify({ ...stamp, rows }, null, 2)}\n`);
const md = [
  `# Understanding's cost per turn (${stamp.at}, ${stamp.node})`,
  '',
  `Median turn time through \`bot.handle\` (memory store, one conversation at a time), current code against commit ${baseline} (before issue 9), alternating ${rounds} rounds in fresh processes; medians of the rounds.`,
  '',
  '| script | baseline median µs | current median µs | added µs | ratio | baseline p90 µs | current p90 µs | understanding share of CPU | ≈ understanding µs |',
  '|---|---|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.script} | ${r.baselineMedianUs} | ${r.currentMedianUs} | ${r.addedUs} | ${r.ratio} | ${r.baselineP90Us} | ${r.currentP90Us} | ${(r.understandingShare * 100).toFixed(1)} % | ${r.understandingUs} |`),
  '',
  'Target (issue 9): offline understanding adds at most 100 µs to the median. "Added" compares with the code before issue 9 *and* before issues 8 and 10 (log pseudonyms and masking, records written with the session, the calendar, the larger catalogue): an upper bound. The last two columns attribute the current median by a CPU profile of the same code: the share of busy time whose stack passes through understanding code. The guide script is in residents\' own words; at the baseline most of its turns are misunderstood (reprompts are cheap), so its difference is no like-for-like comparison.',
  '',
].join('\n');
writeFileSync('bench/results/understanding.md', md);
process.stdout.write(md);
