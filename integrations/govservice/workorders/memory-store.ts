import type { Clock } from '../../../bot/ports';
import { residentKeyOf, type WorkOrder, type WorkOrderStatus } from './port';
import { indexOf, outboxEvent, type OutboxEntry, type SaveOptions, type StoredOrder, type WorkOrderStore } from './store';

/**
 * Work orders in the process (the embedded default without Redis): lost on restart. Closed
 * orders are dropped `retentionMs` after their last change; the outbox is a list read by the relay.
 */
export class MemoryWorkOrderStore implements WorkOrderStore {
  readonly #orders = new Map<string, { order: WorkOrder; version: number; expiresAt?: number }>();
  readonly #keys = new Map<string, string>();
  readonly outbox: OutboxEntry[] = [];
  #serial = 0;

  constructor(private readonly options: { retentionMs: number; clock: Clock }) {}

  async get(reference: string): Promise<StoredOrder | undefined> {
    const held = this.#held(reference);
    return held && { order: structuredClone(held.order), version: held.version };
  }

  #held(reference: string) {
    const held = this.#orders.get(reference);
    if (held?.expiresAt !== undefined && held.expiresAt <= this.options.clock.now()) {
      this.#orders.delete(reference);
      return undefined;
    }
    return held;
  }

  async create(order: WorkOrder, key: string, options: SaveOptions): Promise<StoredOrder & { created: boolean }> {
    const filed = this.#keys.get(key) ?? order.reference;
    const existing = this.#held(filed);
    if (existing) return { order: structuredClone(existing.order), version: existing.version, created: false };
    this.#put(order, 1, options);
    this.#keys.set(key, order.reference);
    return { order: structuredClone(order), version: 1, created: true };
  }

  async save(order: WorkOrder, version: number, options: SaveOptions): Promise<boolean> {
    const held = this.#held(order.reference);
    if (!held || held.version !== version) return false;
    this.#put(order, version + 1, options);
    return true;
  }

  #put(order: WorkOrder, version: number, options: SaveOptions): void {
    const expiresAt = indexOf(order).closed ? options.at + this.options.retentionMs : undefined;
    this.#orders.set(order.reference, { order: structuredClone(order), version, ...(expiresAt !== undefined ? { expiresAt } : {}) });
    if (options.outbox) this.outbox.push({ id: `${options.at}-${this.#serial++}`, reference: order.reference, version, event: outboxEvent(version), at: options.at });
  }

  async #all(): Promise<WorkOrder[]> {
    const out: WorkOrder[] = [];
    for (const ref of [...this.#orders.keys()]) {
      const held = await this.get(ref);
      if (held) out.push(held.order);
    }
    return out.sort((a, b) => b.openedAt - a.openedAt || (a.reference < b.reference ? 1 : -1));
  }

  async byResident(residentKey: string, limit: number): Promise<WorkOrder[]> {
    return (await this.#all()).filter((o) => residentKeyOf(o.filing.address) === residentKey).slice(0, limit);
  }

  async due(at: number, limit: number): Promise<WorkOrder[]> {
    const due = (await this.#all()).flatMap((o) => {
      const d = indexOf(o).dueAt;
      return d !== undefined && d <= at ? [{ o, d }] : [];
    });
    return due.sort((a, b) => a.d - b.d).slice(0, limit).map((x) => x.o);
  }

  async inRectification(limit: number): Promise<WorkOrder[]> {
    return (await this.#all()).filter((o) => indexOf(o).rectification).slice(0, limit);
  }

  async recent(filter: { status?: WorkOrderStatus; limit: number; scan: number }): Promise<WorkOrder[]> {
    return (await this.#all()).slice(0, filter.scan).filter((o) => !filter.status || o.status === filter.status).slice(0, filter.limit);
  }
}
