import { z } from 'zod';

/**
 * Conversation tests: YAML files next to each flow (`<flow>.test.yaml`). Each case is a script of
 * what the resident sends and what must come back: replies (exact, pattern or fragment), slots of
 * the running flow, effects (actions run) and where the conversation is. Runs with a frozen
 * clock, inside `npm test` and on its own with `npm run flows:test`.
 */

const oneOrMany = <T extends z.ZodType>(schema: T) => z.union([schema, z.array(schema)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.infer<T>[]);

// YAML reads `1` or `119` as numbers; what a resident says or reads is always text.
const text = z.union([z.string(), z.number()]).transform(String);

const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'a duration like 90s, 45m, 2h or 1d');

export const ConversationTurnSchema = z
  .strictObject({
    /** What the resident sends: text … */
    say: text.optional(),
    /** … a menu click key … */
    menu: z.string().optional(),
    /** … a location … */
    location: z.strictObject({ latitude: z.number(), longitude: z.number(), label: z.string().optional() }).optional(),
    /** … an image URL … */
    image: z.string().optional(),
    /** … a voice message with its recognised text (null: not recognised) … */
    voice: z.string().nullable().optional(),
    /** … a follow, optionally from a QR scene, or an unfollow. */
    subscribe: z.union([z.literal(true), z.string()]).optional(),
    unsubscribe: z.literal(true).optional(),
    /** … or nothing: the clock moves (`after`) and jobs due by then run (reminders, polling). */
    wait: z.literal(true).optional(),
    /** Move the frozen clock before this turn (default 1s). */
    after: duration.optional(),
    /** The replies, exactly and in order (text of each; choices as "text\n1. a\n2. b"). */
    replies: z.array(text).optional(),
    /** Regular expressions each matched by some reply. */
    replyMatches: oneOrMany(text).optional(),
    /** Fragments each contained in some reply. */
    replyIncludes: oneOrMany(text).optional(),
    /** Fragments no reply may contain. */
    replyExcludes: oneOrMany(text).optional(),
    /** Slots of the running flow (deep partial match). */
    slots: z.record(z.string(), z.unknown()).optional(),
    /** Actions run in this turn, by name, in order (or with an input subset). */
    effects: z.array(z.union([z.string(), z.strictObject({ action: z.string(), input: z.record(z.string(), z.unknown()).optional(), ok: z.boolean().optional() })])).optional(),
    /** The flow the conversation is in after the turn (id), or null for none. */
    flow: z.string().nullable().optional(),
    /** Fragments each contained in some message delivered to the resident outside a turn since the previous one (a reminder, a notification). */
    delivered: oneOrMany(text).optional(),
    /** Nothing was delivered outside a turn since the previous one. */
    nothingDelivered: z.literal(true).optional(),
  })
  .refine((t) => [t.say, t.menu, t.location, t.image, t.voice, t.subscribe, t.unsubscribe, t.wait].filter((v) => v !== undefined).length === 1, {
    message: 'each turn sends exactly one of say, menu, location, image, voice, subscribe, unsubscribe, wait',
  });
export type ConversationTurn = z.infer<typeof ConversationTurnSchema>;

export const ConversationTestFileSchema = z.strictObject({
  /** The flow under test (for the report); cases may wander into other flows. */
  flow: z.string(),
  /** The frozen clock's start, ISO 8601 with offset. */
  clock: z.iso.datetime({ offset: true }).default('2026-12-01T10:00:00+08:00'),
  /** Environment for the bot (e.g. CITY_NAME). */
  env: z.record(z.string(), z.string()).default({}),
  cases: z.array(z.strictObject({ name: z.string().min(1), turns: z.array(ConversationTurnSchema).min(1) })).min(1),
});
export type ConversationTestFile = z.infer<typeof ConversationTestFileSchema>;

export function durationMs(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!m) throw new Error(`bad duration "${text}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}
