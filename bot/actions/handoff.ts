import { z } from 'zod';
import { defineAction, optionalText } from '../../flows/actions';
import type { Json } from '../../flows/types';
import type { HandoffDesk } from '../handoff/desk';
import type { Logger } from '../logger';
import type { ConversationAddress } from '../ports';

/** What the desk's actions get besides their input (bot/flow-runner.ts builds it). */
export interface HandoffActionContext {
  /** The desk (HUMAN_AGENTS=on). */
  handoff?: HandoffDesk;
  conversation: ConversationAddress;
  key: string;
  now: number;
  log: Logger;
}


/**
 * Records the resident's rating of the human service on its case (once; asking again records
 * nothing more). `bad` (不满意, 非常不满意) lets the flow offer a supervisor's call back.
 */
export const rateHumanService = defineAction({
  name: 'handoff.rate',
  description: 'Record the rating of a human session',
  input: z.object({ caseId: z.string().min(1), score: z.coerce.number().int().min(1).max(5), reason: optionalText }),
  output: z.object({ recorded: z.boolean(), bad: z.boolean() }),
  async run(input, ctx: HandoffActionContext) {
    if (!ctx.handoff) throw new Error('handoff.rate: no agent desk (HUMAN_AGENTS=off)');
    const result = await ctx.handoff.apply(input.caseId, { kind: 'rate', rating: { score: input.score, ...(input.reason ? { reason: input.reason.slice(0, 200) } : {}), at: ctx.now } });
    if (!result.ok && result.error !== 'already-rated') ctx.log.warn({ case: input.caseId, error: result.error }, 'rating not recorded');
    else ctx.log.info({ case: input.caseId, score: input.score }, 'human service rated');
    return { recorded: result.ok || result.error === 'already-rated', bad: input.score <= 2 };
  },
});

/**
 * A message left outside the agents' hours becomes a work order (through the `WorkOrderDesk`
 * port) with the promised callback time, the conversation so far and what the bot had collected.
 * Idempotent per message: a retry opens the same order.
 */
export const leaveMessage = defineAction({
  name: 'handoff.leaveMessage',
  description: 'Open a work order from a message left outside office hours',
  input: z.object({
    message: z.string().min(1).max(2000),
    name: optionalText,
    phone: z.string().min(5),
    callbackAt: z.coerce.number().int().positive(),
    reason: optionalText,
    collected: z.record(z.string(), z.custom<Json>((v) => v !== undefined)).nullish(),
  }),
  output: z.object({ reference: z.string() }),
  async run(input, ctx: HandoffActionContext) {
    const orders = ctx.handoff?.workOrders;
    if (!ctx.handoff || !orders) throw new Error('handoff.leaveMessage: work orders are not connected');
    const transcript = await ctx.handoff.transcriptFor(ctx.conversation.conversationId);
    const order = await orders.open({
      key: ctx.key,
      source: 'callback',
      address: ctx.conversation,
      category: '咨询',
      title: `留言回电：${Array.from(input.message).slice(0, 24).join('')}`,
      description: input.message,
      contact: { ...(input.name ? { name: input.name } : {}), phone: input.phone },
      fields: input.collected ?? {},
      transcript,
      callbackBy: input.callbackAt,
      openedBy: { kind: 'resident' },
      at: ctx.now,
    });
    ctx.log.info({ reference: order.reference, callbackBy: input.callbackAt }, 'after-hours message filed as a work order');
    return { reference: order.reference };
  },
});
