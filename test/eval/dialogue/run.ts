/**
 * `npm run eval:dialogue`: residents' conversations (test/eval/dialogue/*.yaml) through the real
 * bot, scored against the outcome a good product reaches. Prints the pass rate overall, per kind
 * and per file, then each failing case with its first unmet expectation and the transcript.
 *
 *   --kind X       only files of kind X (choice-words, digression, greeting-first, ambiguity,
 *                  slot-filling, around-dialogue, baseline)
 *   --case text    only cases whose name contains text
 *   --json         a machine-readable summary on stdout
 *   --verbose      every case with its transcript, and every unmet expectation
 *   --bar 0.95     exit 1 below this pass rate (default: CI's bar for the default folder, none for --dir)
 *   --dir path     the folder of case files (default test/eval/dialogue); e.g. test/eval/holdout,
 *                  the held-out set the engine was never tuned on — a measurement, not a gate
 *   --llm          with the LLM understanding asked on every message: the model LLM_* names, or
 *                  (unset) the recorded answers in test/fixtures/llm/recordings.json, replayed
 *                  through the same request, parser, checks and fallback; prints how many
 *                  messages a recording answered
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { silentLogger } from '../../../bot/logger';
import type { Understanding } from '../../../bot/understanding/snapshot';
import { createReplayUnderstanding, loadLlmConfig, type ReplayStats } from '../../../integrations/llm';
import { PASS_BAR, runDialogueEval } from './evaluate';
import { EvalFormatError, evalFiles } from './load';
import { formatReport, jsonReport } from './report';
import { KINDS, type Kind } from './schema';

// `… | head` closes the pipe early: stop quietly instead of throwing EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const { values } = parseArgs({
  options: {
    kind: { type: 'string' },
    case: { type: 'string' },
    json: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    bar: { type: 'string' },
    llm: { type: 'boolean', default: false },
    dir: { type: 'string' },
  },
});

if (values.kind !== undefined && !(KINDS as readonly string[]).includes(values.kind)) {
  console.error(`eval:dialogue: unknown kind "${values.kind}" (one of ${KINDS.join(', ')})`);
  process.exit(2);
}
const RECORDINGS = fileURLToPath(new URL('../../fixtures/llm/recordings.json', import.meta.url));
const live = loadLlmConfig(process.env).enabled;
const replays: (() => ReplayStats)[] = [];
// With --llm every message goes to the LLM reader (confidence below 1.01 always): its readings, not the offline shortcut's, are scored.
const llmOptions = values.llm
  ? {
      mode: live ? 'llm' : 'llm (recorded answers)',
      compose: () => ({
        llmBelow: 1.01,
        ...(live
          ? {}
          : {
              llm: (offline: Understanding) => {
                const replay = createReplayUnderstanding({ recordings: RECORDINGS, offline, logger: silentLogger() });
                replays.push(replay.stats);
                return replay.understanding;
              },
            }),
      }),
    }
  : {};
const dir = values.dir === undefined ? undefined : resolve(values.dir);
if (dir !== undefined && !(existsSync(dir) && statSync(dir).isDirectory())) {
  console.error(`eval:dialogue: --dir "${values.dir}" is not a folder`);
  process.exit(2);
}
const paths = dir === undefined ? undefined : evalFiles(dir);
if (paths?.length === 0) {
  console.error(`eval:dialogue: no *.yaml case files in ${values.dir}`);
  process.exit(2);
}
// Another folder (the held-out set) is measured, not gated, unless a bar is asked for.
const bar = values.bar === undefined ? (dir === undefined ? PASS_BAR : undefined) : Number(values.bar);
if (bar !== undefined && !(bar >= 0 && bar <= 1)) {
  console.error(`eval:dialogue: --bar takes a share between 0 and 1 (got "${values.bar}")`);
  process.exit(2);
}

try {
  const mode = `${llmOptions.mode ?? 'offline'}${values.dir === undefined ? '' : `, ${values.dir}`}`;
  const report = await runDialogueEval({ kind: values.kind as Kind | undefined, case: values.case, paths, ...llmOptions, mode });
  if (report.overall.total === 0) {
    console.error('eval:dialogue: no case matches the filters');
    process.exit(2);
  }
  console.log(values.json ? JSON.stringify(jsonReport(report, { verbose: values.verbose, bar }), null, 2) : formatReport(report, { verbose: values.verbose, bar }));
  if (replays.length) {
    const stats = replays.map((s) => s());
    const hits = stats.reduce((n, s) => n + s.hits, 0);
    const misses = stats.reduce((n, s) => n + s.misses.length, 0);
    console.error(`eval:dialogue: recorded answers replayed for ${hits} messages; ${misses} had none and were read offline`);
  }
  process.exitCode = bar === undefined || report.overall.rate >= bar ? 0 : 1;
} catch (error) {
  if (!(error instanceof EvalFormatError)) throw error;
  console.error(error.message);
  process.exitCode = 2;
}
