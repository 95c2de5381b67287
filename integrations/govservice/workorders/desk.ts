import type { WorkOrderDesk, WorkOrderOpen, WorkOrderResolve, WorkOrderSummary } from '../../../bot/handoff/work-orders';
import type { ConversationAddress } from '../../../bot/ports';
import { deadlineInForce, inRectification, isClosed, isOpen, isOverdue, STATUS_LABELS } from './machine';
import { residentKeyOf, WorkOrderTransitionError, type Actor, type WorkOrder, type WorkOrders } from './port';

const ATTENTION_LIMIT = 100;

/** A work order as the agent console lists it. */
export function summaryOf(o: WorkOrder, at: number): WorkOrderSummary {
  const d = deadlineInForce(o);
  const callback = o.filing.callbackBy !== undefined && isOpen(o) && !o.reply ? o.filing.callbackBy : undefined;
  const dueAt = d && callback !== undefined ? Math.min(d.dueAt, callback) : (d?.dueAt ?? callback);
  return {
    reference: o.reference,
    // The console shows a sync problem with the city platform beside the status (待同步 is routine).
    status: o.sync.state === '同步失败' ? `${STATUS_LABELS[o.status]}（同步失败）` : STATUS_LABELS[o.status],
    title: o.filing.title,
    category: o.filing.type,
    openedAt: o.openedAt,
    ...(dueAt !== undefined ? { dueAt } : {}),
    overdue: isOverdue(o, at) || (dueAt !== undefined && at >= dueAt),
    rectification: inRectification(o),
    closed: isClosed(o) && !inRectification(o),
  };
}

/**
 * The agent desk's WorkOrderDesk over the WorkOrders port: chats and after-hours messages become
 * orders, the agent's resolution becomes the reply (答复, and 办结 when closing), and the
 * supervisor's list is the overdue orders and those in 整改.
 */
export class WorkOrderDeskAdapter implements WorkOrderDesk {
  constructor(
    private readonly orders: WorkOrders,
    private readonly now: () => number,
  ) {}

  async open(input: WorkOrderOpen): Promise<WorkOrderSummary> {
    const openedBy: Actor = input.openedBy.kind === 'agent' ? { kind: 'agent', name: input.openedBy.username } : { kind: 'resident' };
    const order = await this.orders.file({
      key: input.key,
      address: input.address,
      type: input.category,
      category: [],
      urgent: false,
      title: input.title,
      description: input.description,
      photos: [],
      contact: input.contact,
      anonymous: false,
      callbackConsent: input.source === 'callback',
      source: input.source,
      transcript: input.transcript,
      fields: input.fields,
      ...(input.callbackBy !== undefined ? { callbackBy: input.callbackBy } : {}),
      ...(input.caseId !== undefined ? { caseId: input.caseId } : {}),
      openedBy,
      at: input.at,
    });
    return summaryOf(order, input.at);
  }

  async forResident(address: ConversationAddress, limit: number): Promise<WorkOrderSummary[]> {
    const at = this.now();
    return (await this.orders.listByResident(residentKeyOf(address), limit)).map((o) => summaryOf(o, at));
  }

  async resolve(reference: string, input: WorkOrderResolve): Promise<WorkOrderSummary> {
    const order = await this.orders.get(reference);
    if (!order) throw new Error(`no work order ${reference}`);
    const actor: Actor = { kind: 'agent', name: input.by };
    const base = { actor, at: input.at };
    let after: WorkOrder;
    if (input.close) {
      // Handled orders are answered first, then closed (a retry finds the answer and closes);
      // those never handled are closed with the reply in one step (直接答复).
      const handled = order.status === '办理' || order.status === '整改';
      if (handled) await this.orders.transition(reference, { ...base, to: '答复', reply: input.resolution, key: input.key });
      after = await this.orders.transition(reference, { ...base, to: '办结', ...(handled ? {} : { reply: input.resolution }), key: `${input.key}:close` });
    } else if (order.status === '办理' || order.status === '整改') {
      after = await this.orders.transition(reference, { ...base, to: '答复', reply: input.resolution, key: input.key });
    } else if (isOpen(order)) {
      after = await this.orders.append(reference, { text: input.resolution, at: input.at, key: input.key, actor });
    } else {
      throw new WorkOrderTransitionError(reference, order.status, order.status, 'the order is closed');
    }
    return summaryOf(after, input.at);
  }

  async attention(at: number): Promise<{ overdue: WorkOrderSummary[]; rectification: WorkOrderSummary[] }> {
    const [overdue, rectification] = await Promise.all([this.orders.list({ overdue: true, at, limit: ATTENTION_LIMIT }), this.orders.list({ rectification: true, at, limit: ATTENTION_LIMIT })]);
    return { overdue: overdue.map((o) => summaryOf(o, at)), rectification: rectification.map((o) => summaryOf(o, at)) };
  }
}
