import type { Json } from '../../flows/types';
import type { StaffProfile } from '../staff/model';
import { DeskActionError, type CloseWorkOrder } from './agent-errors';
import type { HandoffDesk } from './desk';
import type { HandoffCase } from './model';
import { WorkOrderCategorySchema, type WorkOrderSummary } from './work-orders';

/**
 * The work order a chat is closed with: a new one opened from the chat (the transcript without
 * private notes, every collected slot, the contact) or the resident's existing one updated or
 * closed with the resolution; none when the agent chose none. A failing ticketing module leaves
 * the chat open and says so.
 */
export async function workOrderOnClose(desk: HandoffDesk, actor: StaffProfile, c: HandoffCase, resolution: string, choice: CloseWorkOrder): Promise<WorkOrderSummary | undefined> {
  if (choice.mode === 'none') return undefined;
  const orders = desk.workOrders;
  if (!orders) throw new DeskActionError(503, 'no_work_orders', '工单系统未接入，请选择“不登记工单”。');
  const at = desk.now();
  try {
    if (choice.mode === 'update') {
      return await orders.resolve(choice.reference, { resolution, close: choice.close, by: actor.username, at, key: `close:${c.id}` });
    }
    const category = WorkOrderCategorySchema.parse(choice.category);
    const transcript = (await desk.deps.transcripts.read(c.address.conversationId, 200)).filter((e) => !e.internal).map(({ at: t, from, text }) => ({ at: t, from, text }));
    const slots = c.collected.slots;
    const contact = slots['contact'] && typeof slots['contact'] === 'object' && !Array.isArray(slots['contact']) ? (slots['contact'] as Record<string, Json>) : {};
    const phone = typeof slots['phone'] === 'string' ? slots['phone'] : typeof contact['phone'] === 'string' ? contact['phone'] : undefined;
    const name = typeof slots['name'] === 'string' ? slots['name'] : typeof contact['name'] === 'string' ? contact['name'] : undefined;
    return await orders.open({
      key: `close:${c.id}`,
      source: 'chat',
      address: c.address,
      category,
      title: `${c.collected.title ? `${c.collected.title}：` : ''}${Array.from(resolution).slice(0, 30).join('')}`,
      description: resolution,
      contact: { ...(name ? { name } : {}), ...(phone ? { phone } : {}) },
      fields: Object.fromEntries(Object.entries(slots).map(([k, v]) => [k, v])),
      transcript,
      caseId: c.id,
      openedBy: { kind: 'agent', username: actor.username },
      at,
    });
  } catch (err) {
    if (err instanceof DeskActionError) throw err;
    desk.deps.logger.error({ err, case: c.id }, 'work order not opened or updated');
    throw new DeskActionError(503, 'work_order_failed', '工单系统暂时无法办理，会话没有结束，请稍后再试。');
  }
}
