import type { EvalReport, Tally } from './evaluate';
import { formatTranscript } from './transcript';

const pct = (t: Tally): string => `${(t.rate * 100).toFixed(1)}% (${t.passed}/${t.total})`;

/** The human-readable report: pass rates overall and per kind, then each failing case with its first unmet expectation and transcript. */
export function formatReport(report: EvalReport, options: { verbose?: boolean; bar?: number } = {}): string {
  const out: string[] = [];
  out.push(`dialogue evaluation (${report.mode}): ${pct(report.overall)} passed${options.bar !== undefined ? `, bar ${(options.bar * 100).toFixed(0)}%` : ''}`);
  for (const [kind, t] of Object.entries(report.byKind)) out.push(`  ${kind.padEnd(16)} ${pct(t)}`);
  out.push('  by file:');
  for (const [file, t] of Object.entries(report.byFile)) out.push(`    ${file.padEnd(26)} ${pct(t)}`);
  const { codes, flows } = report.uncovered;
  out.push(`  not covered by any case: ${codes.length || flows.length ? [codes.length ? `items ${codes.join(', ')}` : '', flows.length ? `flows ${flows.join(', ')}` : ''].filter(Boolean).join('; ') : 'nothing (every catalogue item, bundle and flow is expected somewhere)'}`);
  for (const r of report.results) {
    if (r.passed && !options.verbose) continue;
    out.push('', `${r.passed ? 'PASS' : 'FAIL'} [${r.kind}] ${r.name}  (${r.file})`);
    const first = r.failures[0];
    if (first) out.push(`  ${first.turn ? `turn ${first.turn}` : 'end'} · ${first.field}: ${first.message}`);
    if (options.verbose) for (const f of r.failures.slice(1)) out.push(`  ${f.turn ? `turn ${f.turn}` : 'end'} · ${f.field}: ${f.message}`);
    out.push(formatTranscript(r.turns));
  }
  return out.join('\n');
}

/** The machine-readable summary (`--json`): rates, and every failure without transcripts (`--verbose` adds them). */
export function jsonReport(report: EvalReport, options: { verbose?: boolean; bar?: number } = {}): unknown {
  return {
    mode: report.mode,
    bar: options.bar,
    overall: report.overall,
    byKind: report.byKind,
    byFile: report.byFile,
    uncovered: report.uncovered,
    failures: report.results
      .filter((r) => !r.passed)
      .map((r) => ({ file: r.file, kind: r.kind, case: r.name, failures: r.failures, ...(options.verbose ? { transcript: formatTranscript(r.turns, '').split('\n') } : {}) })),
  };
}
