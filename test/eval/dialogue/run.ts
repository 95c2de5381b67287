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
 *   --bar 0.95     exit 1 below this pass rate (default: CI's bar)
 *   --llm          with an LLM (LLM_* configured, or recorded fixtures): not wired yet — the
 *                  lead plugs the LLM understanding in through `EvalOptions.compose` (composeBot
 *                  options laid over the defaults), see evaluate.ts / conversation.ts
 */
import { parseArgs } from 'node:util';
import { PASS_BAR, runDialogueEval } from './evaluate';
import { EvalFormatError } from './load';
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
  },
});

if (values.kind !== undefined && !(KINDS as readonly string[]).includes(values.kind)) {
  console.error(`eval:dialogue: unknown kind "${values.kind}" (one of ${KINDS.join(', ')})`);
  process.exit(2);
}
if (values.llm) {
  console.error('eval:dialogue: --llm is not wired yet; the offline set runs without it (see EvalOptions.compose in test/eval/dialogue/evaluate.ts).');
  process.exit(2);
}
const bar = values.bar === undefined ? PASS_BAR : Number(values.bar);
if (!(bar >= 0 && bar <= 1)) {
  console.error(`eval:dialogue: --bar takes a share between 0 and 1 (got "${values.bar}")`);
  process.exit(2);
}

try {
  const report = await runDialogueEval({ kind: values.kind as Kind | undefined, case: values.case });
  if (report.overall.total === 0) {
    console.error('eval:dialogue: no case matches the filters');
    process.exit(2);
  }
  console.log(values.json ? JSON.stringify(jsonReport(report, { verbose: values.verbose, bar }), null, 2) : formatReport(report, { verbose: values.verbose, bar }));
  process.exitCode = report.overall.rate >= bar ? 0 : 1;
} catch (error) {
  if (!(error instanceof EvalFormatError)) throw error;
  console.error(error.message);
  process.exitCode = 2;
}
