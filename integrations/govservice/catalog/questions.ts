import { activeItems, conditionalRules, dimensionsOf, effectiveAnswers, matchWhen, type Target } from './resolve';
import { COMMON_HINTS } from './extract';
import type { Answers, Dimension, EligibilityRule } from './schema';

/** The next thing to ask, with options numbered from 1 as residents reply 「1」「2」. */
export interface Question {
  kind: 'eligibility' | 'scenario';
  dimensionId: string;
  question: string;
  /** `hints`: the resident's own words for each option (the catalogue's and the common ones). */
  options: { n: number; value: string; label: string; hints: string[] }[];
  /** Ready-to-send text: the question and numbered options. */
  text: string;
}

function toQuestion(kind: Question['kind'], dim: Dimension): Question {
  const options = dim.options.map((o, i) => ({ n: i + 1, value: o.value, label: o.label, hints: [...o.hints, ...(COMMON_HINTS[dim.id]?.[o.value] ?? [])] }));
  return { kind, dimensionId: dim.id, question: dim.question, options, text: [dim.question, ...options.map((o) => `${o.n}. ${o.label}`), '请回复数字。'].join('\n') };
}

/** Eligibility of a bundle: 'no' (with the failed rules) as soon as one known answer is outside `eligible`. */
export function eligibilityOf(target: Target, answers: Answers): { status: 'yes' | 'no' | 'unknown'; failed: EligibilityRule[] } {
  if (target.kind === 'item') return { status: 'yes', failed: [] };
  const failed = target.bundle.eligibility.filter((r) => answers[r.id] !== undefined && !r.eligible.includes(answers[r.id] ?? ''));
  if (failed.length > 0) return { status: 'no', failed };
  return { status: target.bundle.eligibility.every((r) => answers[r.id] !== undefined) ? 'yes' : 'unknown', failed: [] };
}

/** True when some rule still open under `answers` depends on `dimId`, i.e. its answer changes what we tell. */
export function dimensionMatters(target: Target, dimId: string, answers: Answers): boolean {
  const members = target.kind === 'bundle' ? target.members.flatMap((m) => (m.when ? [m.when] : [])) : [];
  const provided = new Set(target.kind === 'bundle' ? target.bundle.provided.map((p) => p.item) : []);
  const rules = [...members, ...activeItems(target, answers).flatMap((item) => (provided.has(item.code) ? [] : conditionalRules(item)))];
  return rules.some((when) => dimId in when && matchWhen(when, answers).status !== 'no');
}

/**
 * The next question whose answer changes the materials list (or fees, conditions), or undefined
 * when everything needed is known. Bundle eligibility comes first; once a bundle is found
 * ineligible no more questions are asked (the items are listed one by one instead).
 * Dimensions already answered, implied by the bundle, or that change nothing are skipped.
 */
export function questionsFor(target: Target, known: Answers): Question | undefined {
  const answers = effectiveAnswers(target, known);
  if (target.kind === 'bundle') {
    if (eligibilityOf(target, answers).status === 'no') return undefined;
    const rule = target.bundle.eligibility.find((r) => answers[r.id] === undefined);
    if (rule) return toQuestion('eligibility', rule);
  }
  const dim = dimensionsOf(target).find((d) => answers[d.id] === undefined && dimensionMatters(target, d.id, answers));
  return dim ? toQuestion('scenario', dim) : undefined;
}

/**
 * Every question still open, in the order they will be asked (the first is `questionsFor`'s):
 * a resident may answer a later one first ("肢体残疾" when asked about the 户口).
 */
export function openQuestions(target: Target, known: Answers): Question[] {
  const first = questionsFor(target, known);
  if (!first) return [];
  const answers = effectiveAnswers(target, known);
  const rules = target.kind === 'bundle' ? target.bundle.eligibility.filter((r) => answers[r.id] === undefined).map((r) => toQuestion('eligibility', r)) : [];
  const dims = dimensionsOf(target).filter((d) => answers[d.id] === undefined && dimensionMatters(target, d.id, answers)).map((d) => toQuestion('scenario', d));
  return [first, ...[...rules, ...dims].filter((q) => q.dimensionId !== first.dimensionId)];
}

/** The question of one dimension or eligibility rule of the target, whether asked yet or not. */
export function questionOf(target: Target, dimensionId: string): Question | undefined {
  const rule = target.kind === 'bundle' ? target.bundle.eligibility.find((r) => r.id === dimensionId) : undefined;
  if (rule) return toQuestion('eligibility', rule);
  const dim = dimensionsOf(target).find((d) => d.id === dimensionId);
  return dim ? toQuestion('scenario', dim) : undefined;
}

/** Questions the resident already answered (not the bundle's fixed answers): they may correct one. */
export function answeredQuestions(target: Target, known: Answers): Question[] {
  return Object.keys(known).flatMap((id) => questionOf(target, id) ?? []);
}

const FULL_WIDTH_DIGITS = /[０-９]/g;

/** Reads a reply to a question: the option number (half- or full-width) or the option label. */
export function answerFromReply(question: Question, reply: string): string | undefined {
  const text = reply.replace(FULL_WIDTH_DIGITS, (d) => String(d.charCodeAt(0) - 0xff10)).trim();
  const n = Number.parseInt(text, 10);
  if (String(n) === text) return question.options.find((o) => o.n === n)?.value;
  return question.options.find((o) => text.includes(o.label) || o.label.includes(text))?.value;
}
