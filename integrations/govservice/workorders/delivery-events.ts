import type { Logger } from '../../../bot/logger';
import type { ChannelDelivery } from '../../../bot/ports';
import type { WorkOrder, WorkOrderEvents } from './port';

/**
 * The fallback when the bot binds no WorkOrderEvents: the department's reply is delivered in the
 * resident's chat; no rating prompt is sent (the 好差评 dialogue belongs to the bot's flows).
 */
export class DeliveryWorkOrderEvents implements WorkOrderEvents {
  constructor(
    private readonly delivery: (channel: string) => ChannelDelivery | undefined,
    private readonly logger: Logger,
  ) {}

  async closed(order: WorkOrder): Promise<void> {
    const to = order.filing.address;
    const channel = this.delivery(to.channel);
    if (!channel) return this.logger.warn({ workOrder: order.reference, channel: to.channel }, 'work order closed but the channel cannot deliver');
    const reply = order.reply ? `\n答复：${order.reply.text}` : '';
    await channel.deliver(to, [{ kind: 'text', text: `您的工单 ${order.reference} 已办结。${reply}` }]);
  }

  async ratingReminder(order: WorkOrder): Promise<void> {
    this.logger.info({ workOrder: order.reference }, 'rating reminder not sent: no rating dialogue is bound (WorkOrderEvents)');
  }
}
