import type { WorkOrder, WorkOrderStatus } from './port';
import { deadlineInForce, inRectification, isClosed } from './machine';

/** A stored order and its version (each save adds one). */
export interface StoredOrder {
  order: WorkOrder;
  version: number;
}

/** What a write stores beside the order. */
export interface SaveOptions {
  /** Queue the change for the city platform (an outbox entry in the same atomic step). */
  outbox: boolean;
  /** Epoch ms now (retention of closed orders counts from here). */
  at: number;
}

/** One change queued for the city platform. */
export interface OutboxEntry {
  /** The stream entry's id. */
  id: string;
  reference: string;
  version: number;
  event: 'filed' | 'updated';
  at: number;
}

/**
 * Where the work-order service keeps orders. Every write is one atomic step: the order, its
 * indexes, the filing's idempotency key and the outbox entry together or not at all.
 */
export interface WorkOrderStore {
  get(reference: string): Promise<StoredOrder | undefined>;
  /** Stores a new order filed under `key`; an order already filed under `key` (or at `reference`) wins and is returned (`created` false). */
  create(order: WorkOrder, key: string, options: SaveOptions): Promise<StoredOrder & { created: boolean }>;
  /** Replaces the order if it is still at `version`; false when another write came first. */
  save(order: WorkOrder, version: number, options: SaveOptions): Promise<boolean>;
  /** Newest first; at most `limit`. */
  byResident(residentKey: string, limit: number): Promise<WorkOrder[]>;
  /** Orders whose deadline in force is at or before `at`, soonest first. */
  due(at: number, limit: number): Promise<WorkOrder[]>;
  /** Orders with an open 整改, newest first. */
  inRectification(limit: number): Promise<WorkOrder[]>;
  /** All orders, newest first, optionally by status (scans at most `scan` of the newest). */
  recent(filter: { status?: WorkOrderStatus; limit: number; scan: number }): Promise<WorkOrder[]>;
}

/** Index values of an order, shared by the stores. */
export function indexOf(o: WorkOrder) {
  const d = deadlineInForce(o);
  return { dueAt: d?.dueAt, rectification: inRectification(o), closed: isClosed(o) && !inRectification(o) };
}

/** The change a relay sends: a filed order's first version, else an update. */
export const outboxEvent = (version: number): OutboxEntry['event'] => (version === 1 ? 'filed' : 'updated');
