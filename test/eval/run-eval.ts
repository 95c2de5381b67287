/**
 * `npm run eval:search`: score catalogue search on test/eval/search-questions.yaml and list misses.
 * Exit code 1 when below target (top-1 ≥ 95 %, top-3 ≥ 98 %).
 */
import { loadCatalogSearch } from '../../integrations/govservice/catalog/search/index';
import { evaluateSearch, HOLDOUT_QUESTIONS_PATH, loadEvalQuestions } from './search-eval';

export const TARGETS = { top1: 0.95, top3: 0.98 } as const;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

const searcher = await loadCatalogSearch();
const questions = loadEvalQuestions();
const report = evaluateSearch(searcher.search, questions);

console.log(`catalogue entries: ${searcher.size}; questions: ${questions.length} (${report.answerable} answerable, ${report.unanswerable} expect none)`);
console.log(`top-1 accuracy: ${pct(report.top1)}  (target ${pct(TARGETS.top1)})`);
console.log(`top-3 accuracy: ${pct(report.top3)}  (target ${pct(TARGETS.top3)})`);
console.log(`'none' precision: ${pct(report.nonePrecision)}  recall: ${pct(report.noneRecall)}  answerable classified none: ${report.falseNone}`);
if (report.misses.length > 0) {
  console.log('\nmisses (question | expected | verdict | got):');
  for (const m of report.misses) {
    const expected = m.expected === 'none' ? 'none' : m.expected.join('/');
    console.log(`  ${m.q} | ${expected} | ${m.verdict} | ${m.got.join(' ') || '—'}`);
  }
}

const holdout = evaluateSearch(searcher.search, loadEvalQuestions(HOLDOUT_QUESTIONS_PATH));
console.log(`\nheld-out set (never tuned against): top-1 ${pct(holdout.top1)}, top-3 ${pct(holdout.top3)}, 'none' precision ${pct(holdout.nonePrecision)} recall ${pct(holdout.noneRecall)}`);
for (const m of holdout.misses) {
  console.log(`  ${m.q} | ${m.expected === 'none' ? 'none' : m.expected.join('/')} | ${m.verdict} | ${m.got.join(' ') || '—'}`);
}

const iterations = 20_000;
const started = performance.now();
for (let i = 0; i < iterations; i++) searcher.search(questions[i % questions.length]?.q ?? '');
const elapsed = performance.now() - started;
console.log(`\nspeed: ${Math.round((iterations / elapsed) * 1000)} queries/s (${((elapsed / iterations) * 1000).toFixed(1)} µs/query)`);

process.exitCode = report.top1 >= TARGETS.top1 && report.top3 >= TARGETS.top3 ? 0 : 1;
