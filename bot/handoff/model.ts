import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Json } from '../../flows/types';
import { ChannelSchema } from '../message';

/**
 * A human session (人工服务): one conversation handed to people, from the resident's request to
 * its end. Exactly one case per conversation is active at a time; while it is, its `status` is the
 * conversation's owner — the queue (`queued`) or one agent (`agent`); the bot owns the
 * conversation again once the case ends (`bot`: handed back, or the resident left the queue;
 * `closed`: resolved, or the resident went silent). Changed only through `transition`
 * (bot/handoff/machine.ts), stored by a `HandoffStore`.
 */

export const HANDOFF_STATUSES = ['queued', 'agent', 'bot', 'closed'] as const;
export const HandoffStatusSchema = z.enum(HANDOFF_STATUSES);
export type HandoffStatus = z.infer<typeof HandoffStatusSchema>;

/** What made the bot pass the conversation on. */
export const TRIGGERS = ['asked', 'frustrated', 'menu', 'stuck', 'flow', 'urgent', 'bad-rating'] as const;
export const TriggerSchema = z.enum(TRIGGERS);
export type Trigger = z.infer<typeof TriggerSchema>;

/** Queue order: urgent first, then high, then normal; first come, first served within each. */
export const PRIORITIES = ['urgent', 'high', 'normal'] as const;
export const PrioritySchema = z.enum(PRIORITIES);
export type Priority = z.infer<typeof PrioritySchema>;

/** How an ended case ended. */
export const OutcomeSchema = z.enum(['handed-back', 'resolved', 'cancelled', 'resident-left', 'resident-timeout', 'after-hours']);
export type Outcome = z.infer<typeof OutcomeSchema>;

const JsonSchema = z.custom<Json>((value) => value !== undefined);

export const AddressSchema = z.object({ channel: ChannelSchema, userId: z.string().min(1), conversationId: z.string().min(1) });

/** What the bot had collected when it handed over: the flow and its slots (raw; masked on every way out). */
export const CollectedSchema = z.object({ flow: z.string().optional(), title: z.string().optional(), step: z.string().optional(), slots: z.record(z.string(), JsonSchema) });
export type Collected = z.infer<typeof CollectedSchema>;

export const TransferSchema = z.object({ at: z.number(), by: z.string(), from: z.string().optional(), to: z.union([z.object({ agent: z.string() }), z.object({ team: z.string() })]) });

export const RatingSchema = z.object({ score: z.number().int().min(1).max(5), reason: z.string().max(200).optional(), at: z.number() });
export type Rating = z.infer<typeof RatingSchema>;

export const ResolutionSchema = z.object({ summary: z.string().min(1).max(1000), workOrder: z.string().optional() });
export type Resolution = z.infer<typeof ResolutionSchema>;

export const HandoffCaseSchema = z
  .object({
    id: z.string().regex(/^h[a-z]{12}$/),
    /** Raised by every change; a store applies a change only to the version it was computed from. */
    v: z.number().int().min(1),
    address: AddressSchema,
    status: HandoffStatusSchema,
    team: z.string().min(1),
    priority: PrioritySchema,
    trigger: TriggerSchema,
    reason: z.string().max(200),
    /** The owner while `status` is `agent`; absent otherwise. */
    agent: z.string().optional(),
    /** Who held the chat last (kept once it ends: who may read it back, who is asked about a rating). */
    lastAgent: z.string().optional(),
    createdAt: z.number(),
    /** When the resident started waiting (first come, first served; kept through transfers between teams). */
    queuedAt: z.number(),
    assignedAt: z.number().optional(),
    firstResponseAt: z.number().optional(),
    lastResidentAt: z.number(),
    lastAgentAt: z.number().optional(),
    endedAt: z.number().optional(),
    outcome: OutcomeSchema.optional(),
    resolution: ResolutionSchema.optional(),
    collected: CollectedSchema,
    rating: RatingSchema.optional(),
    /** Throttles what the resident is told while waiting (each notice may cost a WeChat message). */
    notices: z.object({ at: z.number().optional(), position: z.number().optional(), sinceResident: z.number().int().min(0).default(0), silentAt: z.number().optional() }),
    transfers: z.array(TransferSchema).max(20),
  })
  .refine((c) => (c.status === 'agent') === (c.agent !== undefined), { message: 'an agent owns the case exactly while its status is "agent"', path: ['agent'] })
  .refine((c) => (c.status === 'bot' || c.status === 'closed') === (c.endedAt !== undefined && c.outcome !== undefined), { message: 'ended cases (and only they) have endedAt and outcome', path: ['outcome'] });
export type HandoffCase = z.infer<typeof HandoffCaseSchema>;

export const isActive = (c: Pick<HandoffCase, 'status'>): boolean => c.status === 'queued' || c.status === 'agent';

/** Whether an agent talked with the resident (then the resident is asked to rate the service). */
export const wasServed = (c: Pick<HandoffCase, 'firstResponseAt'>): boolean => c.firstResponseAt !== undefined;

/** A fresh case id: "h" and 12 letters (letters only, so no id ever looks like a phone or ID number). */
export function newCaseId(): string {
  const bytes = randomBytes(12);
  let id = 'h';
  for (const b of bytes) id += String.fromCharCode(97 + (b % 26));
  return id;
}

/** The case id for an idempotency key (a message's claim key): a retry of the message opens the same case. */
export function caseIdFor(key: string, hash: (s: string) => Buffer): string {
  const bytes = hash(key);
  let id = 'h';
  for (let i = 0; i < 12; i++) id += String.fromCharCode(97 + ((bytes[i] ?? 0) % 26));
  return id;
}

/** The sort score of a queued case: priority band, then when the resident started waiting. */
export function queueScore(c: Pick<HandoffCase, 'priority' | 'queuedAt'>): number {
  return PRIORITIES.indexOf(c.priority) * 1e13 + c.queuedAt;
}

/** One line of a conversation as the console shows it. `internal` lines (agents' notes) never reach the resident. */
export const TranscriptEntrySchema = z.object({
  id: z.string().min(1).max(40),
  at: z.number(),
  /** Order within one turn (a resident message, then the bot's replies). */
  seq: z.number().int().min(0),
  from: z.enum(['resident', 'bot', 'agent', 'system']),
  /** The agent who wrote it (replies and notes). */
  agent: z.string().optional(),
  /** What kind of message it was (text, menu, image, location …); the text describes it. */
  kind: z.string().max(20),
  text: z.string().max(4000),
  internal: z.boolean().optional(),
  caseId: z.string().optional(),
});
export type TranscriptEntry = z.infer<typeof TranscriptEntrySchema>;

export function newEntryId(): string {
  return randomBytes(9).toString('base64url');
}

/** What a new case needs; the rest starts empty. */
export interface NewCase {
  id: string;
  address: HandoffCase['address'];
  team: string;
  priority: Priority;
  trigger: Trigger;
  reason: string;
  collected: Collected;
  at: number;
}

/** A case as it starts: queued, waiting since `at`. */
export function newCase(input: NewCase): HandoffCase {
  return {
    id: input.id,
    v: 1,
    address: input.address,
    status: 'queued',
    team: input.team,
    priority: input.priority,
    trigger: input.trigger,
    reason: input.reason.slice(0, 200),
    createdAt: input.at,
    queuedAt: input.at,
    lastResidentAt: input.at,
    collected: input.collected,
    notices: { sinceResident: 0 },
    transfers: [],
  };
}
