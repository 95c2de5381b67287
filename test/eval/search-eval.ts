import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { classify, type ClassifyOptions } from '../../integrations/govservice/catalog/search/classify';
import type { SearchHit } from '../../integrations/govservice/catalog/search/search-index';

/** The evaluation set for catalogue search: resident questions and the codes that answer them. */
export const SEARCH_QUESTIONS_PATH = fileURLToPath(new URL('./search-questions.yaml', import.meta.url));

/** Questions written after tuning and never tuned against; reported separately. */
export const HOLDOUT_QUESTIONS_PATH = fileURLToPath(new URL('./search-questions-holdout.yaml', import.meta.url));

export const EvalQuestionSchema = z.object({
  q: z.string().min(1),
  /** Codes any of which is a right answer, or `none` when the catalogue has nothing for it. */
  expected: z.union([z.literal('none'), z.array(z.string().min(1)).min(1)]),
});
export type EvalQuestion = z.infer<typeof EvalQuestionSchema>;

export function loadEvalQuestions(path = SEARCH_QUESTIONS_PATH): EvalQuestion[] {
  const parsed = z.array(EvalQuestionSchema).safeParse(parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`loadEvalQuestions(): invalid ${path}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export type EvalMiss = { q: string; expected: EvalQuestion['expected']; got: string[]; verdict: string };

export type EvalReport = {
  answerable: number;
  top1: number;
  top3: number;
  /** Of the answerable questions, how many were classified 'none' (the resident would be told we have nothing). */
  falseNone: number;
  unanswerable: number;
  /** Of the questions classified 'none', the share that really had no answer. */
  nonePrecision: number;
  /** Of the questions that really had no answer, the share classified 'none'. */
  noneRecall: number;
  misses: EvalMiss[];
};

type Search = (query: string, options?: { limit?: number }) => SearchHit[];

/** Run every question through search + classify and score it. */
export function evaluateSearch(search: Search, questions: readonly EvalQuestion[], classifyOptions?: ClassifyOptions): EvalReport {
  let answerable = 0;
  let top1 = 0;
  let top3 = 0;
  let falseNone = 0;
  let unanswerable = 0;
  let trueNone = 0;
  let predictedNone = 0;
  const misses: EvalMiss[] = [];

  for (const { q, expected } of questions) {
    const hits = search(q, { limit: 5 });
    const verdict = classify(hits, classifyOptions).kind;
    const got = hits.map((h) => `${h.code}:${h.score.toFixed(2)}`);
    if (verdict === 'none') predictedNone++;
    if (expected === 'none') {
      unanswerable++;
      if (verdict === 'none') trueNone++;
      else misses.push({ q, expected, got, verdict });
      continue;
    }
    answerable++;
    // A question the engine declares unanswerable is a miss even if the code was ranked first.
    const ranked = verdict === 'none' ? [] : hits.map((h) => h.code);
    const inTop1 = ranked.slice(0, 1).some((c) => expected.includes(c));
    const inTop3 = ranked.slice(0, 3).some((c) => expected.includes(c));
    if (verdict === 'none') falseNone++;
    if (inTop1) top1++;
    if (inTop3) top3++;
    if (!inTop1) misses.push({ q, expected, got, verdict });
  }

  return {
    answerable,
    top1: answerable ? top1 / answerable : 0,
    top3: answerable ? top3 / answerable : 0,
    falseNone,
    unanswerable,
    nonePrecision: predictedNone ? trueNone / predictedNone : 1,
    noneRecall: unanswerable ? trueNone / unanswerable : 1,
    misses,
  };
}
