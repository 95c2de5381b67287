import { createHash } from 'node:crypto';
import dayjs from 'dayjs';
import { z } from 'zod';
import { defineAction } from '../../flows/actions';
import type { Logger } from '../logger';
import type { SessionStore } from '../ports';

/** How long a suggestion is kept (a record with its own retention, not part of the conversation). */
export const FEEDBACK_RETENTION_DAYS = 180;

export interface FeedbackContext {
  records: SessionStore;
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

/**
 * Files a suggestion (意见建议) in the built-in record store and returns its reference number.
 * Idempotent: the same message (a platform retry) gets the same reference and one record.
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
    const serial = parseInt(createHash('sha1').update(ctx.key).digest('hex').slice(0, 8), 16) % 100_000;
    const reference = `YJ${dayjs(ctx.now).format('YYYYMMDD')}${String(serial).padStart(5, '0')}`;
    const record = FeedbackRecordSchema.parse({ ...input, reference, receivedAt: ctx.now });
    await ctx.records.set(`rec:feedback:${reference}`, record, FEEDBACK_RETENTION_DAYS * 86_400);
    ctx.log.info({ reference, topic: input.topic, wantReply: input.wantReply }, 'feedback filed');
    const followUp = input.wantReply && input.phone
      ? `工作人员会在5个工作日内联系您（${input.phone.slice(0, 3)}****${input.phone.slice(-4)}）。`
      : '您的意见会转交相关部门研究参考。';
    return { reference, followUp };
  },
});
