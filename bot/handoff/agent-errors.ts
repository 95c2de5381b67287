import type { WorkOrderCategory } from './work-orders';

/** A refused console action, with what the agent reads. */
export class DeskActionError extends Error {
  override name = 'DeskActionError';
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 503,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** How a chat is closed: with a new work order, an update of the resident's existing one, or none. */
export type CloseWorkOrder = { mode: 'none' } | { mode: 'new'; category: WorkOrderCategory } | { mode: 'update'; reference: string; close: boolean };
