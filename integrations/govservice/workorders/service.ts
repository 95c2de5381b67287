import type { Clock, References } from '../../../bot/ports';
import * as machine from './machine';
import { WorkOrderNotFoundError } from './machine';
import type { Actor, RatingLevel, RequestType, WorkOrder, WorkOrderFiling, WorkOrderLocation, WorkOrders, WorkOrderStatus, WorkOrderTransition } from './port';
import { similar, SIMILAR_WITHIN_MS } from './similar';
import type { WorkOrderStore } from './store';
import type { WorkOrderDeadlines } from './time-limits';

/** Told after every stored change, and again on a retried write (so it must be idempotent): the events schedule the rating invitation on 办结. */
export type WorkOrderChangeListener = (before: WorkOrder | undefined, after: WorkOrder) => Promise<void>;

export interface WorkOrderServiceDeps {
  store: WorkOrderStore;
  references: References;
  deadlines: WorkOrderDeadlines;
  /** A city platform is configured: every change is queued in the outbox and the order is 待同步. */
  platform: boolean;
  clock: Clock;
}

const WRITE_ATTEMPTS = 30;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The WorkOrders port over a store: the lifecycle machine decides, the store keeps each result
 * with optimistic versions (a write that lost the race is re-read and re-applied; the machine's
 * per-key idempotency makes that safe).
 */
export class WorkOrderService implements WorkOrders {
  readonly #listeners: WorkOrderChangeListener[] = [];

  constructor(private readonly deps: WorkOrderServiceDeps) {}

  get platform(): boolean {
    return this.deps.platform;
  }

  onChange(listener: WorkOrderChangeListener): void {
    this.#listeners.push(listener);
  }

  async file(filing: WorkOrderFiling): Promise<WorkOrder> {
    const reference = await this.deps.references.issue('workOrder', filing.key, filing.at);
    // A retry of the same key gets the same number, and `create` answers with the order filed under it.
    const deadline = this.deps.deadlines.reply(filing.type, filing.urgent, filing.at);
    const order = machine.fileOrder(reference, filing, deadline, this.deps.platform);
    const stored = await this.deps.store.create(order, filing.key, { outbox: this.deps.platform, at: filing.at });
    if (stored.created) await this.#tell(undefined, stored.order);
    return stored.order;
  }

  async get(reference: string): Promise<WorkOrder | undefined> {
    return (await this.deps.store.get(reference))?.order;
  }

  listByResident(residentKey: string, limit: number): Promise<WorkOrder[]> {
    return this.deps.store.byResident(residentKey, limit);
  }

  async findSimilarOpen(residentKey: string, probe: { description: string; location?: WorkOrderLocation; type: RequestType }): Promise<WorkOrder | undefined> {
    const since = this.deps.clock.now() - SIMILAR_WITHIN_MS;
    const orders = await this.deps.store.byResident(residentKey, 50);
    return orders.find((o) => machine.isOpen(o) && o.openedAt >= since && similar(o, probe));
  }

  append(reference: string, addition: { text: string; at: number; key: string; actor: Actor }): Promise<WorkOrder> {
    return this.update(reference, addition.at, (o) => machine.append(o, addition));
  }

  transition(reference: string, move: WorkOrderTransition & { actor: Actor; at: number; key: string }): Promise<WorkOrder> {
    return this.update(reference, move.at, (o) => machine.transition(o, move, (at) => this.deps.deadlines.rectify(at)));
  }

  rate(reference: string, rating: { level: RatingLevel; reason?: string; at: number; key: string }): Promise<WorkOrder> {
    return this.update(reference, rating.at, (o) => machine.rate(o, rating, (at) => this.deps.deadlines.rectify(at)));
  }

  hold(reference: string, h: { reason: string; actor: Actor; at: number; key: string }): Promise<WorkOrder> {
    return this.update(reference, h.at, (o) => machine.hold(o, h));
  }

  resume(reference: string, r: { actor: Actor; at: number; key: string }): Promise<WorkOrder> {
    return this.update(reference, r.at, (o) => machine.resume(o, r, (d) => this.deps.deadlines.recount(d)));
  }

  extend(reference: string, e: { workdays: number; reason: string; actor: Actor; at: number; key: string }): Promise<WorkOrder> {
    return this.update(reference, e.at, (o) => machine.extend(o, e, (d) => this.deps.deadlines.recount(d)));
  }

  appeal(reference: string, appeal: { by: string; reason: string; at: number; key: string }): Promise<WorkOrder> {
    return this.update(reference, appeal.at, (o) => machine.appeal(o, appeal));
  }

  async list(filter: { status?: WorkOrderStatus; overdue?: boolean; rectification?: boolean; at: number; limit: number }): Promise<WorkOrder[]> {
    const { store } = this.deps;
    const scan = Math.max(filter.limit * 20, 500);
    let orders: WorkOrder[];
    if (filter.overdue) orders = (await store.due(filter.at, scan)).sort((a, b) => b.openedAt - a.openedAt);
    else if (filter.rectification) orders = await store.inRectification(scan);
    else return store.recent({ ...(filter.status ? { status: filter.status } : {}), limit: filter.limit, scan });
    return orders
      .filter((o) => (!filter.status || o.status === filter.status) && (!filter.rectification || machine.inRectification(o)) && (!filter.overdue || machine.isOverdue(o, filter.at)))
      .slice(0, filter.limit);
  }

  /**
   * A status update from the city platform, with its per-order sequence number: applied once, and
   * ignored when the order already took that sequence or a later one (updates that arrive out of
   * order). Returns whether it was applied.
   */
  async applyPlatformUpdate(reference: string, update: { seq: number; move: WorkOrderTransition; by?: string; at: number }): Promise<boolean> {
    let applied = false;
    await this.update(reference, update.at, (o) => {
      applied = false;
      if ((o.sync.platformSeq ?? 0) >= update.seq) return o;
      const actor: Actor = update.by ? { kind: 'department', name: update.by } : { kind: 'platform' };
      const moved = machine.transition(o, { ...update.move, actor, at: update.at, key: `platform:${update.seq}` }, (at) => this.deps.deadlines.rectify(at));
      applied = true;
      return { ...moved, sync: { ...moved.sync, platformSeq: update.seq } };
    });
    return applied;
  }

  /** 督办 for every overdue, unanswered order (the supervision sweep); returns how many were marked. */
  async supervise(at: number): Promise<number> {
    let marked = 0;
    for (const o of await this.deps.store.due(at, 1000)) {
      if (o.supervised) continue;
      const key = `supervise:${o.reference}:${machine.deadlineInForce(o)?.dueAt ?? 0}`;
      const after = await this.update(o.reference, at, (cur) => machine.supervise(cur, at, key));
      if (after.supervised) marked++;
    }
    return marked;
  }

  /**
   * Applies `change` to the stored order and keeps the result (retried on a lost race). With a
   * platform configured, the change is queued in the outbox and the order is 待同步 again, unless
   * `sync` says it is the relay's own bookkeeping.
   */
  async update(reference: string, at: number, change: (o: WorkOrder) => WorkOrder, sync = false): Promise<WorkOrder> {
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const found = await this.deps.store.get(reference);
      if (!found) throw new WorkOrderNotFoundError(reference);
      let next = change(found.order);
      if (next === found.order) {
        // A retried write: listeners are told again (what they do is idempotent), in case the
        // first attempt stored the change but failed before they finished.
        if (!sync) await this.#tell(found.order, found.order);
        return next;
      }
      const outbox = this.deps.platform && !sync;
      if (outbox) next = { ...next, sync: { ...next.sync, state: '待同步' } };
      if (await this.deps.store.save(next, found.version, { outbox, at })) {
        await this.#tell(found.order, next);
        return next;
      }
      // Lost the race: a short random pause keeps contending writers from colliding again.
      await pause(Math.random() * Math.min(2 * (attempt + 1), 20));
    }
    throw new Error(`work order ${reference}: too many concurrent writes`);
  }

  async #tell(before: WorkOrder | undefined, after: WorkOrder): Promise<void> {
    for (const l of this.#listeners) await l(before, after);
  }
}
