import { checkCase, type Failure } from './check';
import { createEvalBot, runConversation, type HarnessOptions } from './conversation';
import { loadKnown, type Known } from './known';
import { evalFiles, loadEvalFiles, type LoadedFile } from './load';
import { KINDS, type Expect, type Kind } from './schema';
import type { TurnRecord } from './transcript';

/** CI's bar for the offline set. */
export const PASS_BAR = 0.95;

export interface CaseResult {
  file: string;
  kind: Kind;
  name: string;
  passed: boolean;
  failures: Failure[];
  turns: TurnRecord[];
}

export interface Tally {
  total: number;
  passed: number;
  rate: number;
}

export interface EvalReport {
  /** How the bot understood residents: `offline` (the default), or whatever the compose hook named. */
  mode: string;
  results: CaseResult[];
  overall: Tally;
  byKind: Partial<Record<Kind, Tally>>;
  byFile: Record<string, Tally>;
  /** Catalogue codes and flows that no expectation names (what the set does not measure yet). */
  uncovered: { codes: string[]; flows: string[] };
}

export interface EvalOptions extends HarnessOptions {
  /** Only files of this kind. */
  kind?: Kind;
  /** Only cases whose name contains this. */
  case?: string;
  /** The files (default: every YAML file in test/eval/dialogue). */
  paths?: string[];
  mode?: string;
  known?: Known;
}

const tally = (results: CaseResult[]): Tally => {
  const passed = results.filter((r) => r.passed).length;
  return { total: results.length, passed, rate: results.length ? passed / results.length : 0 };
};

/** Runs the dialogue evaluation: every selected case through a freshly composed bot per file. */
export async function runDialogueEval(options: EvalOptions = {}): Promise<EvalReport> {
  const known = options.known ?? (await loadKnown());
  const files = loadEvalFiles(known, options.paths ?? evalFiles());
  const results: CaseResult[] = [];
  for (const { file, data } of files) {
    if (options.kind && data.kind !== options.kind) continue;
    const cases = data.cases.filter((c) => !options.case || c.name.includes(options.case));
    if (!cases.length) continue;
    const bot = await createEvalBot(data, known, options);
    try {
      for (const c of cases) {
        const turns = await runConversation(bot, c);
        const failures = checkCase(c, turns);
        results.push({ file, kind: data.kind, name: c.name, passed: failures.length === 0, failures, turns });
      }
    } finally {
      await bot.composed.close();
    }
  }
  const byKind: Partial<Record<Kind, Tally>> = {};
  for (const kind of KINDS) {
    const of = results.filter((r) => r.kind === kind);
    if (of.length) byKind[kind] = tally(of);
  }
  const byFile = Object.fromEntries([...new Set(results.map((r) => r.file))].map((f) => [f, tally(results.filter((r) => r.file === f))]));
  return { mode: options.mode ?? 'offline', results, overall: tally(results), byKind, byFile, uncovered: uncovered(files, known) };
}

/** What no case expects: catalogue codes never in `items`, flows never in `reached`, `notReached` or `flow`. */
function uncovered(files: LoadedFile[], known: Known): EvalReport['uncovered'] {
  const expects: Expect[] = files.flatMap((f) => f.data.cases.flatMap((c) => [c.expect, ...c.turns.flatMap((t) => t.expect ?? [])]));
  const codes = new Set(expects.flatMap((e) => (e.items ?? []).flat()));
  const flows = new Set(expects.flatMap((e) => [...(e.reached ?? []), ...(e.notReached ?? []), ...(e.flow ? [e.flow] : [])]));
  return {
    codes: [...known.answers.keys()].filter((c) => !codes.has(c)).sort(),
    flows: [...known.flows.keys()].filter((f) => !flows.has(f)).sort(),
  };
}
