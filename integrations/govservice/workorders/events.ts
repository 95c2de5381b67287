import type { Logger } from '../../../bot/logger';
import type { Clock, JobQueue } from '../../../bot/ports';
import { deadlineInForce } from './machine';
import type { WorkOrder, WorkOrderDeadline, WorkOrderEvents } from './port';
import type { WorkOrderService } from './service';

export const CLOSED_JOB = 'workorder.closed';
export const RATING_REMINDER_JOB = 'workorder.ratingReminder';
export const SUPERVISE_JOB = 'workorder.supervise';
export const EXTENDED_JOB = 'workorder.extended';

export const closedJobId = (reference: string): string => `wo-closed-${reference}`;
export const reminderJobId = (reference: string): string => `wo-remind-${reference}`;
export const extendedJobId = (reference: string): string => `wo-extended-${reference}`;

const SUPERVISE_EVERY_MS = 15 * 60_000;

export interface WorkOrderJobsDeps {
  service: WorkOrderService;
  jobs: JobQueue;
  events: WorkOrderEvents;
  clock: Clock;
  logger: Logger;
  /** The one reminder of the rating invitation, this long after it (WORKORDER_RATING_REMINDER_HOURS). */
  reminderMs: number;
}

const awaitsRating = (o: WorkOrder) => !o.rating && (o.status === '办结' || o.status === '回访');

/**
 * What follows a 办结: a job (one per order) tells the bot (WorkOrderEvents.closed: the reply and
 * the 好差评 invitation) and records `invitation.sentAt`; a second job reminds once if still
 * unrated. The invitation goes out once per order, also when it is closed again after 整改.
 * Each job claims its step on the order first (a versioned write only one runner wins), so a job
 * run twice tells the resident once; a failed telling gives the claim back and the job retries.
 * A recurring sweep marks overdue orders 督办.
 */
export class WorkOrderJobs {
  constructor(private readonly deps: WorkOrderJobsDeps) {
    deps.jobs.handle(CLOSED_JOB, (data) => this.#closed(String(data.reference ?? '')));
    deps.jobs.handle(RATING_REMINDER_JOB, (data) => this.#remind(String(data.reference ?? '')));
    deps.jobs.handle(SUPERVISE_JOB, async () => {
      const marked = await deps.service.supervise(deps.clock.now());
      if (marked) deps.logger.info({ marked }, 'work orders past their deadline marked 督办');
    });
    // Scheduling is idempotent per order (the job id), and the job skips an order already invited.
    deps.jobs.handle(EXTENDED_JOB, (data) => this.#extended(String(data.reference ?? '')));
    deps.service.onChange(async (_before, after) => {
      if (after.status === '办结' && !after.invitation) {
        await deps.jobs.schedule({ id: closedJobId(after.reference), name: CLOSED_JOB, runAt: deps.clock.now(), data: { reference: after.reference } });
      }
      // 依规延期: the resident is told the new date (届时会告诉您), once.
      const extension = deadlineInForce(after)?.extension;
      if (extension && extension.toldAt === undefined) {
        await deps.jobs.schedule({ id: extendedJobId(after.reference), name: EXTENDED_JOB, runAt: deps.clock.now(), data: { reference: after.reference } });
      }
    });
  }

  /** Starts the 督办 sweep (after the queue started). */
  async start(): Promise<void> {
    await this.deps.jobs.every(SUPERVISE_JOB, SUPERVISE_EVERY_MS);
  }

  async #closed(reference: string): Promise<void> {
    const { service, clock } = this.deps;
    const log = this.deps.logger.child({ workOrder: reference });
    const order = await service.get(reference);
    if (!order || order.invitation || !awaitsRating(order)) return log.info({ status: order?.status ?? 'gone' }, 'work order invitation skipped');
    const sentAt = clock.now();
    const claimed = await service.update(reference, sentAt, (o) => (o.invitation || !awaitsRating(o) ? o : { ...o, invitation: { sentAt } }), true);
    if (claimed.invitation?.sentAt !== sentAt) return;
    try {
      await this.deps.events.closed(claimed);
    } catch (err) {
      await service.update(reference, clock.now(), (o) => (o.invitation?.sentAt === sentAt ? withoutInvitation(o) : o), true);
      throw err;
    }
    await this.deps.jobs.schedule({ id: reminderJobId(reference), name: RATING_REMINDER_JOB, runAt: sentAt + this.deps.reminderMs, data: { reference } });
    log.info('work order closed: the resident was told and invited to rate');
  }

  async #extended(reference: string): Promise<void> {
    const { service, clock } = this.deps;
    const order = await service.get(reference);
    if (!order || deadlineInForce(order)?.extension?.toldAt !== undefined || !deadlineInForce(order)?.extension) return;
    const toldAt = clock.now();
    const claimed = await service.update(reference, toldAt, (o) => (deadlineInForce(o)?.extension?.toldAt === undefined ? markTold(o, toldAt) : o), true);
    if (deadlineInForce(claimed)?.extension?.toldAt !== toldAt) return;
    try {
      await this.deps.events.extended?.(claimed);
    } catch (err) {
      await service.update(reference, clock.now(), (o) => (deadlineInForce(o)?.extension?.toldAt === toldAt ? markTold(o, undefined) : o), true);
      throw err;
    }
  }

  async #remind(reference: string): Promise<void> {
    const { service, clock } = this.deps;
    const order = await service.get(reference);
    if (!order?.invitation || order.invitation.remindedAt !== undefined || !awaitsRating(order)) return;
    const remindedAt = clock.now();
    const claimed = await service.update(reference, remindedAt, (o) => (!o.invitation || o.invitation.remindedAt !== undefined || !awaitsRating(o) ? o : { ...o, invitation: { ...o.invitation, remindedAt } }), true);
    if (claimed.invitation?.remindedAt !== remindedAt) return;
    try {
      await this.deps.events.ratingReminder(claimed);
    } catch (err) {
      await service.update(reference, clock.now(), (o) => (o.invitation?.remindedAt === remindedAt ? { ...o, invitation: { sentAt: o.invitation.sentAt } } : o), true);
      throw err;
    }
  }
}

/** The extension in force, marked told at `at` (or unmarked with `undefined`). */
function markTold(o: WorkOrder, at: number | undefined): WorkOrder {
  const mark = (d: WorkOrderDeadline): WorkOrderDeadline => (d.extension ? { ...d, extension: { ...d.extension, toldAt: at } } : d);
  if (o.rectification && o.rectification.doneAt === undefined) return { ...o, rectification: { ...o.rectification, deadline: mark(o.rectification.deadline) } };
  return o.deadline ? { ...o, deadline: mark(o.deadline) } : o;
}

function withoutInvitation(o: WorkOrder): WorkOrder {
  const { invitation: _, ...rest } = o;
  return rest;
}
