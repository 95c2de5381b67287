import { z } from 'zod';
import { matcherProblems } from './match';

/**
 * The dialogue evaluation's file format: `test/eval/dialogue/<name>.yaml`, each
 * `{ kind, clock?, env?, cases: [{ name, turns, expect }] }`. Turns are what a resident sends
 * (as in the flows' conversation tests); `expect` is the outcome a good product reaches, checked
 * after the last turn (a turn may carry its own `expect`, checked right after it).
 */

export const KINDS = ['choice-words', 'digression', 'greeting-first', 'ambiguity', 'slot-filling', 'around-dialogue', 'baseline', 'booking', 'progress'] as const;
export type Kind = (typeof KINDS)[number];

// YAML reads `1` or `119` as numbers; what a resident says or reads is always text.
const text = z.union([z.string(), z.number()]).transform(String);
const texts = z.union([text, z.array(text).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));
const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'a duration like 90s, 45m, 2h or 1d');

/** A deep partial value; `$not`, `$absent`, `$includes`, `$matches`, … as in match.ts. */
const matcher = z.unknown().superRefine((value, ctx) => {
  for (const problem of matcherProblems(value)) ctx.addIssue({ code: 'custom', message: problem });
});
const shape = z.record(z.string(), matcher);

const regex = text.superRefine((source, ctx) => {
  try {
    new RegExp(source, 'u');
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `not a regular expression: ${(error as Error).message}` });
  }
});

/** An action that ran: its name, or the name with a partial input and whether it succeeded. */
export const EffectExpectSchema = z.union([
  z.string().min(1),
  z.strictObject({ action: z.string().min(1), input: shape.optional(), ok: z.boolean().optional() }),
]);
export type EffectExpect = z.infer<typeof EffectExpectSchema>;

export const ExpectSchema = z.strictObject({
  /** The dialogue the resident is in at the end (its flow id), or null for none. */
  flow: z.string().min(1).nullable().optional(),
  /** Flows entered at some point, in any order. */
  reached: z.array(z.string().min(1)).min(1).optional(),
  /** Flows never entered (e.g. `fallback`, the "没听懂" answer). */
  notReached: z.array(z.string().min(1)).min(1).optional(),
  /** Catalogue codes the guide began (`catalog.begin`), exactly and in order ([] means none); a list at a position accepts any of its codes. */
  items: z.array(z.union([z.string().min(1), z.array(z.string().min(1)).min(2)])).optional(),
  /** Catalogue codes the guide must never have begun (a confidently wrong service). */
  noItems: z.array(z.string().min(1)).min(1).optional(),
  /** The guide's scenario answers for the last item begun (deep partial). */
  answers: shape.optional(),
  /** Slots of the dialogue the resident is in (deep partial). */
  slots: shape.optional(),
  /** Actions that ran, in this order (others may run in between). */
  effects: z.array(EffectExpectSchema).min(1).optional(),
  /** Actions that must not have run (by name, or name with a partial input). */
  noEffects: z.array(EffectExpectSchema).min(1).optional(),
  /** A hand-over to a human was requested (`handoff.request`), or (false) never. */
  handoff: z.boolean().optional(),
  /** An emergency answer was given (`emergency.redirect`; a rule id such as `fire` names which), or (false) never. */
  emergency: z.union([z.boolean(), z.string().min(1)]).optional(),
  /** The numbered options of the last question offered in the turn: fragments each in some option, and how many. */
  choices: z
    .strictObject({ includes: texts.optional(), excludes: texts.optional(), atLeast: z.number().int().min(1).optional(), atMost: z.number().int().min(1).optional() })
    .optional(),
  /** Fragments each contained in some reply of the turn. */
  replyIncludes: texts.optional(),
  /** Regular expressions each matched by some reply of the turn. */
  replyMatches: z.union([regex, z.array(regex).min(1)]).transform((v) => (Array.isArray(v) ? v : [v])).optional(),
  /** Fragments each contained in some reply of the conversation so far. */
  anyReplyIncludes: texts.optional(),
  /** Fragments no reply of the conversation so far may contain. */
  noReplyIncludes: texts.optional(),
  /**
   * How often the bot may ask one question: a number bounds every question (a reply ending in
   * ？ or offering options), `{ question, times }` the replies containing that fragment.
   */
  askedAtMost: z.union([z.number().int().min(1), z.strictObject({ question: text, times: z.number().int().min(1) })]).optional(),
});
export type Expect = z.infer<typeof ExpectSchema>;
export type ExpectField = keyof Expect;

export const EvalTurnSchema = z
  .strictObject({
    /** What the resident sends: text … */
    say: text.optional(),
    /** … repeated this many times (a long paste) … */
    repeat: z.number().int().min(2).max(5000).optional(),
    /** … a menu click key … */
    menu: z.string().min(1).optional(),
    /** … a location … */
    location: z.strictObject({ latitude: z.number(), longitude: z.number(), label: z.string().optional() }).optional(),
    /** … an image URL … */
    image: z.string().min(1).optional(),
    /** … a voice message with its recognised text (null: not recognised) … */
    voice: z.string().nullable().optional(),
    /** … a follow, optionally from a QR scene, or an unfollow. */
    subscribe: z.union([z.literal(true), z.string().min(1)]).optional(),
    unsubscribe: z.literal(true).optional(),
    /** Move the clock before this turn (default 1s). */
    after: duration.optional(),
    /** Checked right after this turn (the turn's replies; everything else up to here). */
    expect: ExpectSchema.optional(),
  })
  .refine((t) => [t.say, t.menu, t.location, t.image, t.voice, t.subscribe, t.unsubscribe].filter((v) => v !== undefined).length === 1, {
    message: 'each turn sends exactly one of say, menu, location, image, voice, subscribe, unsubscribe',
  })
  .refine((t) => t.repeat === undefined || t.say !== undefined, { message: 'repeat goes with say' });
export type EvalTurn = z.infer<typeof EvalTurnSchema>;

export const EvalCaseSchema = z.strictObject({
  name: z.string().min(1),
  /** Why a good product behaves as expected, when it is not obvious. */
  note: z.string().optional(),
  turns: z.array(EvalTurnSchema).min(1).max(40),
  expect: ExpectSchema.default({}),
});
export type EvalCase = z.infer<typeof EvalCaseSchema>;

export const EvalFileSchema = z.strictObject({
  kind: z.enum(KINDS),
  /** For baseline files: the flow the file covers. */
  flow: z.string().min(1).optional(),
  description: z.string().optional(),
  /** The clock each case starts at, ISO 8601 with offset (2026-12-01 is a Tuesday). */
  clock: z.iso.datetime({ offset: true }).default('2026-12-01T10:00:00+08:00'),
  /** Environment for the bot (e.g. CITY_NAME, HUMAN_AGENTS). */
  env: z.record(z.string(), z.string()).default({}),
  cases: z.array(EvalCaseSchema).min(1),
});
export type EvalFile = z.infer<typeof EvalFileSchema>;

export function durationMs(source: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(source);
  if (!m) throw new Error(`bad duration "${source}"`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
}
