import type { EffectRecord } from '../../../bot/bot';
import type { OutboundMessage } from '../../../bot/message';
import { mismatch } from './match';
import type { EffectExpect, EvalCase, Expect } from './schema';
import { replyText, type TurnRecord } from './transcript';

/** An unmet expectation: which field, why, and where (turn number, or the end of the conversation). */
export interface Failure {
  field: string;
  message: string;
  /** 1-based turn of a turn's own `expect`; undefined for the case's final `expect`. */
  turn?: number;
}

/** Every unmet expectation of a case, turn expectations first, in the order the fields are listed in ORDER. */
export function checkCase(c: EvalCase, turns: TurnRecord[]): Failure[] {
  const failures: Failure[] = [];
  c.turns.forEach((t, i) => {
    if (t.expect && i < turns.length) failures.push(...checkExpect(t.expect, turns.slice(0, i + 1)).map((f) => ({ ...f, turn: i + 1 })));
  });
  failures.push(...checkExpect(c.expect, turns));
  return failures;
}

type Check = (expected: never, turns: TurnRecord[]) => string | undefined;

/** The order failures are reported in: what the resident was shown first, then how the bot spoke. */
const ORDER = ['items', 'noItems', 'reached', 'flow', 'answers', 'slots', 'effects', 'noEffects', 'handoff', 'emergency', 'choices', 'replyIncludes', 'replyMatches', 'anyReplyIncludes', 'noReplyIncludes', 'askedAtMost', 'notReached'] as const satisfies readonly (keyof Expect)[];

/** The unmet expectations of one `expect` against the turns so far. */
export function checkExpect(expect: Expect, turns: TurnRecord[]): Failure[] {
  const failures: Failure[] = [];
  for (const field of ORDER) {
    const expected = expect[field];
    if (expected === undefined) continue;
    const message = (CHECKS[field] as Check)(expected as never, turns);
    if (message) failures.push({ field, message });
  }
  return failures;
}

const effectsOf = (turns: TurnRecord[]): EffectRecord[] => turns.flatMap((t) => t.effects);
const repliesOf = (turns: TurnRecord[]): OutboundMessage[] => turns.flatMap((t) => t.replies);
const textsOf = (replies: OutboundMessage[]): string[] => replies.map(replyText);
const itemsOf = (turns: TurnRecord[]): string[] => effectsOf(turns).filter((e) => e.action === 'catalog.begin').map((e) => String(e.input.code));
const reachedOf = (turns: TurnRecord[]): Set<string> => new Set(turns.flatMap((t) => t.reached));
const list = (values: Iterable<string>): string => [...values].join(', ') || 'none';
const quote = (s: string): string => `«${s.length > 80 ? `${s.slice(0, 80)}…` : s}»`;

function effectMatches(expected: EffectExpect, actual: EffectRecord): boolean {
  if (typeof expected === 'string') return actual.action === expected;
  if (actual.action !== expected.action) return false;
  if (expected.ok !== undefined && actual.ok !== expected.ok) return false;
  return expected.input === undefined || mismatch(expected.input, actual.input) === undefined;
}

const describeEffect = (e: EffectExpect): string => (typeof e === 'string' ? e : `${e.action}${e.input ? ` ${JSON.stringify(e.input)}` : ''}${e.ok === undefined ? '' : e.ok ? ' (ok)' : ' (failed)'}`);
const describeRan = (effects: EffectRecord[]): string => list(effects.map((e) => (e.action === 'catalog.begin' ? `catalog.begin(${String(e.input.code)})` : e.action)));

/** The guide's answers for `code`: the freshest guide state or `catalog.answer` input naming it. */
export function guideAnswers(turns: TurnRecord[], code: string): Record<string, unknown> | undefined {
  for (const t of [...turns].reverse()) {
    if (t.state.guide?.code === code) return t.state.guide.answers;
    for (const e of [...t.effects].reverse()) {
      const guide = e.input.guide as { code?: unknown; answers?: Record<string, unknown> } | undefined;
      if (e.action === 'catalog.answer' && guide?.code === code) return guide.answers ?? {};
    }
  }
  return undefined;
}

/** Questions the bot asked: choices, or text ending in a question mark. */
function questionKey(m: OutboundMessage): string | undefined {
  if (m.kind === 'choices') return m.text;
  if (m.kind === 'text' && /[？?]\s*$/u.test(m.text)) return m.text;
  return undefined;
}

const CHECKS: { [K in (typeof ORDER)[number]]: (expected: NonNullable<Expect[K]>, turns: TurnRecord[]) => string | undefined } = {
  items(expected, turns) {
    const got = itemsOf(turns);
    const fits = (c: string, e: string | string[]) => (typeof e === 'string' ? c === e : e.includes(c));
    const shown = expected.map((e) => (typeof e === 'string' ? e : e.join('|'))).join(', ');
    return got.length === expected.length && got.every((c, i) => fits(c, expected[i] as string | string[])) ? undefined : `expected items [${shown}], the guide began [${got.join(', ')}]`;
  },
  noItems(expected, turns) {
    const hit = itemsOf(turns).filter((c) => expected.includes(c));
    return hit.length ? `the guide began ${list(new Set(hit))}, which it should not` : undefined;
  },
  reached(expected, turns) {
    const got = reachedOf(turns);
    const missing = expected.filter((f) => !got.has(f));
    return missing.length ? `never reached ${list(missing)} (reached: ${list(got)})` : undefined;
  },
  notReached(expected, turns) {
    const got = reachedOf(turns);
    const hit = expected.filter((f) => got.has(f));
    return hit.length ? `reached ${list(hit)}, which it should not` : undefined;
  },
  flow(expected, turns) {
    const got = turns.at(-1)?.state.flow ?? null;
    return got === expected ? undefined : `expected to be in ${expected ?? 'no dialogue'}, is in ${got ?? 'no dialogue'}`;
  },
  answers(expected, turns) {
    const code = itemsOf(turns).at(-1);
    if (!code) return 'no item was begun, so there are no answers';
    const got = guideAnswers(turns, code);
    if (!got) return `no answers recorded for ${code}`;
    const m = mismatch(expected, got, 'answers');
    return m ? `${m} (answers: ${JSON.stringify(got)})` : undefined;
  },
  slots(expected, turns) {
    const state = turns.at(-1)?.state;
    if (!state?.flow) return 'no dialogue is running, so there are no slots';
    const m = mismatch(expected, state.slots, 'slots');
    return m ? `${m} (in ${state.flow})` : undefined;
  },
  effects(expected, turns) {
    const ran = effectsOf(turns);
    let at = 0;
    for (const [i, e] of expected.entries()) {
      const found = ran.findIndex((r, j) => j >= at && effectMatches(e, r));
      if (found < 0) {
        const near = typeof e === 'string' ? undefined : ran.filter((r) => r.action === e.action).at(-1);
        const why = near && typeof e !== 'string' && e.input ? `; nearest: ${mismatch(e.input, near.input, 'input')}` : '';
        return `expected effect ${describeEffect(e)}${i > 0 ? ` after ${describeEffect(expected[i - 1] as EffectExpect)}` : ''} (ran: ${describeRan(ran)})${why}`;
      }
      at = found + 1;
    }
    return undefined;
  },
  noEffects(expected, turns) {
    const ran = effectsOf(turns);
    const hit = expected.find((e) => ran.some((r) => effectMatches(e, r)));
    return hit === undefined ? undefined : `effect ${describeEffect(hit)} ran, which it should not`;
  },
  handoff(expected, turns) {
    const asked = effectsOf(turns).some((e) => e.action === 'handoff.request');
    return asked === expected ? undefined : expected ? 'no hand-over to a human was requested (handoff.request)' : 'a hand-over to a human was requested, which it should not';
  },
  emergency(expected, turns) {
    const rules = effectsOf(turns).filter((e) => e.action === 'emergency.redirect').map((e) => String(e.input.rule));
    if (expected === false) return rules.length ? `an emergency answer was given (${list(rules)}), which it should not` : undefined;
    if (expected === true) return rules.length ? undefined : 'no emergency answer was given (emergency.redirect)';
    return rules.includes(expected) ? undefined : `expected the emergency answer "${expected}", got ${list(rules)}`;
  },
  choices(expected, turns) {
    const offered = turns.at(-1)?.replies.filter((r) => r.kind === 'choices').at(-1);
    if (offered?.kind !== 'choices') return 'the last turn offered no numbered options';
    const labels = offered.options.map((o) => o.label);
    const shown = `(offered: ${labels.join(' / ')})`;
    const missing = (expected.includes ?? []).filter((f) => !labels.some((l) => l.includes(f)));
    if (missing.length) return `no option contains ${missing.map(quote).join(', ')} ${shown}`;
    const unwanted = (expected.excludes ?? []).filter((f) => labels.some((l) => l.includes(f)));
    if (unwanted.length) return `an option contains ${unwanted.map(quote).join(', ')} ${shown}`;
    if (expected.atLeast !== undefined && labels.length < expected.atLeast) return `${labels.length} options, expected at least ${expected.atLeast} ${shown}`;
    if (expected.atMost !== undefined && labels.length > expected.atMost) return `${labels.length} options, expected at most ${expected.atMost} ${shown}`;
    return undefined;
  },
  replyIncludes(expected, turns) {
    const texts = textsOf(turns.at(-1)?.replies ?? []);
    const missing = expected.filter((f) => !texts.some((t) => t.includes(f)));
    return missing.length ? `no reply of the turn contains ${missing.map(quote).join(', ')}` : undefined;
  },
  replyMatches(expected, turns) {
    const texts = textsOf(turns.at(-1)?.replies ?? []);
    const missing = expected.filter((p) => !texts.some((t) => new RegExp(p, 'u').test(t)));
    return missing.length ? `no reply of the turn matches ${missing.map((p) => `/${p}/`).join(', ')}` : undefined;
  },
  anyReplyIncludes(expected, turns) {
    const texts = textsOf(repliesOf(turns));
    const missing = expected.filter((f) => !texts.some((t) => t.includes(f)));
    return missing.length ? `no reply of the conversation contains ${missing.map(quote).join(', ')}` : undefined;
  },
  noReplyIncludes(expected, turns) {
    for (const [i, t] of turns.entries()) {
      for (const text of textsOf(t.replies)) {
        const hit = expected.find((f) => text.includes(f));
        if (hit !== undefined) return `turn ${i + 1}: a reply contains ${quote(hit)}: ${quote(text)}`;
      }
    }
    return undefined;
  },
  askedAtMost(expected, turns) {
    const replies = repliesOf(turns);
    if (typeof expected === 'number') {
      const counts = new Map<string, number>();
      for (const key of replies.flatMap((r) => questionKey(r) ?? [])) counts.set(key, (counts.get(key) ?? 0) + 1);
      const over = [...counts].find(([, n]) => n > expected);
      return over ? `asked ${quote(over[0])} ${over[1]} times (at most ${expected})` : undefined;
    }
    const n = textsOf(replies).filter((t) => t.includes(expected.question)).length;
    return n > expected.times ? `asked ${quote(expected.question)} ${n} times (at most ${expected.times})` : undefined;
  },
};
