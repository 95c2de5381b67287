import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../integrations/govservice/catalog/loader';
import { loadCatalogSearch } from '../../../integrations/govservice/catalog/search/index';
import { evaluateSearch, HOLDOUT_QUESTIONS_PATH, loadEvalQuestions, type EvalReport } from '../../eval/search-eval';

describe('catalogue search evaluation set', () => {
  const questions = loadEvalQuestions();
  let report: EvalReport;
  let codes: Set<string>;

  beforeAll(async () => {
    const catalog = await loadCatalog();
    codes = new Set([...catalog.items.map((i) => i.code), ...catalog.bundles.map((b) => b.code)]);
    const searcher = await loadCatalogSearch({ catalog });
    report = evaluateSearch(searcher.search, questions);
  });

  it('is large enough and only expects codes that exist', () => {
    expect(questions.filter((q) => q.expected !== 'none').length).toBeGreaterThanOrEqual(150);
    expect(questions.filter((q) => q.expected === 'none').length).toBeGreaterThanOrEqual(10);
    const unknown = questions.flatMap((q) => (q.expected === 'none' ? [] : q.expected)).filter((c) => !codes.has(c));
    expect(unknown).toEqual([]);
  });

  it('has a held-out set that only expects codes that exist', () => {
    const holdout = loadEvalQuestions(HOLDOUT_QUESTIONS_PATH);
    expect(holdout.length).toBeGreaterThan(0);
    expect(holdout.flatMap((q) => (q.expected === 'none' ? [] : q.expected)).filter((c) => !codes.has(c))).toEqual([]);
  });

  it('covers every catalogue entry', () => {
    const expected = new Set(questions.flatMap((q) => (q.expected === 'none' ? [] : q.expected)));
    expect([...codes].filter((c) => !expected.has(c))).toEqual([]);
  });

  it('meets the accuracy targets (top-1 ≥ 95 %, top-3 ≥ 98 %)', () => {
    const misses = report.misses.map((m) => `${m.q} → ${m.got.join(' ')}`);
    expect({ top1: report.top1 >= 0.95, top3: report.top3 >= 0.98, misses }).toMatchObject({ top1: true, top3: true });
  });

  it("says 'none' for questions outside the catalogue, and rarely for answerable ones", () => {
    expect(report.noneRecall).toBeGreaterThanOrEqual(0.9);
    expect(report.nonePrecision).toBeGreaterThanOrEqual(0.9);
  });
});
