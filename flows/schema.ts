import { z } from 'zod';

/**
 * The flow language. Flows are YAML files that administrators edit; this schema is their
 * contract. Everything is data: conditions are structured, templates only interpolate, and
 * actions are named functions registered in code (see flows/actions.ts).
 *
 * Templates: `{{slot}}`, `{{slot.field}}`, filters `{{date | date: "M月D日 dddd"}}`,
 * `{{x | default: "无"}}`, `{{phone | mask}}`, `{{list | join: "、"}}`, `{{n | count}}`.
 */

const id = z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and "-", starting with a letter');
/** Slot names; a leading "_" makes a turn-scoped slot, dropped once the flow waits for the resident. */
const slotName = z.string().regex(/^_?[a-zA-Z][a-zA-Z0-9_]*$/, 'letters, digits and "_", starting with a letter (or "_" for a turn-scoped slot)');
const template = z.string().min(1);

/** Structured conditions: no expressions, no eval. */
export type Condition =
  | { slot: string; equals?: string | number | boolean; notEquals?: string | number | boolean; in?: (string | number)[]; exists?: boolean; gt?: number; gte?: number; lt?: number; lte?: number }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(ConditionSchema).min(1) }),
    z.strictObject({ any: z.array(ConditionSchema).min(1) }),
    z.strictObject({ not: ConditionSchema }),
    z
      .strictObject({
        slot: z.string().min(1),
        equals: z.union([z.string(), z.number(), z.boolean()]).optional(),
        notEquals: z.union([z.string(), z.number(), z.boolean()]).optional(),
        in: z.array(z.union([z.string(), z.number()])).min(1).optional(),
        exists: z.boolean().optional(),
        gt: z.number().optional(),
        gte: z.number().optional(),
        lt: z.number().optional(),
        lte: z.number().optional(),
      })
      .refine((c) => Object.keys(c).length > 1, { message: 'a slot condition needs a test (equals, in, exists, gt …)' }),
  ]),
);

export const SLOT_TYPES = ['text', 'choice', 'yesno', 'date', 'time', 'phone', 'idNumber', 'name', 'fullName', 'number', 'location', 'image'] as const;

/** Types a message may fill from any message of the flow unless the step says `extract: false`. */
export const EXTRACTED_BY_DEFAULT: readonly SlotType[] = ['date', 'time', 'phone', 'idNumber', 'name', 'fullName'];

/** Types whose question may offer a list of allowed values (`options` / `optionsFrom`). */
export const OPTION_TYPES: readonly SlotType[] = ['choice', 'date', 'time'];
export type SlotType = (typeof SLOT_TYPES)[number];

const OptionSchema = z.strictObject({
  label: z.string().min(1).max(40),
  /** Stored in the slot; defaults to the label. */
  value: z.string().min(1).optional(),
  /** Other words that pick this option ("身份证" for "居民身份证"). */
  synonyms: z.array(z.string().min(1)).optional(),
});

const stepBase = {
  id,
  /** Step to go to afterwards; defaults to the next step in the list (the last step ends the flow). */
  next: id.optional(),
};

const AskStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('ask'),
  slot: slotName,
  type: z.enum(SLOT_TYPES, { error: (issue) => `unknown slot type ${JSON.stringify(issue.input)} (one of ${SLOT_TYPES.join(', ')})` }),
  /** The question. */
  prompt: template,
  /** The reprompt ladder: wording for the 1st, 2nd … failed answer (the last one repeats). */
  reprompts: z.array(template).optional(),
  /** Failed answers before the resident is offered a human (default 3). */
  maxAttempts: z.number().int().min(1).max(10).default(3),
  /** Step to go to after the last failed attempt; default: offer 转人工 / 主菜单. */
  onMaxAttempts: id.optional(),
  /** Lets the resident answer 跳过/没有; the slot is then null. */
  optional: z.boolean().default(false),
  /** An answer that is not a valid one but names another service (keyword or intent) switches to it. */
  interruptible: z.boolean().default(false),
  /** Skip the question when the slot already has a value (e.g. filled from the first message). */
  skipIfFilled: z.boolean().default(true),
  /**
   * Fill this slot from any message of the flow that states it, not only from the answer to this
   * question ("上周五去的，等了三小时" at a date question also fills the detail). Default: on for
   * date, time, phone, idNumber, name and fullName; off for the others (a free-text slot then takes the
   * resident's whole message when it says more than the other slots took).
   */
  extract: z.boolean().optional(),
  /** Also keep the resident's own words of the answer in this slot (e.g. to read more from them later). */
  saveText: slotName.optional(),
  /**
   * Said when the resident asks something instead of answering ("在哪办？" while the guide asks
   * about 户口): where the answer will come, before the question is asked again, with no strike.
   */
  whenAsked: template.optional(),
  /**
   * choice: the options. date and time: the values allowed, offered as numbered choices (value
   * `YYYY-MM-DD` for a date, the start `HH:MM` for a time); an answer in words ("明天", "下午三点")
   * must then name one of them.
   */
  options: z.array(OptionSchema).min(1).max(12).optional(),
  /**
   * Options taken at run time from a slot holding `[{label, value}]` (e.g. an action's output).
   * Such options may also carry `synonyms`, `latitude`/`longitude` (a shared location picks the
   * nearest), `end` (a time option's end, `HH:MM`) and `unavailable` (the sentence said when the
   * resident names it: listed for the reason, never offered or picked).
   */
  optionsFrom: z.string().min(1).optional(),
  // text
  minLength: z.number().int().min(0).optional(),
  maxLength: z.number().int().min(1).max(2000).optional(),
  // number
  min: z.number().optional(),
  max: z.number().optional(),
  // date
  notPast: z.boolean().optional(),
  notFuture: z.boolean().optional(),
  maxDaysAhead: z.number().int().min(0).optional(),
  /** Also take a stretch of time said in words ("上个星期", "每天晚上"), kept as said, when no date is named. */
  vague: z.boolean().optional(),
});

const ConfirmStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('confirm'),
  /** The summary shown before asking yes / modify / no. */
  summary: template,
  yesLabel: z.string().default('确认无误'),
  noLabel: z.string().default('不用了'),
  /** Where "no" goes; default: end the flow. */
  onNo: id.optional(),
  /** Fields the resident may change; each names the ask step (or the sub-dialogue's flow step) that collects it. */
  edit: z.array(z.strictObject({ label: z.string().min(1), step: id })).optional(),
  /**
   * After an edit, come back through this step instead of straight to the summary: an action that
   * prepares what the summary shows (masked values, a computed time) runs again.
   */
  refresh: id.optional(),
});

const SayStepSchema = z
  .strictObject({
    ...stepBase,
    kind: z.literal('say'),
    /** One message per template. */
    text: z.union([template, z.array(template).min(1)]).optional(),
    /** A slot path holding a list of texts (e.g. an action's answer), one message each. */
    textFrom: z.string().min(1).optional(),
  })
  .refine((s) => Boolean(s.text) !== Boolean(s.textFrom), { message: 'a say step needs exactly one of text or textFrom' });

const BranchStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('branch'),
  cases: z.array(z.strictObject({ when: ConditionSchema, next: id })).min(1),
  otherwise: id.optional(),
});

const ActionStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('action'),
  action: z.string().regex(/^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)+$/, 'a dotted action name such as feedback.submit'),
  /** Input fields: templates (strings) or literals. A template that is exactly `{{slot}}` passes the raw value. */
  input: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}),
  /** Slot that receives the action's output. */
  saveAs: slotName.optional(),
  /** Step to go to when the action fails; default: apologise and end. */
  onError: id.optional(),
});

const FlowStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('flow'),
  flow: id,
  /** Slots given to the called flow (templates or literals). */
  with: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  /** Come back here when the called flow ends (default true); false hands the conversation over to it. */
  return: z.boolean().default(true),
  /** Slot that receives the called flow's slots when it returns. */
  saveAs: slotName.optional(),
});

const HandoffStepSchema = z.strictObject({ ...stepBase, kind: z.literal('handoff'), text: template.optional(), reason: z.string().min(1) });
const EndStepSchema = z.strictObject({ id, kind: z.literal('end'), text: z.union([template, z.array(template).min(1)]).optional() });

const STEP_KINDS = ['say', 'ask', 'confirm', 'branch', 'action', 'flow', 'handoff', 'end'] as const;

export const StepSchema = z.discriminatedUnion(
  'kind',
  [SayStepSchema, AskStepSchema, ConfirmStepSchema, BranchStepSchema, ActionStepSchema, FlowStepSchema, HandoffStepSchema, EndStepSchema],
  { error: (issue) => (issue.code === 'invalid_union' ? `unknown step kind (one of ${STEP_KINDS.join(', ')})` : undefined) },
);

export const FlowSchema = z.strictObject({
  id,
  version: z.number().int().min(1),
  title: z.string().min(1),
  description: z.string().optional(),
  triggers: z
    .strictObject({
      /** The whole message equals one of these (after normalisation): starts the flow even mid-conversation. */
      phrases: z.array(z.string().min(1)).default([]),
      /** The message contains one of these: starts the flow when no other flow is running. */
      keywords: z.array(z.string().min(1)).default([]),
      /**
       * Weaker than keywords: the message names a matter the flow takes ("垃圾好几天没人收" for 12345).
       * Read only when nothing else claims the message, outside a dialogue or at a menu-like question.
       */
      topics: z.array(z.string().min(2)).default([]),
      /** Bottom-menu click keys (flows/menu.yaml). */
      menu: z.array(z.string().regex(/^[A-Z0-9_]+$/)).default([]),
      /** Intent names from the language-understanding port. */
      intents: z.array(z.string().min(1)).default([]),
      /** QR-code scenes (subscribe/scan with a scene value). */
      scenes: z.array(z.string().min(1)).default([]),
      /** Channel events: subscribe (follow); location (a location shared outside any flow, as param `location`). */
      events: z.array(z.enum(['subscribe', 'location'])).default([]),
    })
    .default({ phrases: [], keywords: [], topics: [], menu: [], intents: [], scenes: [], events: [] }),
  /** Whether its phrases may interrupt another running flow (small talk should not). */
  interrupts: z.boolean().default(true),
  /** Slots the flow expects from its caller or trigger (`with:` / intent slots). */
  params: z.array(slotName).default([]),
  start: id.optional(),
  steps: z.array(StepSchema).min(1),
});

export type Flow = z.infer<typeof FlowSchema>;
export type Step = z.infer<typeof StepSchema>;
export type AskStep = z.infer<typeof AskStepSchema>;
export type ConfirmStep = z.infer<typeof ConfirmStepSchema>;
