import type { ConversationAddress } from '../../bot/ports';
import type { WorkOrderDesk, WorkOrderOpen, WorkOrderResolve, WorkOrderSummary } from '../../bot/handoff/work-orders';

/**
 * A stand-in for the 12345 ticketing module behind the desk's `WorkOrderDesk` port, for tests
 * only (the real one is issue 12's; the lead binds it in `composeBot({ workOrders })`). It keeps
 * what it was given so tests can check exactly what the desk sends, numbers orders GD + serial,
 * is idempotent per key, and can be told to fail.
 */
export class FakeWorkOrderDesk implements WorkOrderDesk {
  readonly opened: WorkOrderOpen[] = [];
  readonly resolutions: { reference: string; input: WorkOrderResolve }[] = [];
  readonly #orders = new Map<string, WorkOrderSummary & { address: ConversationAddress }>();
  readonly #byKey = new Map<string, string>();
  #serial = 0;
  failing = false;

  async open(input: WorkOrderOpen): Promise<WorkOrderSummary> {
    if (this.failing) throw new Error('ticketing down');
    const known = this.#byKey.get(input.key);
    if (known) return this.#summary(known);
    this.opened.push(structuredClone(input));
    const reference = `GD20261201${String(++this.#serial).padStart(6, '0')}`;
    this.#orders.set(reference, {
      reference,
      status: '已受理',
      title: input.title,
      category: input.category,
      openedAt: input.at,
      dueAt: input.callbackBy ?? input.at + 5 * 86_400_000,
      overdue: false,
      rectification: false,
      closed: false,
      address: input.address,
    });
    this.#byKey.set(input.key, reference);
    return this.#summary(reference);
  }

  async forResident(address: ConversationAddress, limit: number): Promise<WorkOrderSummary[]> {
    return [...this.#orders.values()].filter((o) => o.address.conversationId === address.conversationId).reverse().slice(0, limit).map((o) => this.#summary(o.reference));
  }

  async resolve(reference: string, input: WorkOrderResolve): Promise<WorkOrderSummary> {
    if (this.failing) throw new Error('ticketing down');
    const order = this.#orders.get(reference);
    if (!order) throw new Error(`no work order ${reference}`);
    this.resolutions.push({ reference, input: structuredClone(input) });
    if (input.close) Object.assign(order, { status: '已办结', closed: true });
    else order.status = '办理中';
    return this.#summary(reference);
  }

  async attention(at: number): Promise<{ overdue: WorkOrderSummary[]; rectification: WorkOrderSummary[] }> {
    const all = [...this.#orders.values()].map((o) => this.#summary(o.reference));
    const overdue = all.filter((o) => !o.closed && o.dueAt !== undefined && o.dueAt < at).map((o) => ({ ...o, overdue: true }));
    return { overdue, rectification: all.filter((o) => o.rectification) };
  }

  /** Marks an order as in 整改 (a bad rating the ticketing module would record). */
  rectify(reference: string): void {
    const order = this.#orders.get(reference);
    if (order) Object.assign(order, { rectification: true, status: '整改中' });
  }

  /** Moves an order's deadline (to make one overdue). */
  setDue(reference: string, dueAt: number): void {
    const order = this.#orders.get(reference);
    if (order) order.dueAt = dueAt;
  }

  #summary(reference: string): WorkOrderSummary {
    const { address: _address, ...order } = this.#orders.get(reference)!;
    return { ...order };
  }
}
