import { z } from 'zod';
import { defineAction } from '../../flows/actions';
import type { Logger } from '../logger';
import type { RecordWrite, References } from '../ports';

/** How long a suggestion is kept (a record with its own retention, not part of the conversation). */
export const FEEDBACK_RETENTION_DAYS = 180;

/** Where a filed suggestion is kept (a `SessionStore` key; docs/redis-keys.md). */
export const feedbackRecordKey = (reference: string): string => `rec:feedback:${reference}`;

export interface FeedbackContext {
  references: References;
  /** Files a record with the turn's session write: both are kept, or neither (bot/stages/state.ts). */
  fileRecord(record: RecordWrite): void;
  log: Logger;
  now: number;
}

const optionalText = z.string().nullish().transform((v) => v || undefined);
const photo = z.object({ url: z.string().nullable(), mediaId: z.string().nullable() }).loose().nullish();

export const FeedbackRecordSchema = z.object({
  reference: z.string(),
  receivedAt: z.number(),
  topic: z.string(),
  detail: z.string(),
  visitDate: z.string().optional(),
  /** The hall's name, as chosen from the halls. */
  hall: z.string().nullish(),
  photo,
  wantReply: z.boolean(),
  name: z.string().optional(),
  phone: z.string().optional(),
});
export type FeedbackRecord = z.infer<typeof FeedbackRecordSchema>;

/**
 * Files a suggestion (意见建议) under a new YJ reference number and returns it.
 *
 * - The number comes from the `References` port (a per-day counter with a check digit), so two
 *   residents never share one; the record is created with the turn's session write and never
 *   overwrites another (a taken key makes the turn fail and the resident send again).
 * - Idempotent: a platform retry of the same message (same `key`) gets the same number and files
 *   one record.
 * - If the turn's write is not applied (the store hung past the turn's lease), neither is the
 *   record: the resident, asked to send again, files it then, once. If issuing the number fails,
 *   nothing is filed and the flow offers to try again.
 */
export const submitFeedback = defineAction({
  name: 'feedback.submit',
  description: 'File a suggestion and return its reference number',
  input: z.object({
    topic: z.string().min(1),
    detail: z.string().min(1).max(2000),
    visitDate: optionalText,
    hall: z.string().nullish(),
    photo,
    wantReply: z.boolean(),
    name: optionalText,
    phone: optionalText,
  }),
  output: z.object({ reference: z.string(), followUp: z.string() }),
  async run(input, ctx: FeedbackContext & { key: string }) {
    const reference = await ctx.references.issue('suggestion', ctx.key, ctx.now);
    const record = FeedbackRecordSchema.parse({ ...input, reference, receivedAt: ctx.now });
    ctx.fileRecord({ key: feedbackRecordKey(reference), value: record, ttlSeconds: FEEDBACK_RETENTION_DAYS * 86_400 });
    ctx.log.info({ reference, topic: input.topic, wantReply: input.wantReply }, 'feedback filed');
    // No promise of a deadline: no rule sets one for suggestions.
    const followUp = input.wantReply && input.phone
      ? `需要答复时，工作人员会按您留的电话（${input.phone.slice(0, 3)}****${input.phone.slice(-4)}）联系您。`
      : '您的意见会转交相关部门研究参考。';
    return { reference, followUp };
  },
});
