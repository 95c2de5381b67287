import { z } from 'zod';

/**
 * An application (办件) as the government platform reports it: the timeline 收件 → 受理 → 审查 →
 * 决定 → 制证 → 送达 with the time of each step, a 补正 request with its complete list (the clock
 * stops while it is open), special procedures (评定, 公示 …, not counted in the time limit) and
 * the result's delivery. The same shape comes from the built-in simulator and the HTTP adapter.
 */

export const STEPS = ['收件', '受理', '审查', '决定', '制证', '送达'] as const;
export const StepNameSchema = z.enum(STEPS);
export type StepName = z.infer<typeof StepNameSchema>;

export const TimelineEntrySchema = z.object({
  step: StepNameSchema,
  /** Epoch ms when the step was reached. */
  at: z.number(),
  /** The department or window that did it. */
  department: z.string().optional(),
  note: z.string().optional(),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

export const CorrectionSchema = z.object({
  /** The 补正 notice (一次性告知 of what is missing, within 5 days of receipt). */
  requestedAt: z.number(),
  /** Everything the applicant must hand in, complete. */
  items: z.array(z.string().min(1)).min(1),
  /** When the missing materials came in; null while the request is open (the clock is stopped). */
  resubmittedAt: z.number().nullable(),
  /** Where and how to hand them in. */
  how: z.string().optional(),
});
export type Correction = z.infer<typeof CorrectionSchema>;

export const SpecialProcedureSchema = z.object({
  kind: z.enum(['评定', '公示', '听证', '检验检测', '现场核查', '专家评审', '鉴定']),
  from: z.number(),
  /** Planned or actual end; null when not known. */
  to: z.number().nullable(),
  note: z.string().optional(),
});
export type SpecialProcedure = z.infer<typeof SpecialProcedureSchema>;

export const ApplicationSchema = z.object({
  number: z.string().min(1),
  item: z.object({ code: z.string(), name: z.string() }),
  /** Who is handling it now. */
  department: z.string(),
  /** The applicant's name, masked. */
  applicant: z.string(),
  /** Steps reached so far, in order. */
  timeline: z.array(TimelineEntrySchema).min(1),
  /** The time limit promised for this application (工作日 or 自然日), counted from acceptance. */
  timeLimit: z.object({ amount: z.number().int().positive(), unit: z.enum(['workday', 'day']) }).nullable(),
  correction: CorrectionSchema.nullable(),
  special: z.array(SpecialProcedureSchema),
  outcome: z.object({ decision: z.enum(['准予', '不予']), reason: z.string().optional() }).nullable(),
  delivery: z
    .object({ method: z.enum(['EMS', '自取']), waybill: z.string().optional(), status: z.string().optional(), place: z.string().optional() })
    .nullable(),
  /** Raised on every change the resident should hear about (dedupes notifications). */
  version: z.number().int().min(1),
  /** The booking made here it was accepted from, if any. */
  bookingReference: z.string().optional(),
});
export type Application = z.infer<typeof ApplicationSchema>;

/** What `npm run progress:demo` prints for each seeded application. */
export interface DemoEntry {
  number: string;
  secondFactor: string;
  status: string;
  item: string;
}
