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
  /** The references of each resident's orders, so a resident's lookup reads only theirs. */
  readonly #byResident = new Map<string, Set<string>>();
  readonly outbox: OutboxEntry[] = [];
  #serial = 0;

  constructor(private readonly options: { retentionMs: number; clock: Clock }) {}

  async get(reference: string): Promise<StoredOrder | undefined> {
    const held = this.#held(reference);
    return held && { order: copyOf(held.order), version: held.version };
  }

  #held(reference: string) {
    const held = this.#orders.get(reference);
    if (held?.expiresAt !== undefined && held.expiresAt <= this.options.clock.now()) {
      this.#orders.delete(reference);
      this.#byResident.get(residentKeyOf(held.order.filing.address))?.delete(reference);
      return undefined;
    }
    return held;
  }

  async create(order: WorkOrder, key: string, options: SaveOptions): Promise<StoredOrder & { created: boolean }> {
    const filed = this.#keys.get(key) ?? order.reference;
    const existing = this.#held(filed);
    if (existing) return { order: copyOf(existing.order), version: existing.version, created: false };
    this.#put(order, 1, options);
    this.#keys.set(key, order.reference);
    // The store keeps its own copy: the caller's object is theirs to return.
    return { order, version: 1, created: true };
  }

  async save(order: WorkOrder, version: number, options: SaveOptions): Promise<boolean> {
    const held = this.#held(order.reference);
    if (!held || held.version !== version) return false;
    this.#put(order, version + 1, options);
    return true;
  }

  #put(order: WorkOrder, version: number, options: SaveOptions): void {
    const expiresAt = indexOf(order).closed ? options.at + this.options.retentionMs : undefined;
    this.#orders.set(order.reference, { order: copyOf(order), version, ...(expiresAt !== undefined ? { expiresAt } : {}) });
    const resident = residentKeyOf(order.filing.address);
    const refs = this.#byResident.get(resident) ?? new Set<string>();
    this.#byResident.set(resident, refs.add(order.reference));
    if (options.outbox) this.outbox.push({ id: `${options.at}-${this.#serial++}`, reference: order.reference, version, event: outboxEvent(version), at: options.at });
  }

  /** Orders kept (among `refs`, default all) that `keep` accepts, newest first; only those are copied. */
  #all(keep: (o: WorkOrder) => boolean = () => true, refs: Iterable<string> = [...this.#orders.keys()]): WorkOrder[] {
    const out: WorkOrder[] = [];
    for (const ref of [...refs]) {
      const held = this.#held(ref);
      if (held && keep(held.order)) out.push(copyOf(held.order));
    }
    return out.sort((a, b) => b.openedAt - a.openedAt || (a.reference < b.reference ? 1 : -1));
  }

  async byResident(residentKey: string, limit: number): Promise<WorkOrder[]> {
    return this.#all(undefined, this.#byResident.get(residentKey) ?? []).slice(0, limit);
  }

  async due(at: number, limit: number): Promise<WorkOrder[]> {
    const due = this.#all((o) => (indexOf(o).dueAt ?? Infinity) <= at).flatMap((o) => {
      const d = indexOf(o).dueAt;
      return d !== undefined && d <= at ? [{ o, d }] : [];
    });
    return due.sort((a, b) => a.d - b.d).slice(0, limit).map((x) => x.o);
  }

  async inRectification(limit: number): Promise<WorkOrder[]> {
    return this.#all((o) => indexOf(o).rectification).slice(0, limit);
  }

  async recent(filter: { status?: WorkOrderStatus; limit: number; scan: number }): Promise<WorkOrder[]> {
    return this.#all().slice(0, filter.scan).filter((o) => !filter.status || o.status === filter.status).slice(0, filter.limit);
  }
}

/** Orders are plain JSON: a JSON copy is the store's own (and cheaper than structuredClone here). */
function copyOf<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
