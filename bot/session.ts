import { z } from 'zod';
import type { FlowFrame, Json } from '../flows/types';
import { OutboundMessageSchema, type OutboundMessage } from './message';
import { TargetSchema } from './understanding/commands';

/**
 * The session: small JSON kept per conversation in the SessionStore under `sess:<conversationId>`.
 * It holds the flow frames (pinned to flow versions), a paused copy for "where were we", the last
 * replies for 再说一遍, and the handoff state. Read through zod: a value that does not parse (an
 * older shape, a corrupt write) is dropped and the resident gets a polite restart.
 */

// Slot values come out of JSON.parse (or a JSON copy), so they are JSON by construction; checking
// them again recursively would cost more than the rest of the session check on every turn.
const JsonSchema = z.custom<Json>((value) => value !== undefined);

export const FrameSchema: z.ZodType<FlowFrame> = z.object({
  flowId: z.string(),
  version: z.number().int(),
  stepId: z.string(),
  slots: z.record(z.string(), JsonSchema),
  attempts: z.number().int().min(0),
  history: z.array(z.object({ step: z.string(), restore: z.record(z.string(), JsonSchema).optional(), unset: z.array(z.string()).optional() })),
  waiting: z.enum(['edit-pick', 'action']).optional(),
  returnTo: z.string().optional(),
  pending: z.object({ step: z.string(), before: z.record(z.string(), JsonSchema) }).optional(),
  interrupted: z.boolean().optional(),
  carry: z.record(z.string(), z.record(z.string(), JsonSchema)).optional(),
});

export const SessionSchema = z.object({
  v: z.literal(1),
  frames: z.array(FrameSchema).max(8),
  /** Frames set aside after an idle timeout, offered back when the resident returns. */
  paused: z.object({ frames: z.array(FrameSchema).min(1).max(8), title: z.string(), offered: z.boolean() }).optional(),
  lastReplies: z.array(OutboundMessageSchema).max(6),
  lastActiveAt: z.number(),
  /** A clarifying question the bot just asked: what each option starts (see bot/stages/dialogue.ts). */
  clarify: z.object({ options: z.array(z.object({ target: TargetSchema, label: z.string() })).min(2).max(4), query: z.string().optional() }).optional(),
  /** The question the resident last got stuck at (out of attempts); stuck there again, a person takes over. */
  stuck: z.object({ flowId: z.string(), stepId: z.string() }).optional(),
  /**
   * Set while the conversation is handed to people (bot/handoff): the case that owns it (whose
   * status the handoff gate reads before any flow runs), the flow frames set aside to resume
   * when the bot gets it back, and when the waiting resident was last told their place.
   */
  handoff: z.preprocess(
    // A handoff of the earlier shape (no desk, no case) is dropped, not the whole session.
    (v) => (v && typeof v === 'object' && !('caseId' in v) ? undefined : v),
    z.object({ caseId: z.string(), since: z.number(), pinned: z.array(FrameSchema).max(8), toldAt: z.number().optional() }).optional(),
  ),
});
export type Session = z.infer<typeof SessionSchema>;

export function newSession(now: number): Session {
  return { v: 1, frames: [], lastReplies: [], lastActiveAt: now };
}

/** Session key of a conversation (the store adds its `sess:` namespace and the deployment prefix). */
export const sessionKey = (conversationId: string): string => conversationId;

/** Keeps the replies for 再说一遍, bounded so the session stays small (the newest is always kept). */
export function rememberReplies(session: Session, replies: OutboundMessage[]): void {
  if (replies.length === 0) return;
  let budget = 2048;
  const kept: OutboundMessage[] = [];
  for (const reply of replies.slice(-6).reverse()) {
    const size = Buffer.byteLength(JSON.stringify(reply));
    if (kept.length > 0 && size > budget) break;
    budget -= size;
    kept.unshift(reply);
  }
  session.lastReplies = kept;
}
