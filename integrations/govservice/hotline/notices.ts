import type { Bot } from '../../../bot/bot';
import type { Logger } from '../../../bot/logger';
import type { ChannelDelivery } from '../../../bot/ports';
import { deadlineInForce } from '../workorders/machine';
import type { WorkOrder, WorkOrderEvents } from '../workorders/port';

export interface ResidentNoticeDeps {
  bot: Bot;
  /** The channel's delivery, once registered. */
  delivery: (channel: string) => ChannelDelivery | undefined;
  logger: Logger;
}

/**
 * The resident hears of their work order: when it is closed, the reply and one 好差评 invitation;
 * once more, a reminder to rate. Said through the bot's own turn order (so the rating question is
 * the one the resident answers next) and delivered by the channel; when the chat window is closed
 * the messages wait for the resident and a template notice (progress-change) tells them there is
 * news. Throwing makes the job retry (a channel not yet registered, a failed delivery).
 */
export function residentNotices(deps: ResidentNoticeDeps): WorkOrderEvents {
  async function tell(order: WorkOrder, kind: 'closed' | 'reminder' | 'extended', text: string, status: string): Promise<void> {
    const to = order.filing.address;
    const delivery = deps.delivery(to.channel);
    if (!delivery) throw new Error(`work order ${order.reference}: no delivery for channel ${to.channel}`);
    const replies = (await deps.bot.afterWorkOrder?.(to, { reference: order.reference, kind, text })) ?? [];
    if (!replies.length) return; // told already (a retried job)
    await delivery.deliver(to, replies);
    const reach = await delivery.reach?.(to);
    if (reach?.mode === 'held' && delivery.notice) {
      await delivery.notice(to, { kind: 'progress-change', text, fields: { caseName: `12345工单：${order.filing.title}`, caseNo: order.reference, status } });
    }
    deps.logger.info({ reference: order.reference, kind, channel: to.channel, reach: reach?.mode }, 'work order news sent to the resident');
  }
  return {
    async closed(order) {
      const reply = order.reply ? `\n答复：${order.reply.text}` : '';
      await tell(order, 'closed', `您反映的「${order.filing.title}」（工单 ${order.reference}）已办结。${reply}`, '已办结');
    },
    async extended(order) {
      const d = deadlineInForce(order);
      if (!d?.extension) return;
      await tell(order, 'extended', `您反映的「${order.filing.title}」（工单 ${order.reference}）情况较复杂，承办单位已依规延期，会在${d.confirmed ? '' : '预计'}${d.dueDate}前答复您。\n延期原因：${d.extension.reason}`, `已延期至${d.dueDate}`);
    },
    async ratingReminder(order) {
      if (order.rating) return;
      await tell(order, 'reminder', `工单 ${order.reference}（${order.filing.title}）已经办结，您还没有评价。`, '已办结，待评价');
    },
  };
}
