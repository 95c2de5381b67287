import { z } from 'zod';
import { defineAction, optionalText } from '../../../flows/actions';
import { photo, photosOf } from './fields';
import type { Logger } from '../../../bot/logger';
import type { ConversationAddress } from '../../../bot/ports';
import type { WorkOrders } from '../workorders/port';
import { filingKey } from './filing-key';
import { deadlineText, titleOf } from './texts';

/** What filing a suggestion gets besides its input (bot/flow-runner.ts builds it). */
export interface SuggestionContext {
  workOrders?: WorkOrders;
  conversation: ConversationAddress;
  timeZone: string;
  log: Logger;
  now: number;
}


/** The 意见建议 flow's topics as 12345 categories (flows/hotline.yaml). */
const CATEGORY_OF_TOPIC: Record<string, string[]> = {
  办事大厅服务: ['政务服务', '办事服务'],
  网上办事和公众号: ['政务服务', '办事服务'],
  政策和办事流程: ['政务服务'],
  城市管理和公共设施: ['城市管理'],
};

/**
 * Files a suggestion (意见建议, the 建议 path of 12345) as a 建议 work order under a GD number,
 * with its reply date from the time-limit table, and returns it.
 *
 * Idempotent per resident, day and content (`filingKey`): a platform retry, or the same
 * suggestion confirmed again after a turn that could not be saved, files one order. If the
 * ticketing backend fails, nothing is filed and the flow offers to try again.
 */
export const submitFeedback = defineAction({
  name: 'feedback.submit',
  description: 'File a suggestion as a 12345 work order and return its number',
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
  async run(input, ctx: SuggestionContext) {
    if (!ctx.workOrders) throw new Error('feedback.submit: work orders are not connected');
    const order = await ctx.workOrders.file({
      key: filingKey('suggestion', ctx.conversation, ctx.now, ctx.timeZone, [input.topic, input.detail, input.visitDate, input.hall]),
      address: ctx.conversation,
      type: '建议',
      category: CATEGORY_OF_TOPIC[input.topic] ?? ['其他'],
      urgent: false,
      title: titleOf(input.detail),
      description: input.detail,
      ...(input.hall ? { location: { text: input.hall } } : {}),
      ...(input.visitDate ? { happenedAt: input.visitDate } : {}),
      photos: photosOf(input.photo),
      contact: input.wantReply ? { ...(input.name ? { name: input.name } : {}), ...(input.phone ? { phone: input.phone } : {}) } : {},
      anonymous: false,
      callbackConsent: input.wantReply && !!input.phone,
      source: 'resident',
      transcript: [],
      fields: { topic: input.topic },
      openedBy: { kind: 'resident' },
      at: ctx.now,
    });
    ctx.log.info({ reference: order.reference, topic: input.topic, wantReply: input.wantReply }, 'suggestion filed as a work order');
    const due = deadlineText(order.deadline);
    const followUp = input.wantReply && input.phone
      ? `需要答复时，工作人员会按您留的电话（${input.phone.slice(0, 3)}****${input.phone.slice(-4)}）联系您${due ? `，${due}` : ''}。`
      : `您的建议会转给相关单位研究办理${due ? `，${due}` : ''}。`;
    return { reference: order.reference, followUp };
  },
});
